import type { Command } from 'commander';
import { ValidationError } from '../kernel/errors.ts';
import { parseInstant } from '../lib/instant.ts';

/**
 * `--as-of <instant>`: runs time-driven work (journey waits, points expiry and confirmation,
 * referral completion) as if the clock read that instant, to test a flow without waiting for it.
 */
export function asOfOption(cmd: Command): Command {
  return cmd.option('--as-of <instant>', 'act as of this instant (ISO 8601; UTC unless it names an offset) instead of now, to run time forward in tests');
}

/** The parsed `--as-of`, undefined when not given; bad input is a ValidationError naming the flag (exit code 2). */
export function asOf(flags: { asOf?: string }): Date | undefined {
  if (flags.asOf === undefined) return undefined;
  const at = parseInstant(flags.asOf);
  if (!at) throw new ValidationError('Invalid options', [{ path: ['--as-of'], message: `${flags.asOf} is not a date-time (e.g. 2026-12-31T09:00:00+09:00)` }]);
  return at;
}
