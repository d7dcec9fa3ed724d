import type { BgNbdParams } from '../../analytics/models/bgnbd.ts';
import type { GammaGammaParams } from '../../analytics/models/gammagamma.ts';
import type { AccountInput, SubscriptionInput } from '../accounts/index.ts';
import type { ProductInput } from '../catalog/index.ts';
import type { CustomerInput } from '../customers/index.ts';
import type { EventInput } from '../events/index.ts';
import type { OrderInput, RefundInput } from '../orders/index.ts';
import { makeAccounts } from './accounts.ts';
import { buildCatalog, productInputs } from './catalog.ts';
import { makeCustomer, type World } from './customer.ts';

export interface GenerateOptions {
  customers: number;
  months: number;
  seed: number;
  /** End of the observation period; see `observationEnd`. */
  end: Date;
  /** Other BG/NBD parameters (weeks) than GROUND_TRUTH's, e.g. more loyal customers for a bigger order history. */
  bgnbd?: BgNbdParams;
}

/**
 * The parameters the data is drawn from, in weeks and yen. A typical customer buys about three
 * times a year while active (E[λ] = r/α = 0.06 a week) and drops out after a repeat purchase with
 * probability E[p] = a/(a+b) ≈ 0.21; the mean order is γp/(q−1) = ¥6,000.
 */
export const GROUND_TRUTH = {
  bgnbd: { r: 0.6, alpha: 10, a: 0.8, b: 3, unit: 'weeks' },
  gammagamma: { p: 6, q: 4, v: 3000 },
} as const satisfies { bgnbd: BgNbdParams & { unit: 'weeks' }; gammagamma: GammaGammaParams };

/** About one customer in fifty works for one of the N/200 companies with a B2B account. */
const ACCOUNT_MEMBER_SHARE = 0.02;
const CUSTOMERS_PER_ACCOUNT = 200;

/**
 * Without `--end` the data ends at a fixed date, so the same seed and options give the same data on
 * any day. Dates are midnight in Japan, where the demo shop is.
 */
export const DEFAULT_END = '2026-11-01';
const JST = 9 * 3_600_000;

export function observationEnd(date: string): Date {
  const d = new Date(`${date}T00:00:00+09:00`);
  // The round trip rejects what Date.parse rolls over (2026-02-30 would become March 2).
  const valid = /^\d{4}-\d{2}-\d{2}$/.test(date) && !Number.isNaN(d.getTime()) && new Date(d.getTime() + JST).toISOString().startsWith(date);
  if (!valid) throw new RangeError(`not a date: ${date}`);
  return d;
}

/** `months` calendar months before `end`, at the same Japanese midnight (the 31st steps back to a month's last day). */
export function observationStart(end: Date, months: number): Date {
  const jst = new Date(end.getTime() + JST);
  const year = jst.getUTCFullYear();
  const month = jst.getUTCMonth() - months;
  const lastDay = new Date(Date.UTC(year, month + 1, 0)).getUTCDate();
  return new Date(Date.UTC(year, month, Math.min(jst.getUTCDate(), lastDay)) - JST);
}

export interface DemoPlan {
  options: GenerateOptions;
  start: Date;
  end: Date;
  products: ProductInput[];
  accounts: AccountInput[];
  subscriptions: SubscriptionInput[];
  world: World;
}

export interface CustomerBatch {
  customers: CustomerInput[];
  orders: OrderInput[];
  refunds: RefundInput[];
  events: EventInput[];
}

/** What is shared by all customers: dates, catalogue, B2B accounts. Cheap; customers come in batches. */
export function planDemo(options: GenerateOptions): DemoPlan {
  const end = options.end;
  const start = observationStart(end, options.months);
  const catalog = buildCatalog(options.seed);
  const accounts = makeAccounts(options.seed, Math.max(1, Math.round(options.customers / CUSTOMERS_PER_ACCOUNT)), start, end);
  return {
    options,
    start,
    end,
    products: productInputs(catalog),
    accounts: accounts.accounts,
    subscriptions: accounts.subscriptions,
    world: {
      seed: options.seed,
      start,
      end,
      bgnbd: options.bgnbd ?? GROUND_TRUTH.bgnbd,
      gammagamma: GROUND_TRUTH.gammagamma,
      catalog,
      accounts,
      accountMemberShare: ACCOUNT_MEMBER_SHARE,
    },
  };
}

/** Customers `from` … `to − 1` with their orders, refunds and events. */
export function customerBatch(plan: DemoPlan, from: number, to: number): CustomerBatch {
  const batch: CustomerBatch = { customers: [], orders: [], refunds: [], events: [] };
  for (let i = from; i < to; i++) {
    const records = makeCustomer(plan.world, i);
    batch.customers.push(records.customer);
    for (const o of records.orders) batch.orders.push(o);
    for (const r of records.refunds) batch.refunds.push(r);
    for (const e of records.events) batch.events.push(e);
  }
  return batch;
}

/** All customers, `size` at a time. */
export function* customerBatches(plan: DemoPlan, size: number): Generator<CustomerBatch> {
  for (let from = 0; from < plan.options.customers; from += size) {
    yield customerBatch(plan, from, Math.min(plan.options.customers, from + size));
  }
}
