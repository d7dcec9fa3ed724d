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
  process.stderr.write(`error: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  process.exit(1);
}
