import assert from 'node:assert/strict';
import { test } from 'node:test';
import { acceptsBatch, batchValidatorCompiler } from './batchValidator.ts';
import { batchRequest } from './segmentSpec.ts';

/** A seeded generator (mulberry32), so a failure names a body that can be replayed. */
function random(seed: number): () => number {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Values each field may take, valid and not, so every rule of segmentSpec.ts is met and broken. */
const VALUES = [
  undefined, null, '', 'x', 'a'.repeat(255), 'a'.repeat(256), '😀'.repeat(128), '😀'.repeat(256), 0, 42, -1.5, true, [], ['x'], {}, { k: 'v' },
  '2026-01-02T03:04:05Z', '2026-01-02T03:04:05.678+09:00', '2026-01-02T03:04', '2026-01-02', '2026-02-30', '2026-01-02T25:00:00Z', 'yesterday',
];
const FIELDS = ['type', 'messageId', 'userId', 'anonymousId', 'timestamp', 'originalTimestamp', 'sentAt', 'context', 'integrations', 'properties', 'event', 'name', 'category', 'extra'];
const TYPES = ['track', 'page', 'screen', 'identify', 'alias', 'nope'];

function body(next: () => number): Record<string, unknown> {
  const pick = <T>(items: readonly T[]) => items[Math.floor(next() * items.length)]!;
  const batch = Array.from({ length: 1 + Math.floor(next() * 3) }, () => {
    const m: Record<string, unknown> = { type: pick(TYPES), messageId: 'm1', userId: 'u1', event: 'Viewed', timestamp: '2026-01-02T03:04:05Z', properties: { sku: 'A' } };
    for (let i = Math.floor(next() * 3); i > 0; i--) {
      const value = pick(VALUES);
      if (value === undefined) delete m[pick(FIELDS)];
      else m[pick(FIELDS)] = structuredClone(value);
    }
    return m;
  });
  const out: Record<string, unknown> = { batch };
  if (next() < 0.2) out.context = pick(VALUES);
  if (next() < 0.2) out.sentAt = pick(VALUES);
  if (next() < 0.05) out.batch = pick(VALUES);
  return out;
}

test('the hand check of /v1/batch agrees with zod: it passes only what zod passes, and the validator answers as zod does', () => {
  const validate = batchValidatorCompiler({ schema: batchRequest, httpPart: 'body', method: 'POST', url: '/v1/batch' });
  const next = random(19);
  let passed = 0;
  for (let i = 0; i < 5000; i++) {
    const input = body(next);
    const zod = batchRequest.safeParse(structuredClone(input));
    const fast = acceptsBatch(structuredClone(input));
    const answer = validate(structuredClone(input)) as { value?: unknown; error?: unknown };
    const shown = JSON.stringify(input);
    if (fast) passed++;
    if (fast) assert.ok(zod.success, `zod refuses what the hand check passed: ${shown}`);
    if (zod.success) {
      assert.deepEqual(answer.value, zod.data, shown);
      // Zod alone passes other message types; the three the hand check knows it must pass too.
      if (zod.data.batch.every((m) => ['track', 'page', 'screen'].includes(m.type))) assert.ok(fast, `the hand check refuses what zod passes: ${shown}`);
    } else assert.ok(answer.error && !answer.value, shown);
  }
  assert.ok(passed > 300, `only ${passed} bodies passed: the generator should make many valid ones`);
});
