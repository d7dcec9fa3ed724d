import type { Db } from '../src/db/database.ts';

/**
 * Size data generated inside PostgreSQL (generate_series, no rows through the client): `customers`
 * customers and about `orders` orders, plus a few "Product Viewed" events per tenth customer (for
 * event rules), in chunks of a million customers so progress shows and no transaction is huge.
 * For the size benchmarks (issue 22: 10M customers), where `kizuna generate`'s model-true data would
 * take hours. The purchase process has the shape the models expect of real data (Pareto/NBD-like):
 * each customer is acquired at a uniform time (their first order), buys at their own rate
 * (log-normal across customers) while active, and stops after an exponential lifetime (mean
 * LIFETIME_MONTHS); their orders fall uniformly over their active span. Each customer's order count
 * is their expected share of `orders`, randomly rounded, so the total is `orders` give or take a
 * few hundred. Order amounts scatter around a per-customer mean (¥1,000 … ¥20,000, log-uniform);
 * 5% are cancelled, 3% partly refunded. (Data with one rate for everyone and no dropout — each order
 * to a uniformly random customer, as this generator first made — has its likelihood maximum at
 * infinite BG/NBD parameters: the fits run to the boundary and the predictions' series with them.)
 * setseed() makes a run repeatable for the same sizes and seed. Loads with foreign-key checks and
 * triggers off and secondary indexes dropped meanwhile: only for a benchmark database, by a superuser.
 * Rows are inserted in customer id order: the primary keys lead with the (random) customer id, and
 * inserts in key order walk the index once per chunk instead of dirtying pages all over an index
 * larger than shared_buffers row by row.
 */
const LIFETIME_MONTHS = 18;

export async function generateInSql(
  db: Db,
  workspaceId: string,
  options: { customers: number; orders: number; months: number; end: Date; seed: number },
  onProgress?: (what: string, done: number) => void,
): Promise<{ customers: number; orders: number; events: number }> {
  const CHUNK = 1_000_000;
  const start = new Date(options.end.getTime() - options.months * 30.4375 * 86_400_000);
  const span = (options.end.getTime() - start.getTime()) / 1000;
  const lifetime = LIFETIME_MONTHS * 30.4375 * 86_400;
  // One session: setseed applies to this connection's random().
  const c = await db.pool.connect();
  try {
    await c.query('SELECT setseed($1)', [((options.seed % 1000) / 1000) * 2 - 1]);
    // Bulk-load settings (superuser): no foreign-key checks or triggers (the KPI rollups are built
    // from scratch later), and the secondary indexes built once at the end instead of row by row.
    await c.query(`SET session_replication_role = replica`);
    await c.query(`SET maintenance_work_mem = '512MB'`);
    const { rows: indexes } = await c.query<{ name: string; def: string }>(
      `SELECT i.indexname AS name, i.indexdef AS def FROM pg_indexes i
       WHERE i.schemaname = current_schema() AND i.tablename IN ('customers', 'orders', 'events')
         AND NOT EXISTS (SELECT 1 FROM pg_constraint k WHERE k.conindid = (quote_ident(i.schemaname) || '.' || quote_ident(i.indexname))::regclass)`,
    );
    for (const i of indexes) await c.query(`DROP INDEX ${i.name}`);
    // Per customer (numbered n, the external id's suffix): acquisition (seconds after start), active
    // span in seconds, purchase rate (relative) and mean order amount.
    await c.query('CREATE TEMP TABLE bench_ids (n int PRIMARY KEY, id uuid NOT NULL, born float8, active float8, rate float8, spend float8)');
    for (let from = 1; from <= options.customers; from += CHUNK) {
      const to = Math.min(options.customers, from + CHUNK - 1);
      await c.query(
        `WITH g AS (
           SELECT n, gen_random_uuid() AS id, born, least($5 - born, -ln(1 - random()) * $6) AS active,
                  exp(sqrt(-2 * ln(1 - random())) * cos(2 * pi() * random())) AS rate, 1000 * power(20, random()) AS spend
           FROM (SELECT n, random() * $5 AS born FROM generate_series($2::int, $3::int) n) x),
         ids AS (INSERT INTO bench_ids SELECT n, id, born, active, rate, spend FROM g RETURNING n, id, born)
         INSERT INTO customers (workspace_id, id, external_id, email, attributes, created_at)
         SELECT $1, id, 'cus_' || n, 'cus' || n || '@example.jp',
                jsonb_build_object('gender', CASE WHEN n % 2 = 0 THEN 'female' ELSE 'male' END),
                $4::timestamptz + make_interval(secs => born)
         FROM ids ORDER BY id`,
        [workspaceId, from, to, start, span, lifetime],
      );
      onProgress?.('customers', to);
    }
    // Orders per unit of rate × active span, so that all customers together make about `orders`.
    const { rows: scale } = await c.query<{ k: number }>('SELECT $1 / sum(rate * greatest(active, 1)) AS k FROM bench_ids', [options.orders]);
    let orders = 0;
    for (let from = 1; from <= options.customers; from += CHUNK) {
      const to = Math.min(options.customers, from + CHUNK - 1);
      const { rowCount } = await c.query(
        `INSERT INTO orders (workspace_id, customer_id, id, external_id, status, currency, subtotal_minor, discount_minor, tax_minor, shipping_minor, total_minor, refunded_minor, ordered_at)
         SELECT $1, b.id, gen_random_uuid(), 'ord_' || b.n || '_' || o.k, CASE WHEN o.r < 0.05 THEN 'cancelled' ELSE 'completed' END, 'JPY',
                o.amount, 0, 0, 0, o.amount, CASE WHEN o.r >= 0.05 AND o.r < 0.08 THEN o.amount / 2 ELSE 0 END,
                $4::timestamptz + make_interval(secs => b.born + CASE WHEN o.k = 1 THEN 0 ELSE random() * b.active END)
         FROM bench_ids b
         CROSS JOIN LATERAL generate_series(1, floor(b.rate * greatest(b.active, 1) * $5 + random())::int) k
         CROSS JOIN LATERAL (SELECT k, random() AS r, (b.spend * (0.5 + random()))::bigint AS amount) o
         WHERE b.n BETWEEN $2 AND $3
         ORDER BY b.id`,
        [workspaceId, from, to, start, scale[0]!.k],
      );
      orders += rowCount ?? 0;
      onProgress?.('orders', orders);
    }
    const viewers = Math.ceil(options.customers / 10);
    const { rowCount: events } = await c.query(
      `INSERT INTO events (workspace_id, id, customer_id, name, properties, occurred_at, received_at, message_id)
       SELECT $1, gen_random_uuid(), b.id, 'Product Viewed', '{}', t, t, 'bench-view-' || b.n || '-' || k
       FROM bench_ids b CROSS JOIN generate_series(1, 3) k
       CROSS JOIN LATERAL (SELECT $3::timestamptz - make_interval(secs => random() * 60 * 86400 + k) AS t) x
       WHERE b.n % 10 = 0 AND b.n <= $2 * 10`,
      [workspaceId, viewers, options.end],
    );
    onProgress?.('events', events ?? 0);
    await c.query('DROP TABLE bench_ids');
    for (const i of indexes) await c.query(i.def);
    onProgress?.('indexes', indexes.length);
    await c.query('RESET session_replication_role');
    for (const table of ['customers', 'orders', 'events']) await c.query(`VACUUM ANALYZE ${table}`);
    return { customers: options.customers, orders, events: events ?? 0 };
  } finally {
    c.release();
  }
}
