/**
 * Figures of the benchmarks that do not print BENCH_RESULT lines (bench:generate, score, segments,
 * kpis, send), read from their printed report. Each pattern follows the line the script prints; a
 * line that is missing is left out of the table rather than guessed.
 */
import { atLeast, noTarget, type BenchResult } from './results.ts';

const num = (text: string): number => Number(text.replace(/,/g, ''));

type Scraper = (stdout: string) => BenchResult[];

/** One figure from the first match of `pattern` (its first group), if the report has it. */
function figure(stdout: string, pattern: RegExp, make: (value: number, match: RegExpMatchArray) => BenchResult): BenchResult[] {
  const m = stdout.match(pattern);
  return m ? [make(num(m[1]!), m)] : [];
}

/** A time target stated for a larger size than the one run: shown, not judged. */
function targetAtFullSize(workload: string, size: string, value: number, unit: string, target: string): BenchResult {
  return { workload, size, figure: value, unit, target, met: null };
}

const SCRAPERS: Record<string, Scraper> = {
  generate: (out) => {
    const size = out.match(/generating (\d+) customers/)?.[1];
    return figure(out, /customers ([\d,]+)\/s/, (v) => noTarget('demo data generation', `${num(size ?? 'NaN').toLocaleString('en')} customers`, v, 'customers/s'));
  },
  score: (out) => {
    const size = out.match(/embedded server, ([\d,]+) customers/)?.[1] ?? '?';
    return [
      ...figure(out, /full refresh, no scores yet:\s+([\d.]+) s/, (v) => targetAtFullSize('scoring, full refresh (no scores yet)', `${size} customers`, v, 's', '< 60 s at 1M customers')),
      ...figure(out, /incremental refresh:\s+([\d.]+) s/, (v) => targetAtFullSize('scoring, incremental refresh', `${size} customers`, v, 's', '< 5 s at 1M customers')),
    ];
  },
  segments: (out) => {
    const size = out.match(/benchmark: ([\d,]+) customers/)?.[1] ?? '?';
    return figure(out, /slowest preview: (\d+) ms/, (v) =>
      num(size) >= 100_000
        ? { workload: 'segment preview, slowest rule', size: `${size} customers`, figure: v, unit: 'ms', target: '< 1,000', met: v < 1000 }
        : targetAtFullSize('segment preview, slowest rule', `${size} customers`, v, 'ms', '< 1,000 ms at 100k customers'),
    );
  },
  kpis: (out) => {
    const size = out.match(/data: ([\d,]+) customers/)?.[1] ?? '?';
    return figure(out, /Overview \(last 12 months by month, complete periods\): p50 \d+ ms, p95 (\d+) ms/, (v) =>
      noTarget('KPI Overview query, p95', `${size} customers`, v, 'ms'),
    );
  },
  send: (out) =>
    figure(out, /send: ([\d,]+) messages in [\d.]+ s = ([\d,]+) messages\/s/, (_, m) =>
      atLeast('email campaign send through the gate (enqueue → pooled SMTP sink)', `${m[1]} messages`, num(m[2]!), 'messages/s', 1500),
    ),
};

export function parseScraped(bench: string, stdout: string): BenchResult[] {
  return SCRAPERS[bench]?.(stdout) ?? [];
}
