/** Test helper for CLI command tests on a test database: runs the real CLI (`node bin/kizuna.js …`). */
import { execFile } from 'node:child_process';
import type { Run } from './clvTestKit.ts';

const BIN = new URL('../../bin/kizuna.js', import.meta.url).pathname;

/** `kizuna <group> …args` against the database at `databaseUrl`, logging silenced; resolves with the exit code and output. */
export function cliOn(databaseUrl: string, group: string): (...args: string[]) => Promise<Run> {
  return (...args) =>
    new Promise((resolve) => {
      execFile(process.execPath, [BIN, group, ...args], { env: { ...process.env, DATABASE_URL: databaseUrl, LOG_LEVEL: 'silent' } }, (err, stdout, stderr) =>
        resolve({ code: err ? ((err as { code?: number }).code ?? 1) : 0, stdout, stderr }),
      );
    });
}
