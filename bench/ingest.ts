/**
 * `npm run bench:ingest`: Segment batches over real HTTP to a `kizuna serve` child process,
 * each acknowledged only after its transaction committed. Prints events/s for the embedded server
 * and, when DATABASE_URL is set, for that server. Target: ≥ 20,000 events/s on real Postgres.
 */
import { benchTargets, cli, startServer } from './server.ts';

const EVENTS = Number(process.env.BENCH_EVENTS ?? 200_000);
const BATCH = Number(process.env.BENCH_BATCH ?? 500);
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 8);
const CUSTOMERS = 20_000;
const NAMES = ['Product Viewed', 'Page Viewed', 'Product Added', 'Checkout Started', 'Search'];

function bodies(run: string): string[] {
  const out: string[] = [];
  const start = Date.UTC(2025, 0, 1);
  for (let b = 0; b * BATCH < EVENTS; b++) {
    const batch = [];
    for (let i = 0; i < BATCH && b * BATCH + i < EVENTS; i++) {
      const n = b * BATCH + i;
      batch.push({
        type: 'track',
        messageId: `${run}-${n}`,
        userId: `user-${(n * 7919) % CUSTOMERS}`,
        event: NAMES[n % NAMES.length],
        properties: { sku: `SKU-${n % 300}`, price: 1980, category: 'apparel', page: `/products/${n % 300}` },
        timestamp: new Date(start + n * 1000).toISOString(),
      });
    }
    out.push(JSON.stringify({ batch }));
  }
  return out;
}

async function run(url: string, apiKey: string, payloads: string[]): Promise<number> {
  let next = 0;
  const started = performance.now();
  const worker = async () => {
    while (next < payloads.length) {
      const body = payloads[next++]!;
      const res = await fetch(`${url}/v1/batch`, { method: 'POST', body, headers: { 'content-type': 'application/json', authorization: `Bearer ${apiKey}` } });
      if (res.status !== 200) throw new Error(`HTTP ${res.status}: ${await res.text()}`);
      await res.arrayBuffer();
    }
  };
  await Promise.all(Array.from({ length: CONCURRENCY }, worker));
  return (performance.now() - started) / 1000;
}

console.log(`bench:ingest — ${EVENTS.toLocaleString('en')} track events, batches of ${BATCH}, ${CONCURRENCY} concurrent requests`);
for (const target of await benchTargets()) {
  try {
    const { apiKey } = JSON.parse(await cli(['workspace', 'create', '--name', 'bench', '--json'], target.env)) as { apiKey: string };
    const server = await startServer(target.env);
    try {
      await run(server.url, apiKey, bodies('warmup').slice(0, 20)); // JIT and pool warm-up, not counted
      const seconds = await run(server.url, apiKey, bodies('run'));
      console.log(`${target.name.padEnd(8)}  ${Math.round(EVENTS / seconds).toLocaleString('en').padStart(8)} events/s  (${seconds.toFixed(2)} s)`);
    } finally {
      await server.stop();
    }
  } finally {
    await target.cleanup();
  }
}
