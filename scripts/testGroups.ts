/**
 * How `npm test` packs test files into processes. Each process pays Node's start and the import of the
 * services through tsx's loader (seconds of CPU on these machines), so most files share a process with
 * their neighbours in the tree; browser suites keep one each. The largest estimated groups start first,
 * so the two slots finish together instead of one waiting on a long file started last.
 */
import { readFileSync } from 'node:fs';

/** Estimated milliseconds of test time per byte of test source, by kind (fitted on a full run's times). */
const MS_PER_BYTE = { browser: 3, database: 1.2, plain: 0.25 } as const;
/** A process's estimated test time before the next file goes to a new one. */
const GROUP_MS = 45_000;

type Kind = keyof typeof MS_PER_BYTE;

function kindOf(source: string): Kind {
  if (source.includes('describeInBrowser')) return 'browser';
  return /describeEachDatabase|testApp|testDatabase/.test(source) ? 'database' : 'plain';
}

export interface TestGroup {
  files: string[];
  estimatedMs: number;
}

/** `files` sorted by path; returns the groups, largest estimate first. */
export function groupTests(files: string[]): TestGroup[] {
  const groups: TestGroup[] = [];
  let open: TestGroup | null = null;
  for (const file of files) {
    const source = readFileSync(file, 'utf8');
    const kind = kindOf(source);
    const estimatedMs = source.length * MS_PER_BYTE[kind];
    if (kind === 'browser') {
      groups.push({ files: [file], estimatedMs });
      continue;
    }
    if (!open || open.estimatedMs >= GROUP_MS) groups.push((open = { files: [], estimatedMs: 0 }));
    open.files.push(file);
    open.estimatedMs += estimatedMs;
  }
  return groups.sort((a, b) => b.estimatedMs - a.estimatedMs);
}
