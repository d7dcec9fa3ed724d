import type { Rng } from '../../analytics/random.ts';
import type { AccountInput, SubscriptionInput } from '../accounts/index.ts';
import { between, chance, intBetween, pick, streamFor, Weighted } from './choose.ts';
import { FAMILY_NAMES, TRADES } from './names.ts';

const ACCOUNT_STREAM = 2;
const DAY = 86_400_000;

/** Per-seat monthly prices; `share` is how many accounts choose the plan. */
const PLANS = [
  { plan: 'basic', seatPrice: 980, share: 50 },
  { plan: 'standard', seatPrice: 1980, share: 35 },
  { plan: 'premium', seatPrice: 3980, share: 15 },
] as const;
const plans = new Weighted(PLANS.map((p, i) => [i, p.share] as const));
const companySizes = new Weighted([[5, 25], [10, 25], [30, 20], [50, 15], [100, 10], [300, 5]] as const);

export interface DemoAccounts {
  accounts: AccountInput[];
  subscriptions: SubscriptionInput[];
  /** Mail domain of each account, by index: its members get addresses there. */
  domains: string[];
}

/**
 * B2B accounts (companies buying for their staff) with their plans: most subscriptions are active,
 * some canceled, a few past due or on trial; a quarter moved up from a cheaper plan, whose old
 * subscription shows as canceled on the day the new one started.
 */
export function makeAccounts(seed: number, count: number, start: Date, end: Date): DemoAccounts {
  const result: DemoAccounts = { accounts: [], subscriptions: [], domains: [] };
  for (let i = 0; i < count; i++) {
    const rng = streamFor(seed, ACCOUNT_STREAM, i);
    const family = pick(rng, FAMILY_NAMES);
    const trade = pick(rng, TRADES);
    const externalId = `acc_${String(i + 1).padStart(5, '0')}`;
    const domain = `${family.romaji}-${trade.romaji}-${i + 1}.example`;
    const employees = companySizes.pick(rng);
    result.domains.push(domain);
    result.accounts.push({
      externalId,
      name: chance(rng, 0.7) ? `株式会社${family.kanji}${trade.kanji}` : `${family.kanji}${trade.kanji}株式会社`,
      domain,
      attributes: { industry: trade.kanji, employees },
    });
    result.subscriptions.push(...subscriptionsOf(rng, externalId, employees, start, end));
  }
  return result;
}

function subscriptionsOf(rng: Rng, accountExternalId: string, employees: number, start: Date, end: Date): SubscriptionInput[] {
  const seats = Math.max(1, Math.round(employees * between(rng, 0.1, 0.6)));
  const yearly = chance(rng, 0.3);
  const planIndex = plans.pick(rng);
  let startedAt = new Date(start.getTime() + rng.next() * (end.getTime() - start.getTime() - DAY));
  const history: SubscriptionInput[] = [];
  if (planIndex > 0 && chance(rng, 0.25)) {
    const upgradedAt = new Date(startedAt.getTime() + rng.next() * (end.getTime() - startedAt.getTime()));
    history.push({
      ...subscription(accountExternalId, 1, planIndex - 1, seats, startedAt),
      status: 'canceled',
      canceledAt: upgradedAt,
      renewsAt: null,
    });
    startedAt = upgradedAt;
  }
  const current = subscription(accountExternalId, history.length + 1, planIndex, seats, startedAt);
  const u = rng.next();
  if (u < 0.18) {
    current.status = 'canceled';
    current.canceledAt = new Date(startedAt.getTime() + rng.next() * (end.getTime() - startedAt.getTime()));
  } else if (u < 0.22) {
    current.status = 'past_due';
    current.renewsAt = lastRenewal(startedAt, end, yearly);
  } else if (u < 0.26) {
    current.status = 'trialing';
    current.startedAt = new Date(end.getTime() - intBetween(rng, 1, 13) * DAY);
    current.renewsAt = new Date(current.startedAt.getTime() + 14 * DAY);
  } else {
    current.renewsAt = nextRenewal(startedAt, end, yearly);
  }
  return [...history, current];
}

function subscription(accountExternalId: string, n: number, planIndex: number, seats: number, startedAt: Date): SubscriptionInput {
  const { plan, seatPrice } = PLANS[planIndex]!;
  return {
    externalId: `sub_${accountExternalId.slice(4)}_${n}`,
    accountExternalId,
    plan,
    seats,
    mrrMinor: seats * seatPrice,
    currency: 'JPY',
    status: 'active',
    startedAt,
    renewsAt: null,
    canceledAt: null,
  };
}

/** The first billing anniversary after `end`, and the one before it (the renewal whose payment failed). */
function nextRenewal(startedAt: Date, end: Date, yearly: boolean): Date {
  return anniversary(startedAt, renewalsBy(startedAt, end, yearly) + 1, yearly);
}

function lastRenewal(startedAt: Date, end: Date, yearly: boolean): Date {
  return anniversary(startedAt, Math.max(1, renewalsBy(startedAt, end, yearly)), yearly);
}

function renewalsBy(startedAt: Date, end: Date, yearly: boolean): number {
  let k = 0;
  while (anniversary(startedAt, k + 1, yearly) <= end) k++;
  return k;
}

function anniversary(startedAt: Date, k: number, yearly: boolean): Date {
  const d = new Date(startedAt);
  if (yearly) d.setUTCFullYear(d.getUTCFullYear() + k);
  else d.setUTCMonth(d.getUTCMonth() + k);
  return d;
}
