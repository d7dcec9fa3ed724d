/**
 * Where a batch's time goes, phase by phase, answered to the client as a `Server-Timing` header
 * (the standard one browsers and `bench:ingest` read), so the next bottleneck is visible without a profiler.
 */
export class PhaseTimer {
  private readonly spent = new Map<string, number>();
  private last: number;

  constructor(start = performance.now()) {
    this.last = start;
  }

  /** Charges the time since the previous mark to `phase`. */
  mark(phase: string): void {
    const now = performance.now();
    this.spent.set(phase, (this.spent.get(phase) ?? 0) + (now - this.last));
    this.last = now;
  }

  /** `name;dur=ms` entries in the order the phases were first seen. */
  header(): string {
    return [...this.spent].map(([name, ms]) => `${name};dur=${ms.toFixed(2)}`).join(', ');
  }
}

/** Parses a `Server-Timing` header back into milliseconds per phase. */
export function parseServerTiming(header: string | null): Map<string, number> {
  const out = new Map<string, number>();
  for (const part of (header ?? '').split(',')) {
    const [name, ...params] = part.trim().split(';');
    const dur = params.map((p) => p.trim()).find((p) => p.startsWith('dur='));
    if (name && dur) out.set(name, (out.get(name) ?? 0) + Number(dur.slice(4)));
  }
  return out;
}
