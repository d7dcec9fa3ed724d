import type { BgNbdParams } from '../../analytics/models/bgnbd.ts';
import type { GammaGammaParams } from '../../analytics/models/gammagamma.ts';
import { sampleGammaGammaSpend, simulateBgNbdCustomer } from '../../analytics/models/simulate.ts';
import type { Rng } from '../../analytics/random.ts';
import type { ConsentInput, CustomerInput } from '../customers/index.ts';
import type { EventInput } from '../events/index.ts';
import type { OrderInput, RefundInput } from '../orders/index.ts';
import type { DemoAccounts } from './accounts.ts';
import { browsingEvents } from './activity.ts';
import { drawTaste, fillBasket, type Taste } from './basket.ts';
import type { DemoCatalog } from './catalog.ts';
import { chance, intBetween, streamFor, Weighted } from './choose.ts';
import { makePersonalData } from './profile.ts';

const CUSTOMER_STREAM = 0;
const MINUTE = 60_000;
const HOUR = 3_600_000;
const DAY = 86_400_000;
export const WEEK = 7 * DAY;
const JST = 9 * HOUR;

export interface World {
  seed: number;
  start: Date;
  end: Date;
  bgnbd: BgNbdParams;
  gammagamma: GammaGammaParams;
  catalog: DemoCatalog;
  accounts: DemoAccounts;
  /** Share of customers who are staff of a B2B account. */
  accountMemberShare: number;
}

export interface CustomerRecords {
  customer: CustomerInput;
  /** Model purchases (completed) first in time order, then any cancelled order. */
  orders: OrderInput[];
  refunds: RefundInput[];
  events: EventInput[];
}

/** When people shop, by hour of the Japanese day: a lunch bump and an evening peak. */
const shopHours = new Weighted(
  [1, 0.6, 0.4, 0.3, 0.3, 0.5, 1, 2, 3, 3.5, 4, 4.5, 5.5, 5, 4.5, 4.5, 4.5, 5, 5.5, 6.5, 7.5, 8, 7, 4].map((w, h) => [h, w] as const),
);
const paymentMethods = new Weighted([
  ['credit_card', 55], ['paypay', 15], ['konbini', 12], ['cash_on_delivery', 8], ['bank_transfer', 5], ['amazon_pay', 5],
] as const);

/** Customers arrive more often as the shop grows: the last day sees twice the first day's sign-ups. */
const GROWTH = 1;

/**
 * Everything about customer `index`, from its own random stream. The first order is the
 * acquisition; repeat orders follow BG/NBD and every completed order's total is a Gamma-Gamma draw
 * rounded to the yen. Cancelled orders are extra (outside the model); a refund returns one line of
 * about one order in a hundred, which lowers those orders' net value slightly.
 */
export function makeCustomer(world: World, index: number): CustomerRecords {
  const rng = streamFor(world.seed, CUSTOMER_STREAM, index);
  const externalId = `cus_${String(index + 1).padStart(7, '0')}`;
  const { start, end } = world;
  const span = end.getTime() - start.getTime();

  const u = rng.next();
  const firstAt = start.getTime() + (span * (Math.sqrt(1 + 2 * GROWTH * u * (1 + GROWTH / 2)) - 1)) / GROWTH;
  const repeat = simulateBgNbdCustomer(world.bgnbd, (end.getTime() - firstAt) / WEEK, rng);
  const spends = sampleGammaGammaSpend(world.gammagamma, repeat.purchaseTimes.length + 1, rng);
  const times = [firstAt, ...repeat.purchaseTimes.map((w) => firstAt + w * WEEK)].map((t) => atShopHours(rng, t, end)).sort((a, b) => a - b);

  const accountIndex = world.accounts.domains.length > 0 && chance(rng, world.accountMemberShare)
    ? Math.floor(rng.next() * world.accounts.domains.length)
    : -1;
  const personal = makePersonalData(rng, externalId, index, end, accountIndex >= 0 ? world.accounts.domains[accountIndex] : undefined);
  const favourites = [world.catalog.categoryMix.pick(rng), world.catalog.categoryMix.pick(rng)];
  const taste = drawTaste(rng, world.catalog, favourites);
  const owned = new Set<string>();

  const orders: OrderInput[] = times.map((t, k) => order(rng, world, taste, owned, `${externalId}-${k + 1}`, externalId, t, Math.round(spends[k]!), 'completed'));
  const lastAt = times[times.length - 1]!;
  if (chance(rng, 0.03)) {
    const at = times[0]! + rng.next() * (Math.min(end.getTime(), lastAt + 60 * DAY) - times[0]!);
    const [value] = sampleGammaGammaSpend(world.gammagamma, 1, rng);
    orders.push(order(rng, world, taste, owned, `${externalId}-c1`, externalId, at, Math.round(value!), 'cancelled'));
  }
  const refunds = orders.flatMap((o) => (o.status === 'completed' && chance(rng, 0.01) ? refund(rng, o, end) : []));

  const customer: CustomerInput = {
    ...personal,
    createdAt: new Date(times[0]!),
    consents: consents(rng, times[0]!, end.getTime(), personal),
    ...(accountIndex >= 0 ? { accountExternalId: world.accounts.accounts[accountIndex]!.externalId } : {}),
  };
  const window = { from: times[0]! - 14 * DAY, until: repeat.alive ? end.getTime() : Math.min(end.getTime(), lastAt + 45 * DAY) };
  const events = browsingEvents(rng, world.catalog, favourites, externalId, orders, window);
  return { customer, orders, refunds, events };
}

/**
 * Keeps the day and moves the time to an hour people shop at (Japan time). This shifts purchases
 * by less than a day, which is nothing to a model counting in weeks.
 */
function atShopHours(rng: Rng, t: number, end: Date): number {
  const dayStart = Math.floor((t + JST) / DAY) * DAY - JST;
  const moved = dayStart + shopHours.pick(rng) * HOUR + Math.floor(rng.next() * HOUR);
  return moved < end.getTime() ? moved : t;
}

function order(
  rng: Rng,
  world: World,
  taste: Taste,
  owned: Set<string>,
  externalId: string,
  customerExternalId: string,
  at: number,
  totalMinor: number,
  status: 'completed' | 'cancelled',
): OrderInput {
  const basket = fillBasket(rng, world.catalog, taste, owned, totalMinor);
  return {
    externalId,
    customerExternalId,
    status,
    currency: 'JPY',
    orderedAt: new Date(at),
    discountMinor: basket.discountMinor,
    taxMinor: 0,
    shippingMinor: 0,
    totalMinor,
    lines: basket.lines,
    attributes: { paymentMethod: paymentMethods.pick(rng) },
  };
}

/** One returned line, a few days after delivery, if that is still before the end of data. */
function refund(rng: Rng, o: OrderInput, end: Date): RefundInput[] {
  const line = o.lines[intBetween(rng, 0, o.lines.length - 1)]!;
  const refundedAt = new Date(o.orderedAt.getTime() + intBetween(rng, 3, 14) * DAY + intBetween(rng, 0, 600) * MINUTE);
  if (refundedAt > end) return [];
  return [{
    externalId: `${o.externalId}-r1`,
    orderExternalId: o.externalId,
    amountMinor: Math.min(line.unitPriceMinor, o.totalMinor!),
    reason: '返品',
    refundedAt,
  }];
}

/**
 * Consent records as a sign-up form leaves them: most agree to e-mail, some later unsubscribe;
 * SMS and paper DM are opt-in boxes fewer tick; LINE consent comes from following the account.
 */
function consents(rng: Rng, signedUpAt: number, end: number, p: CustomerInput): ConsentInput[] {
  const at = (t: number) => new Date(Math.min(t, end));
  const list: ConsentInput[] = [];
  const emailOptIn = chance(rng, 0.82);
  list.push({ channel: 'email', status: emailOptIn ? 'opted_in' : 'opted_out', source: 'signup_form', recordedAt: at(signedUpAt) });
  if (emailOptIn && chance(rng, 0.06)) {
    list.push({ channel: 'email', status: 'opted_out', source: 'unsubscribe_link', recordedAt: at(signedUpAt + rng.next() * (end - signedUpAt)) });
  }
  if (p.phone && chance(rng, 0.3)) list.push({ channel: 'sms', status: 'opted_in', source: 'signup_form', recordedAt: at(signedUpAt) });
  if (p.lineUserId) list.push({ channel: 'line', status: 'opted_in', source: 'line_follow', recordedAt: at(signedUpAt + rng.next() * 30 * DAY) });
  if (chance(rng, 0.35)) list.push({ channel: 'dm', status: 'opted_in', source: 'signup_form', recordedAt: at(signedUpAt) });
  return list;
}
