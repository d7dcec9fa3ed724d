import type { Command } from 'commander';
import { ValidationError } from '../kernel/errors.ts';
import { instantProblem, parseInstant } from '../lib/instant.ts';

/**
 * `--as-of <instant>`: runs time-driven work (journey waits, points expiry and confirmation,
 * referral completion) as if the clock read that instant, to test a flow without waiting for it.
 */
export function asOfOption(cmd: Command): Command {
  return cmd.option('--as-of <instant>', 'act as of this instant (ISO 8601; UTC unless it names an offset) instead of now, to run time forward in tests');
}

/** The parsed `--as-of`, undefined when not given; bad input is a ValidationError naming the flag (exit code 2). */
export function asOf(flags: { asOf?: string }): Date | undefined {
  return instantFlag('--as-of', flags.asOf);
}

/** Any flag holding a point in time (`--as-of`, `--since`, `--at`): undefined when not given, else parsed or refused naming the flag. */
export function instantFlag(flag: string, value: string | undefined): Date | undefined {
  if (value === undefined) return undefined;
  const at = parseInstant(value);
  if (!at) throw new ValidationError('Invalid options', [{ path: [flag], message: instantProblem(value), code: 'invalid_format' }]);
  return at;
}
