/**
 * A node test reporter for `KIZUNA_TEST_TIMES=<n> npm test`: per test file, the sum of its
 * top-level tests' durations (suites include their before/after hooks), the slowest n printed at
 * the end of the run with the total, to see where a run's time goes. It also writes all of them to
 * test-artifacts/test-times.json, the shape of scripts/testTimes.json, which `npm test` reads to
 * start the longest processes first (copy it there after a full run on a quiet machine).
 * JavaScript: node loads reporters before tsx's loader is registered.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';

const LIMIT = Number(process.env.KIZUNA_TEST_TIMES) || 20;

/** @param {AsyncIterable<{ type: string, data: { nesting: number, file?: string, details?: { duration_ms?: number } } }>} source */
export default async function* testTimes(source) {
  const byFile = new Map();
  // An event's file is where its test was declared: a suite declared by a helper (describeEachDatabase)
  // is counted for the test file of its own tests, whose events come just before its own.
  let lastTestFile = '?';
  for await (const event of source) {
    if (event.type !== 'test:pass' && event.type !== 'test:fail') continue;
    const declared = event.data.file ?? '?';
    if (declared.endsWith('.test.ts')) lastTestFile = declared;
    if (event.data.nesting === 0) {
      const file = declared.endsWith('.test.ts') ? declared : lastTestFile;
      byFile.set(file, (byFile.get(file) ?? 0) + (event.data.details?.duration_ms ?? 0));
    }
  }
  const rows = [...byFile].sort((a, b) => b[1] - a[1]);
  const seconds = (ms) => (ms / 1000).toFixed(1).padStart(7);
  yield `\nslowest test files (sum of top-level test durations; all ${rows.length} files: ${seconds(rows.reduce((s, [, ms]) => s + ms, 0)).trim()} s)\n`;
  for (const [file, ms] of rows.slice(0, LIMIT)) yield `${seconds(ms)} s  ${path.relative(process.cwd(), file)}\n`;
  const byPath = Object.fromEntries(rows.map(([file, ms]) => [path.relative(process.cwd(), file), Math.round(ms / 100) / 10]).sort(([a], [b]) => (a < b ? -1 : 1)));
  mkdirSync('test-artifacts', { recursive: true });
  writeFileSync('test-artifacts/test-times.json', `${JSON.stringify(byPath, null, 1)}\n`);
}
