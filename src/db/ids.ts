import { randomFillSync } from 'node:crypto';

/**
 * UUIDv7 everywhere (RFC 9562): time-sortable, so new rows land at the end of their indexes. Within
 * one millisecond a 31-bit counter, seeded at random, keeps ids in creation order (the `uuid`
 * package's v7 scheme). Its random bits come from a pool filled 4 KB at a time: one draw from the
 * kernel costs 15–40 µs on a busy VM, which made the draw per id (`uuid`'s) most of the cost of an
 * ingest batch that creates customers.
 */
export const newId = (): string => {
  const r = randomBytes(10);
  const at = next.ms;
  const now = Date.now();
  if (now > next.ms) {
    next.ms = now;
    next.seq = ((pool[r]! & 0x7f) << 24) | (pool[r + 1]! << 16) | (pool[r + 2]! << 8) | pool[r + 3]!;
  } else {
    // Same millisecond (or the clock went back): count on; a wrapped counter borrows the next millisecond.
    next.seq = (next.seq + 1) | 0;
    if (next.seq === 0) next.ms++;
  }
  if (next.ms !== at) next.time = next.ms.toString(16).padStart(12, '0');
  const { seq, time } = next;
  return (
    `${time.slice(0, 8)}-${time.slice(8)}-7${HEX[(seq >>> 28) & 0x0f]!.slice(1)}${HEX[(seq >>> 20) & 0xff]}-` +
    `${HEX[0x80 | ((seq >>> 14) & 0x3f)]}${HEX[(seq >>> 6) & 0xff]}-` +
    `${HEX[((seq << 2) & 0xff) | (pool[r + 4]! & 0x03)]}${HEX[pool[r + 5]!]}${HEX[pool[r + 6]!]}${HEX[pool[r + 7]!]}${HEX[pool[r + 8]!]}${HEX[pool[r + 9]!]}`
  );
};

/** `n` new ids, in creation order. */
export function newIds(n: number): string[] {
  const ids = new Array<string>(n);
  for (let i = 0; i < n; i++) ids[i] = newId();
  return ids;
}

const HEX = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, '0'));
const POOL_BYTES = 4096;
let pool = Buffer.alloc(0);
let used = 0;
/** The last id's millisecond and counter, and that millisecond in hex. */
const next = { ms: -Infinity, seq: 0, time: '' };

/** The offset in `pool` of `n` fresh random bytes. */
function randomBytes(n: number): number {
  if (used + n > pool.length) {
    pool = randomFillSync(Buffer.allocUnsafe(POOL_BYTES));
    used = 0;
  }
  used += n;
  return used - n;
}

/**
 * `newId`'s scheme in SQL, for ids of rows made by one set-based statement: the statement's
 * millisecond, then a counter seeded at random (`seedSql`, evaluated once) plus `ordinalSql`, then
 * 32 random bits. Ids follow the ordinal, as `newIds` follow creation order.
 */
export function newIdSql(seedSql: string, ordinalSql: string): string {
  const n = `(${seedSql} + ${ordinalSql})`;
  return `(lpad(to_hex((extract(epoch FROM statement_timestamp()) * 1000)::bigint), 12, '0') || '7' || lpad(to_hex((${n} >> 30) & 4095), 3, '0')
    || to_hex(2147483648 | (${n} & 1073741823)) || lpad(to_hex(floor(random() * 4294967296)::bigint), 8, '0'))::uuid`;
}
