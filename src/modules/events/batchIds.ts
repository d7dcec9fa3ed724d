import { randomFillSync } from 'node:crypto';

const HEX = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, '0'));

/**
 * `n` UUIDv7s (RFC 9562: 48-bit millisecond time, version 7, variant 10, random rest) from one
 * draw of randomness: the per-call generator costs ~6 µs an id, which is a sixth of an ingest
 * batch's CPU at 500 events.
 */
export function newIds(n: number, now = Date.now()): string[] {
  const random = randomFillSync(Buffer.allocUnsafe(n * 10));
  const time = now.toString(16).padStart(12, '0');
  const prefix = `${time.slice(0, 8)}-${time.slice(8, 12)}-7`;
  const ids = new Array<string>(n);
  for (let i = 0, o = 0; i < n; i++, o += 10) {
    const r = random;
    ids[i] =
      `${prefix}${HEX[r[o]! & 0x0f]!.slice(1)}${HEX[r[o + 1]!]}-${HEX[(r[o + 2]! & 0x3f) | 0x80]}${HEX[r[o + 3]!]}-` +
      `${HEX[r[o + 4]!]}${HEX[r[o + 5]!]}${HEX[r[o + 6]!]}${HEX[r[o + 7]!]}${HEX[r[o + 8]!]}${HEX[r[o + 9]!]}`;
  }
  return ids;
}
