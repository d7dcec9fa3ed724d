/**
 * Test helpers for CLI command tests on a test database: the real command line, run inside the test
 * process (runCliWith) with its own environment and output, so a call costs no process start-up (about
 * half a second of CPU from dist/, seconds under tsx). exitCodes.test.ts runs the real binary.
 */
import { runCliWith } from './run.ts';
import type { Run } from './clvTestKit.ts';

/** `kizuna …args` with `env` as its environment; resolves with the exit code and output, as a process would give them. */
export async function kizunaHere(args: string[], env: NodeJS.ProcessEnv = process.env): Promise<Run> {
  const out: Buffer[] = [];
  const err: Buffer[] = [];
  const sink = (chunks: Buffer[]) => ({ write: (data: string | Uint8Array) => chunks.push(Buffer.from(data)) });
  const code = await runCliWith({ args, env, stdout: sink(out), stderr: sink(err) });
  return { code, stdout: Buffer.concat(out).toString(), stderr: Buffer.concat(err).toString() };
}

/** `kizuna <group> …args` against the database at `databaseUrl`, logging silenced; resolves with the exit code and output. */
export function cliOn(databaseUrl: string, group: string): (...args: string[]) => Promise<Run> {
  return (...args) => kizunaHere([group, ...args], { ...process.env, DATABASE_URL: databaseUrl, LOG_LEVEL: 'silent' });
}

/** kizunaHere that rejects on a non-zero exit, as a promisified execFile does: the error carries the code and output. */
export async function kizunaOrFail(args: string[], env: NodeJS.ProcessEnv = process.env): Promise<Run> {
  const run = await kizunaHere(args, env);
  if (run.code !== 0) throw Object.assign(new Error(`kizuna ${args.join(' ')} exited with ${run.code}\n${run.stderr}`), run);
  return run;
}
