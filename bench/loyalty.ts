/**
 * `npm run bench:loyalty -- [--ops 20000] [--customers 1000] [--orders 10000] [--concurrency 16]`
 *
 * Points-ledger throughput on real PostgreSQL: the server in DATABASE_URL (when set) and a
 * throw-away embedded server, each with a fresh database that is dropped afterwards.
 *   1. single operations from concurrent clients, each acknowledged after its commit: earn (some
 *      pending, some repeating an earlier source, which must not earn twice), redeem (refused when
 *      the balance is short) and adjust through the service's group commit (loyalty.ledger, what
 *      the adjustments route uses: concurrent credits share one `points_credit` call, debits one
 *      `points_debit_each`), and reversals, one `points_reverse` call each;
 *      then the set-based path: credits 500 to a statement;
 *   2. set-based confirmation of pending lots and expiry of every lot;
 *   3. `syncOrders` earning for a batch of orders.
 * The invariants are checked at the end (Σ ledger = balances = Σ lots, none negative, no source
 * earned twice); the run fails if they do not hold.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { ConflictError } from '../src/kernel/errors.ts';
import { createServices } from '../src/app/services.ts';
import { connect, waitForServer, withDatabase, type Db, type Queryable } from '../src/db/database.ts';
import { startEmbedded } from '../src/db/embedded.ts';
import { newId } from '../src/db/ids.ts';
import { migrate } from '../src/db/migrate.ts';
import { checkInvariants, confirmDue, credit, expireDue, reverseEarning } from '../src/modules/loyalty/ledger.ts';
import { orderInput } from '../src/modules/orders/index.ts';
import { adminQuery } from './benchDatabase.ts';
import { atLeast, reportResults } from './results.ts';

const { values } = parseArgs({
  options: {
    ops: { type: 'string', default: '20000' },
    customers: { type: 'string', default: '1000' },
    orders: { type: 'string', default: '10000' },
    concurrency: { type: 'string', default: '16' },
  },
});
const OPS = Number(values.ops);
const CUSTOMERS = Number(values.customers);
const ORDERS = Number(values.orders);
const CONCURRENCY = Number(values.concurrency);
const DAY = 86_400_000;
const fmt = (v: number) => Math.round(v).toLocaleString('en');

/** A small deterministic generator, so runs are comparable. */
function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

async function bench(label: string, serverUrl: string): Promise<boolean> {
  await waitForServer(serverUrl);
  const database = `kizuna_bench_loyalty_${Date.now().toString(36)}`;
  await adminQuery(serverUrl, `CREATE DATABASE ${database}`);
  const db = connect(withDatabase(serverUrl, database), { max: CONCURRENCY + 2 });
  try {
    await migrate(db);
    const { rows: version } = await db.query<{ server_version: string }>('SHOW server_version');
    console.log(`\n${label} (PostgreSQL ${version[0]!.server_version}), ${CONCURRENCY} clients; load average ${loadavg()[0]!.toFixed(1)} on this machine at the start`);
    return await run(db, label);
  } finally {
    await db.close();
    await adminQuery(serverUrl, `DROP DATABASE IF EXISTS ${database} WITH (FORCE)`);
  }
}

async function run(db: Db, label: string): Promise<boolean> {
  const services = createServices(db);
  const ledger = services.loyalty.ledger;
  const { workspace } = await services.workspaces.create({ name: 'bench' });
  const ws = workspace.id;
  const customers = Array.from({ length: CUSTOMERS }, () => newId());
  await db.query(`INSERT INTO customers (workspace_id, id, external_id) SELECT $1, id, 'c-' || ord FROM unnest($2::uuid[]) WITH ORDINALITY AS t(id, ord)`, [ws, customers]);
  const now = new Date();

  // 1. Single operations.
  const random = rng(42);
  const plan = Array.from({ length: OPS }, (_, i) => ({ i, r: random(), customer: customers[Math.floor(random() * CUSTOMERS)]!, amount: 1 + Math.floor(random() * 100) }));
  const earned: { customer: string; source: string }[] = [];
  const counts = { earn: 0, repeat: 0, redeem: 0, refused: 0, adjust: 0, reverse: 0 };
  let next = 0;
  let t = performance.now();
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      for (let k = next++; k < plan.length; k = next++) {
        const op = plan[k]!;
        if (op.r < 0.45) {
          const pending = op.r < 0.15;
          const source = `order-${op.i}`;
          const availableAt = pending ? new Date(now.getTime() + 14 * DAY) : now;
          await ledger.credit(ws, { customerId: op.customer, kind: 'earn', points: op.amount * 3, sourceType: 'order', sourceId: source, availableAt, expiresAt: new Date(now.getTime() + 365 * DAY) }, now);
          earned.push({ customer: op.customer, source });
          counts.earn++;
        } else if (op.r < 0.5 && earned.length > 0) {
          // The same order again: must be a no-op.
          const e = earned[op.i % earned.length]!;
          await ledger.credit(ws, { customerId: e.customer, kind: 'earn', points: 999, sourceType: 'order', sourceId: e.source, availableAt: now, expiresAt: null }, now);
          counts.repeat++;
        } else if (op.r < 0.85) {
          try {
            await ledger.debit(ws, { customerId: op.customer, kind: 'redeem', points: op.amount, sourceType: 'bench', sourceId: `redeem-${op.i}` }, now);
            counts.redeem++;
          } catch (err) {
            if (!(err instanceof ConflictError)) throw err;
            counts.refused++;
          }
        } else if (op.r < 0.95) {
          await ledger.credit(ws, { customerId: op.customer, kind: 'adjust', points: op.amount, sourceType: 'adjust', sourceId: `adjust-${op.i}`, availableAt: now, expiresAt: null }, now);
          counts.adjust++;
        } else if (earned.length > 0) {
          const e = earned[op.i % earned.length]!;
          await reverseEarning(db, ws, { customerId: e.customer, earnedSourceType: 'order', earnedSourceId: e.source, points: op.amount, sourceType: 'refund', sourceId: `refund-${op.i}`, reason: 'bench' }, now);
          counts.reverse++;
        }
      }
    }),
  );
  let seconds = (performance.now() - t) / 1000;
  const singleRate = OPS / seconds;
  console.log(`  single operations: ${fmt(OPS)} in ${seconds.toFixed(2)} s = ${fmt(singleRate)} ops/s`);
  console.log(
    `    earn ${fmt(counts.earn)}, repeated earn ${fmt(counts.repeat)}, redeem ${fmt(counts.redeem)} (+ ${fmt(counts.refused)} refused: balance short), adjust ${fmt(counts.adjust)}, reverse ${fmt(counts.reverse)}`,
  );

  // 1b. The set-based path (what syncOrders and imports use): credits 500 to a statement.
  t = performance.now();
  const batches = Array.from({ length: Math.ceil(OPS / 500) }, (_, b) =>
    Array.from({ length: Math.min(500, OPS - b * 500) }, (_, j) => ({
      customerId: customers[(b * 500 + j) % CUSTOMERS]!,
      kind: 'earn' as const,
      points: 10,
      sourceType: 'batch',
      sourceId: `batch-${b * 500 + j}`,
      availableAt: now,
      expiresAt: new Date(now.getTime() + 365 * DAY),
    })),
  );
  next = 0;
  await Promise.all(Array.from({ length: Math.min(CONCURRENCY, 4) }, async () => {
    for (let k = next++; k < batches.length; k = next++) await credit(db, ws, batches[k]!, now);
  }));
  seconds = (performance.now() - t) / 1000;
  console.log(`  batched credits: ${fmt(OPS)} in ${seconds.toFixed(2)} s = ${fmt(OPS / seconds)} entries/s`);

  // 2. Set-based settlement.
  const settle = async (step: (tx: Queryable) => Promise<unknown[]>) => {
    let total = 0;
    for (;;) {
      const n = (await db.tx(step)).length;
      if (n === 0) return total;
      total += n;
    }
  };
  t = performance.now();
  const confirmed = await settle((tx) => confirmDue(tx, ws, new Date(now.getTime() + 15 * DAY), 5_000));
  seconds = (performance.now() - t) / 1000;
  console.log(`  confirm pending lots: ${fmt(confirmed)} in ${seconds.toFixed(2)} s = ${fmt(confirmed / seconds)} entries/s`);
  t = performance.now();
  const expired = await settle((tx) => expireDue(tx, ws, new Date(now.getTime() + 400 * DAY), 5_000));
  seconds = (performance.now() - t) / 1000;
  console.log(`  expire lots: ${fmt(expired)} in ${seconds.toFixed(2)} s = ${fmt(expired / seconds)} entries/s`);

  // 3. Earning from orders.
  await services.loyalty.updateSettings(ws, { pendingDays: 14 });
  const orders = Array.from({ length: ORDERS }, (_, i) =>
    orderInput.parse({ externalId: `o-${i}`, customerExternalId: `c-${1 + (i % CUSTOMERS)}`, currency: 'JPY', orderedAt: new Date(now.getTime() - (i % 30) * DAY), lines: [{ sku: `S${i % 50}`, unitPriceMinor: 1_000 + (i % 7) * 500, quantity: 1 + (i % 3) }] }),
  );
  for (let i = 0; i < orders.length; i += 2_000) await services.orders.upsertMany(ws, orders.slice(i, i + 2_000));
  t = performance.now();
  const sync = await services.loyalty.syncOrders(ws, { now });
  seconds = (performance.now() - t) / 1000;
  console.log(`  syncOrders: ${fmt(sync.earnedEntries)} orders earned ${fmt(sync.earnedPoints)} points in ${seconds.toFixed(2)} s = ${fmt(sync.earnedEntries / seconds)} entries/s`);
  const again = await services.loyalty.syncOrders(ws, { now });

  const inv = await checkInvariants(db, ws);
  const ok = inv.mismatched === 0 && inv.negative === 0 && inv.doubleEarned === 0 && again.earnedEntries === 0;
  console.log(
    `  invariants over ${fmt(inv.entries)} entries, ${fmt(inv.customers)} balances: ${inv.mismatched} mismatched (ledger sum ≠ balance ≠ lots), ${inv.negative} negative, ${inv.doubleEarned} earned twice; second sync earned ${again.earnedEntries} → ${ok ? 'OK' : 'VIOLATED'}`,
  );
  const on = label.startsWith('embedded') ? 'embedded server' : 'DATABASE_URL server';
  reportResults([
    atLeast(`loyalty single operations, ${CONCURRENCY} clients (${on})`, `${fmt(OPS)} ops`, Math.round(singleRate), 'ops/s', 2_000),
    { workload: `loyalty invariants (${on})`, size: `${fmt(inv.entries)} entries`, figure: inv.mismatched + inv.negative + inv.doubleEarned, unit: 'violations', target: '0', met: ok },
  ]);
  if (singleRate < 2_000) console.log(`  note: below the 2,000 ops/s target`);
  return ok;
}

const results: boolean[] = [];
if (process.env.DATABASE_URL) results.push(await bench(`DATABASE_URL server ${new URL(process.env.DATABASE_URL).host}`, process.env.DATABASE_URL));
const dir = mkdtempSync(path.join(tmpdir(), 'kizuna-bench-'));
const server = await startEmbedded(dir);
try {
  results.push(await bench('embedded server', server.url));
} finally {
  await server.stop();
  rmSync(dir, { recursive: true, force: true });
}
if (results.some((ok) => !ok)) process.exit(1);
