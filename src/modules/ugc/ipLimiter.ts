/**
 * Fixed-window counts per key (a hashed IP address): at most `limit` hits per `windowMs`. Kept in
 * the process: each API worker limits on its own, which is enough to stop one sender flooding the
 * anonymous entry form; the moderation queue is the real gate.
 */
export class WindowLimiter {
  private readonly hits = new Map<string, { start: number; count: number }>();

  constructor(
    private readonly limit: number,
    private readonly windowMs: number,
    private readonly maxKeys = 100_000,
  ) {}

  /** True when the hit is allowed (and counted); false when the key is over its limit. */
  hit(key: string, now = Date.now()): boolean {
    const current = this.hits.get(key);
    if (!current || now - current.start >= this.windowMs) {
      if (this.hits.size >= this.maxKeys) this.prune(now);
      this.hits.set(key, { start: now, count: 1 });
      return true;
    }
    if (current.count >= this.limit) return false;
    current.count++;
    return true;
  }

  /** Seconds until `key` may hit again. */
  retryAfter(key: string, now = Date.now()): number {
    const current = this.hits.get(key);
    return current ? Math.max(1, Math.ceil((current.start + this.windowMs - now) / 1000)) : 0;
  }

  private prune(now: number): void {
    for (const [key, value] of this.hits) if (now - value.start >= this.windowMs) this.hits.delete(key);
    // Still full of live windows (an attack from many addresses): start over rather than grow.
    if (this.hits.size >= this.maxKeys) this.hits.clear();
  }
}
