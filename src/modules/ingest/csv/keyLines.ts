/**
 * The first line of each group key seen in a file (an order number and where it started), for a
 * million-row file in a few megabytes: keys are kept as 64-bit hashes (two independent 32-bit
 * ones) in typed arrays with open addressing. Two keys sharing both hashes would be taken for one;
 * across a million keys the odds are below 1 in 10 million.
 */
export class KeyLines {
  private h1 = new Uint32Array(1024);
  private h2 = new Uint32Array(1024);
  /** 0 marks an empty slot; lines are 1-based. */
  private lines = new Uint32Array(1024);
  private size = 0;

  /** The line `key` was first seen on, or undefined after recording `line` for it. */
  firstLine(key: string, line: number): number | undefined {
    const [a, b] = hashes(key);
    const mask = this.lines.length - 1;
    let slot = a & mask;
    while (this.lines[slot] !== 0) {
      if (this.h1[slot] === a && this.h2[slot] === b) return this.lines[slot];
      slot = (slot + 1) & mask;
    }
    this.h1[slot] = a;
    this.h2[slot] = b;
    this.lines[slot] = line;
    if (++this.size * 2 > this.lines.length) this.grow();
    return undefined;
  }

  private grow(): void {
    const [h1, h2, lines] = [this.h1, this.h2, this.lines];
    const capacity = lines.length * 2;
    this.h1 = new Uint32Array(capacity);
    this.h2 = new Uint32Array(capacity);
    this.lines = new Uint32Array(capacity);
    const mask = capacity - 1;
    for (let i = 0; i < lines.length; i++) {
      if (lines[i] === 0) continue;
      let slot = h1[i]! & mask;
      while (this.lines[slot] !== 0) slot = (slot + 1) & mask;
      this.h1[slot] = h1[i]!;
      this.h2[slot] = h2[i]!;
      this.lines[slot] = lines[i]!;
    }
  }
}

/** FNV-1a and a murmur-style multiply-xorshift over the UTF-16 code units. */
function hashes(key: string): [number, number] {
  let a = 0x811c9dc5;
  let b = 0x9747b28c ^ key.length;
  for (let i = 0; i < key.length; i++) {
    const c = key.charCodeAt(i);
    a = Math.imul(a ^ c, 0x01000193);
    b = Math.imul(b ^ c, 0x5bd1e995);
    b ^= b >>> 13;
  }
  a ^= a >>> 16;
  b = Math.imul(b ^ (b >>> 15), 0x2c1b3c6d);
  return [a >>> 0, (b ^ (b >>> 12)) >>> 0];
}
