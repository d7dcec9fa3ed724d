import { createHash } from 'node:crypto';
import { KizunaError } from '../../kernel/errors.ts';
import type { Db } from '../../db/database.ts';

/**
 * Sign-in throttling that slows the guesser, not the owner. Failures are counted per client (its
 * IP address) and per (account, client); after a few free failures each further one makes that key
 * wait twice as long before its next attempt is even checked (429 with Retry-After). Nothing is
 * counted per account alone: five wrong passwords from an attacker's machine must not lock the
 * owner out, and they do not: the owner's own client has no failures, so their correct password
 * works at once. State lives in PostgreSQL, so every API process behind a load balancer shares it.
 *
 * - `account_client`: 3 free failures, then 1 s, 2 s, 4 s, … up to 15 minutes between attempts.
 * - `client`: 10 free failures (an office behind one NAT mistypes too), then 1 s, 2 s, … up to an
 *   hour: one client trying many accounts slows down as surely as one trying one account.
 * - A key's count starts over after 24 hours without a failure; a success clears its
 *   (account, client) count, never the client's (a guesser with an account of their own must not
 *   be able to reset their own count by signing in to it).
 */
export const SIGN_IN_THROTTLE = {
  account_client: { free: 3, baseMs: 1_000, maxMs: 15 * 60_000 },
  client: { free: 10, baseMs: 1_000, maxMs: 60 * 60_000 },
  resetAfterMs: 24 * 3_600_000,
} as const;

type Scope = 'account_client' | 'client';

/** The wait after the n-th failure in a run. */
export function delayAfter(scope: Scope, failures: number): number {
  const { free, baseMs, maxMs } = SIGN_IN_THROTTLE[scope];
  return failures <= free ? 0 : Math.min(baseMs * 2 ** (failures - free - 1), maxMs);
}

export class TooManyAttemptsError extends KizunaError {
  constructor(readonly retryAfterSeconds: number) {
    super(`Too many failed sign-in attempts from this client: try again in ${describeWait(retryAfterSeconds)}`, 429, 'too_many_attempts');
  }
}

const describeWait = (s: number) => (s < 120 ? `${s} second(s)` : `${Math.ceil(s / 60)} minute(s)`);
const hashKey = (value: string) => createHash('sha256').update(value).digest('hex');

/** One attempt in progress: counted as a failure unless `succeeded` is called. */
export interface Attempt {
  succeeded(): Promise<void>;
}

interface Row {
  scope: Scope;
  key: string;
  failures: number;
  last_failed_at: Date;
  blocked_until: Date | null;
}

/**
 * Counts the attempt as a failure before the password is checked (and takes it back on success),
 * under a row lock: a burst of concurrent guesses is serialised, and each sees the wait the one
 * before it set, so a burst gets no more checks than a sequence. A refused attempt changes
 * nothing, so waiting out Retry-After always works. Without a known client address (a CLI
 * sign-in), the client is "unknown", one client like any other.
 */
export async function beginAttempt(db: Db, email: string, ip: string | null, now: Date): Promise<Attempt> {
  const client = ip ?? 'unknown';
  const keys: { scope: Scope; key: string }[] = [
    { scope: 'account_client', key: hashKey(`${email.trim().toLowerCase()}\n${client}`) },
    { scope: 'client', key: hashKey(client) },
  ];
  const [scopes, hashes] = [keys.map((k) => k.scope), keys.map((k) => k.key)];
  const before = await db.tx(async (tx) => {
    await tx.query(
      `INSERT INTO sign_in_throttle (scope, key, failures, last_failed_at) SELECT scope, key, 0, $3 FROM unnest($1::text[], $2::text[]) AS k(scope, key)
       ON CONFLICT (scope, key) DO NOTHING`,
      [scopes, hashes, now],
    );
    // Locked in one order (scope, key) by every attempt: no deadlock between two.
    const { rows } = await tx.query<Row>(
      `SELECT t.scope, t.key, t.failures, t.last_failed_at, t.blocked_until FROM sign_in_throttle t JOIN unnest($1::text[], $2::text[]) AS k(scope, key) USING (scope, key)
       ORDER BY t.scope, t.key FOR UPDATE OF t`,
      [scopes, hashes],
    );
    const waitUntil = Math.max(0, ...rows.map((r) => r.blocked_until?.getTime() ?? 0));
    if (waitUntil > now.getTime()) return { refused: Math.max(1, Math.ceil((waitUntil - now.getTime()) / 1000)), rows };
    for (const r of rows) {
      const failures = now.getTime() - r.last_failed_at.getTime() > SIGN_IN_THROTTLE.resetAfterMs ? 1 : r.failures + 1;
      const delay = delayAfter(r.scope, failures);
      await tx.query('UPDATE sign_in_throttle SET failures = $3, last_failed_at = $4, blocked_until = $5 WHERE scope = $1 AND key = $2', [
        r.scope,
        r.key,
        failures,
        now,
        delay ? new Date(now.getTime() + delay) : null,
      ]);
    }
    return { refused: 0, rows };
  });
  if (before.refused) throw new TooManyAttemptsError(before.refused);
  // Old runs are cleared now and then by whichever attempt comes by; they would start over anyway.
  if (Math.random() < 0.01) await db.query('DELETE FROM sign_in_throttle WHERE last_failed_at < $1', [new Date(now.getTime() - SIGN_IN_THROTTLE.resetAfterMs)]);
  const clientRow = before.rows.find((r) => r.scope === 'client')!;
  return {
    succeeded: async () => {
      // The right password: this account's count from this client is cleared, and this attempt is
      // taken off the client's count (with the wait it had before it).
      await db.query(
        `WITH cleared AS (DELETE FROM sign_in_throttle WHERE scope = 'account_client' AND key = $1)
         UPDATE sign_in_throttle SET failures = greatest(failures - 1, 0), blocked_until = $3 WHERE scope = 'client' AND key = $2`,
        [keys[0]!.key, keys[1]!.key, clientRow.blocked_until],
      );
    },
  };
}
