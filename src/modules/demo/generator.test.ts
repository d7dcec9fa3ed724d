import assert from 'node:assert/strict';
import { test } from 'node:test';
import { bgnbdExpectedPurchases, fitBgNbd } from '../../analytics/models/bgnbd.ts';
import { fitGammaGamma } from '../../analytics/models/gammagamma.ts';
import { normalizePhone, PREFECTURES } from '../../lib/japanese.ts';
import { accountInput, subscriptionInput } from '../accounts/types.ts';
import { productInput } from '../catalog/types.ts';
import { customerInput } from '../customers/types.ts';
import { eventInput } from '../events/types.ts';
import { orderInput, refundInput } from '../orders/types.ts';
import { WEEK } from './customer.ts';
import { customerBatch, GROUND_TRUTH, observationEnd, observationStart, planDemo, type CustomerBatch, type DemoPlan } from './generator.ts';

const options = { customers: 5000, months: 24, seed: 11, end: observationEnd('2026-11-01') };
let cached: { plan: DemoPlan; batch: CustomerBatch } | undefined;
function dataSet() {
  if (!cached) {
    const plan = planDemo(options);
    cached = { plan, batch: customerBatch(plan, 0, options.customers) };
  }
  return cached;
}

test('the same seed gives the same data; another seed other data', () => {
  const a = planDemo({ ...options, customers: 50 });
  const b = planDemo({ ...options, customers: 50 });
  assert.deepEqual(customerBatch(a, 0, 50), customerBatch(b, 0, 50));
  assert.deepEqual([a.products, a.accounts, a.subscriptions], [b.products, b.accounts, b.subscriptions]);
  const c = planDemo({ ...options, customers: 50, seed: 12 });
  assert.notDeepEqual(customerBatch(c, 0, 5).customers, customerBatch(a, 0, 5).customers);
});

test('a customer does not depend on the batch it is generated in', () => {
  const plan = planDemo({ ...options, customers: 20 });
  const whole = customerBatch(plan, 0, 20);
  const tail = customerBatch(plan, 15, 20);
  assert.deepEqual(tail.customers, whole.customers.slice(15));
  assert.deepEqual(tail.orders, whole.orders.filter((o) => o.customerExternalId! >= 'cus_0000016'));
});

test('dates: the window is whole calendar months ending at midnight in Japan', () => {
  assert.throws(() => observationEnd('2026-02-30'), RangeError);
  assert.throws(() => observationEnd('tomorrow'), RangeError);
  const end = observationEnd('2026-03-31');
  assert.equal(end.toISOString(), '2026-03-30T15:00:00.000Z');
  assert.equal(observationStart(end, 1).toISOString(), '2026-02-27T15:00:00.000Z');
  assert.equal(observationStart(observationEnd('2026-11-01'), 24).toISOString(), '2024-10-31T15:00:00.000Z');
});

test('every generated input passes the module schemas', () => {
  const { plan, batch } = dataSet();
  const sample = <T>(list: T[]) => list.filter((_, i) => i % 50 === 0);
  for (const p of plan.products) productInput.parse(p);
  for (const a of plan.accounts) accountInput.parse(a);
  for (const s of plan.subscriptions) subscriptionInput.parse(s);
  for (const c of sample(batch.customers)) assert.deepEqual(customerInput.parse(c), c);
  for (const o of sample(batch.orders)) orderInput.parse(o);
  for (const e of sample(batch.events)) eventInput.parse(e);
  for (const r of batch.refunds) refundInput.parse(r);
  assert.equal(plan.products.length, 200);
  assert.equal(new Set(plan.products.map((p) => p.category)).size, 10);
});

test('customers look Japanese and reachable only on reserved domains', () => {
  const { batch } = dataSet();
  for (const c of batch.customers) {
    assert.ok(PREFECTURES.includes(c.prefecture as (typeof PREFECTURES)[number]), c.prefecture!);
    assert.match(c.postalCode!, /^\d{7}$/);
    assert.match(c.familyNameKana!, /^[\u30a0-\u30ff]+$/);
    assert.match(c.email!, /@(example\.(com|net|org)|[a-z-]+-\d+\.example)$/);
    if (c.phone) assert.equal(normalizePhone(c.phone), c.phone);
  }
  assert.equal(new Set(batch.customers.map((c) => c.email)).size, batch.customers.length);
  const tokyo = batch.customers.filter((c) => c.prefecture === '東京都').length / batch.customers.length;
  assert.ok(tokyo > 0.08 && tokyo < 0.14, `Tokyo share ${tokyo}`);
  const members = batch.customers.filter((c) => c.accountExternalId).length / batch.customers.length;
  assert.ok(members > 0.01 && members < 0.03, `B2B member share ${members}`);
});

test('orders: totals are the drawn spend, lines at shelf prices, the rest a discount; all inside the window', () => {
  const { plan, batch } = dataSet();
  const prices = new Map(plan.products.map((p) => [p.sku, p.priceMinor]));
  const firstOrder = new Map<string, number>();
  for (const o of batch.orders) {
    const subtotal = o.lines.reduce((s, l) => s + l.unitPriceMinor * l.quantity, 0);
    assert.equal(subtotal - o.discountMinor, o.totalMinor);
    assert.ok(o.discountMinor >= 0 && o.lines.length >= 1 && o.lines.length <= 4);
    for (const l of o.lines) assert.equal(l.unitPriceMinor, prices.get(l.sku!));
    assert.ok(o.orderedAt >= plan.start && o.orderedAt < plan.end);
    if (o.status === 'completed' && !firstOrder.has(o.customerExternalId!)) firstOrder.set(o.customerExternalId!, o.orderedAt.getTime());
  }
  for (const c of batch.customers) assert.equal(c.createdAt!.getTime(), firstOrder.get(c.externalId));
  for (const e of batch.events) assert.ok(e.occurredAt < plan.end);
  const cancelled = batch.orders.filter((o) => o.status === 'cancelled').length / batch.orders.length;
  assert.ok(cancelled > 0 && cancelled < 0.03);
  assert.ok(batch.refunds.length > 0 && batch.refunds.length / batch.orders.length < 0.02);
});

/** The model's purchases: completed orders, in weeks since each customer's first. */
function rfm(plan: DemoPlan, batch: CustomerBatch) {
  const byCustomer = new Map<string, { times: number[]; values: number[] }>();
  for (const o of batch.orders) {
    if (o.status !== 'completed') continue;
    const c = byCustomer.get(o.customerExternalId!) ?? { times: [], values: [] };
    c.times.push(o.orderedAt.getTime());
    c.values.push(o.totalMinor!);
    byCustomer.set(o.customerExternalId!, c);
  }
  const frequency: number[] = [];
  const recency: number[] = [];
  const T: number[] = [];
  const monetaryValue: number[] = [];
  for (const { times, values } of byCustomer.values()) {
    frequency.push(times.length - 1);
    recency.push((times[times.length - 1]! - times[0]!) / WEEK);
    T.push((plan.end.getTime() - times[0]!) / WEEK);
    monetaryValue.push(times.length > 1 ? values.slice(1).reduce((s, v) => s + v, 0) / (times.length - 1) : 0);
  }
  return { frequency, recency, T, monetaryValue };
}

test('purchases follow the ground truth: repeat share, purchases per customer and mean order value', () => {
  const { plan, batch } = dataSet();
  const { frequency } = rfm(plan, batch);
  // Theory: integrate over the acquisition density (1 + x)/1.5 on the window, T = what is left of it.
  const { r, alpha } = GROUND_TRUTH.bgnbd;
  const span = (plan.end.getTime() - plan.start.getTime()) / WEEK;
  let repeatShare = 0;
  let repeats = 0;
  const steps = 2000;
  for (let k = 0; k < steps; k++) {
    const x = (k + 0.5) / steps;
    const weight = (1 + x) / 1.5 / steps;
    const T = span * (1 - x);
    repeatShare += weight * (1 - (alpha / (alpha + T)) ** r);
    repeats += weight * bgnbdExpectedPurchases(GROUND_TRUTH.bgnbd, T);
  }
  const n = frequency.length;
  const observedShare = frequency.filter((x) => x > 0).length / n;
  assert.ok(Math.abs(observedShare - repeatShare) < 3.5 * Math.sqrt((repeatShare * (1 - repeatShare)) / n), `${observedShare} vs ${repeatShare}`);
  const observedRepeats = frequency.reduce((s, x) => s + x, 0) / n;
  assert.ok(Math.abs(observedRepeats / repeats - 1) < 0.08, `${observedRepeats} vs ${repeats}`);

  const { p, q, v } = GROUND_TRUTH.gammagamma;
  const completed = batch.orders.filter((o) => o.status === 'completed');
  const meanOrder = completed.reduce((s, o) => s + o.totalMinor!, 0) / completed.length;
  assert.ok(Math.abs(meanOrder / ((p * v) / (q - 1)) - 1) < 0.05, `mean order ${meanOrder}`);
});

test('fitting BG/NBD and Gamma-Gamma on the generated orders recovers the ground truth', () => {
  const { plan, batch } = dataSet();
  const summary = rfm(plan, batch);
  const bg = fitBgNbd(summary);
  assert.ok(bg.converged, bg.message);
  for (const name of ['r', 'alpha', 'a', 'b'] as const) {
    const error = Math.abs(bg.params[name] - GROUND_TRUTH.bgnbd[name]);
    assert.ok(error < 4 * bg.standardErrors[name], `${name}: ${bg.params[name]} ± ${bg.standardErrors[name]}`);
  }
  const gg = fitGammaGamma(summary);
  assert.ok(gg.converged, gg.message);
  // p, q and γ trade off against each other; the population mean order they imply is sharp.
  const { p, q, v } = GROUND_TRUTH.gammagamma;
  const impliedMean = (gg.params.p * gg.params.v) / (gg.params.q - 1);
  assert.ok(Math.abs(impliedMean / ((p * v) / (q - 1)) - 1) < 0.05, `implied mean ${impliedMean}`);
  assert.ok(Math.abs(gg.params.p / p - 1) < 0.25 && Math.abs(gg.params.q / q - 1) < 0.25, JSON.stringify(gg.params));
});
