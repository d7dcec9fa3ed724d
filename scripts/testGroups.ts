/**
 * How `npm test` packs test files into processes. Each process pays Node's start and the import of the
 * services through tsx's loader (seconds of CPU on these machines), so most files share a process with
 * their neighbours in the tree; browser suites keep one each. The longest groups start first, so the
 * two slots finish together instead of one waiting on a long file started last: a file's length is
 * its time in scripts/testTimes.json (written by `KIZUNA_TEST_TIMES=<n> npm test`), or for a file not
 * measured yet, an estimate from its size.
 */
import { existsSync, readFileSync } from 'node:fs';

const MEASURED: Record<string, number> = existsSync('scripts/testTimes.json') ? JSON.parse(readFileSync('scripts/testTimes.json', 'utf8')) : {};
/** Milliseconds of test time per byte of test source, by kind: the averages of a full run. */
const MS_PER_BYTE = { browser: 3, database: 1.2, plain: 0.25 } as const;
/** A process's test time before the next file goes to a new one. */
const GROUP_MS = 45_000;

export interface TestGroup {
  files: string[];
  estimatedMs: number;
}

function estimate(file: string, source: string, browser: boolean): number {
  const seconds = MEASURED[file];
  if (seconds !== undefined) return seconds * 1000;
  const kind = browser ? 'browser' : /describeEachDatabase|testApp|testDatabase/.test(source) ? 'database' : 'plain';
  return source.length * MS_PER_BYTE[kind];
}

/** `files` (paths relative to the project, sorted) in groups, longest first. */
export function groupTests(files: string[]): TestGroup[] {
  const groups: TestGroup[] = [];
  let open: TestGroup | null = null;
  for (const file of files) {
    const source = readFileSync(file, 'utf8');
    const browser = source.includes('describeInBrowser');
    const estimatedMs = estimate(file, source, browser);
    if (browser) {
      groups.push({ files: [file], estimatedMs });
      continue;
    }
    if (!open || open.estimatedMs >= GROUP_MS) groups.push((open = { files: [], estimatedMs: 0 }));
    open.files.push(file);
    open.estimatedMs += estimatedMs;
  }
  return groups.sort((a, b) => b.estimatedMs - a.estimatedMs);
}
