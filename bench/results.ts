/**
 * The figures a benchmark hands to `npm run bench` (bench/all.ts): one result per measured figure.
 * A benchmark run as a child with BENCH_RESULTS=1 prints each result as one `BENCH_RESULT {json}`
 * line besides its usual report, so the runner reads figures rather than scraping prose.
 */

export interface BenchResult {
  /** What was measured, e.g. "loyalty single operations (16 clients)". */
  workload: string;
  /** The size it was measured at, e.g. "20,000 ops". */
  size: string;
  figure: number;
  unit: string;
  /** The target in words ("≥ 2,000"), or "–" when the benchmark has none. */
  target: string;
  /** Whether the figure meets the target; null when there is no target or it does not apply at this size. */
  met: boolean | null;
}

export const RESULT_MARKER = 'BENCH_RESULT ';

/** True when the benchmark runs under bench/all.ts (or anyone who asked for machine-readable figures). */
export function resultsWanted(): boolean {
  return process.env.BENCH_RESULTS === '1';
}

/** Prints the results as marker lines when they are wanted; returns them for in-process callers. */
export function reportResults(results: BenchResult[]): BenchResult[] {
  if (resultsWanted()) for (const r of results) console.log(RESULT_MARKER + JSON.stringify(r));
  return results;
}

const show = (n: number): string => (Math.abs(n) >= 1000 ? n.toLocaleString('en') : Math.abs(n) < 0.001 ? n.toExponential() : String(n));

/** A result against a lower bound (throughputs) or an upper bound (times, memory). */
export function atLeast(workload: string, size: string, figure: number, unit: string, floor: number): BenchResult {
  return { workload, size, figure, unit, target: `≥ ${show(floor)}`, met: figure >= floor };
}

export function below(workload: string, size: string, figure: number, unit: string, ceiling: number): BenchResult {
  return { workload, size, figure, unit, target: `< ${show(ceiling)}`, met: figure < ceiling };
}

export function noTarget(workload: string, size: string, figure: number, unit: string): BenchResult {
  return { workload, size, figure, unit, target: '–', met: null };
}

/** The results in a child's output: its marker lines. */
export function parseResults(stdout: string): BenchResult[] {
  return stdout
    .split('\n')
    .filter((line) => line.startsWith(RESULT_MARKER))
    .map((line) => JSON.parse(line.slice(RESULT_MARKER.length)) as BenchResult);
}
