import { readFileSync } from 'node:fs';
import { parseServerTiming } from '../src/modules/ingest/phases.ts';

/** Ingest load for bench:ingest and bench:size: Segment batches over HTTP. */
export const EVENTS = Number(process.env.BENCH_EVENTS ?? 200_000);
export const BATCH = Number(process.env.BENCH_BATCH ?? 500);
export const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 8);
const CUSTOMERS = 20_000;
const NAMES = ['Product Viewed', 'Page Viewed', 'Product Added', 'Checkout Started', 'Search'];

/** Segment `track` batches (JSON bodies) of `events` events over `customers` users, `batch` per request. */
export function bodies(run: string, { events = EVENTS, batch: BATCH_SIZE = BATCH, customers = CUSTOMERS } = {}): string[] {
  const out: string[] = [];
  const start = Date.UTC(2025, 0, 1);
  for (let b = 0; b * BATCH_SIZE < events; b++) {
    const batch = [];
    for (let i = 0; i < BATCH_SIZE && b * BATCH_SIZE + i < events; i++) {
      const n = b * BATCH_SIZE + i;
      batch.push({
        type: 'track',
        messageId: `${run}-${n}`,
        userId: `user-${(n * 7919) % customers}`,
        event: NAMES[n % NAMES.length],
        properties: { sku: `SKU-${n % 300}`, price: 1980, category: 'apparel', page: `/products/${n % 300}` },
        timestamp: new Date(start + n * 1000).toISOString(),
      });
    }
    out.push(JSON.stringify({ batch }));
  }
  return out;
}

/**
 * Posts the bodies to /v1/batch, `concurrency` at a time; returns the wall seconds. Phase times add up in
 * `phases`: the server's (Server-Timing), `total` as the client saw it, and `http`, the difference.
 */
export async function run(url: string, apiKey: string, payloads: string[], phases = new Map<string, number>(), concurrency = CONCURRENCY): Promise<number> {
  let next = 0;
  const started = performance.now();
  const worker = async () => {
    while (next < payloads.length) {
      const body = payloads[next++]!;
      const t0 = performance.now();
      const res = await fetch(`${url}/v1/batch`, { method: 'POST', body, headers: { 'content-type': 'application/json', authorization: `Bearer ${apiKey}` } });
      if (res.status !== 200) throw new Error(`HTTP ${res.status}: ${await res.text()}`);
      await res.arrayBuffer();
      const total = performance.now() - t0;
      let server = 0;
      phases.set('total', (phases.get('total') ?? 0) + total);
      for (const [name, ms] of parseServerTiming(res.headers.get('server-timing'))) {
        phases.set(name, (phases.get(name) ?? 0) + ms);
        server += ms;
      }
      // What the server's phases do not cover: the connection, request and response bytes, Fastify's routing.
      phases.set('http', (phases.get('http') ?? 0) + total - server);
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  return (performance.now() - started) / 1000;
}

/** User + system CPU seconds of a process, from /proc (Linux); 0 once it is gone. */
export function cpuSeconds(pid: number): number {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) / 100; // utime, stime in clock ticks (USER_HZ = 100)
  } catch {
    return 0;
  }
}

