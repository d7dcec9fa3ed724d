import { createHash } from 'node:crypto';
import { KizunaError } from '../../kernel/errors.ts';
import type { Queryable } from '../../db/database.ts';
import { newId } from '../../db/ids.ts';

/**
 * Sign-in throttling: at most `email` failed attempts per email address and `ip` per client IP
 * within a sliding `windowMs`; beyond that, attempts are refused with 429 (the password is not even
 * checked) until enough failures have aged out of the window. Per email stops guessing one
 * account's password from many addresses, per IP one address trying many accounts.
 */
export const SIGN_IN_LIMITS = { email: 5, ip: 20, windowMs: 15 * 60_000 } as const;

export class TooManyAttemptsError extends KizunaError {
  constructor(readonly retryAfterSeconds: number) {
    super(`Too many failed sign-in attempts: try again in ${Math.ceil(retryAfterSeconds / 60)} minute(s)`, 429, 'too_many_attempts');
  }
}

type Scope = keyof Omit<typeof SIGN_IN_LIMITS, 'windowMs'>;
const hashKey = (value: string) => createHash('sha256').update(value).digest('hex');

/** One attempt in progress: counted as a failure unless `succeeded` is called. */
export interface Attempt {
  succeeded(): Promise<void>;
}

/**
 * Records the attempt before the password is checked, then counts: concurrent attempts all see
 * each other, so a burst cannot slip past the limit. A refused attempt is not kept (it checked no
 * password), so waiting out the window always ends the lockout.
 */
export async function beginAttempt(q: Queryable, email: string, ip: string | null, now: Date): Promise<Attempt> {
  const keys: { scope: Scope; key: string; id: string }[] = [{ scope: 'email', key: hashKey(email.trim().toLowerCase()), id: newId() }];
  if (ip) keys.push({ scope: 'ip', key: hashKey(ip), id: newId() });
  const windowStart = new Date(now.getTime() - SIGN_IN_LIMITS.windowMs);
  const [scopes, hashes, ids] = [keys.map((k) => k.scope), keys.map((k) => k.key), keys.map((k) => k.id)];
  await q.query(
    `WITH old AS (DELETE FROM sign_in_attempts WHERE failed_at <= $4)
     INSERT INTO sign_in_attempts (scope, key, id, failed_at) SELECT scope, key, id, $5 FROM unnest($1::text[], $2::text[], $3::uuid[]) AS k(scope, key, id)`,
    [scopes, hashes, ids, windowStart, now],
  );
  // For each scope, the failure that has to age out before an attempt is allowed again: the
  // limit-th most recent one other than this attempt.
  const { rows } = await q.query<{ scope: Scope; attempts: number; blocking: Date | null }>(
    `SELECT k.scope, count(a.id)::int AS attempts,
            (array_agg(a.failed_at ORDER BY a.failed_at DESC) FILTER (WHERE a.id <> k.id))[k.lim] AS blocking
     FROM unnest($1::text[], $2::text[], $3::uuid[], $4::int[]) AS k(scope, key, id, lim)
     LEFT JOIN sign_in_attempts a ON a.scope = k.scope AND a.key = k.key AND a.failed_at > $5
     GROUP BY k.scope, k.id, k.lim`,
    [scopes, hashes, ids, keys.map((k) => SIGN_IN_LIMITS[k.scope]), windowStart],
  );
  const remove = (which: { scope: Scope; key: string; id: string }[], allOfEmail: boolean) =>
    q.query(
      `DELETE FROM sign_in_attempts a USING unnest($1::text[], $2::text[], $3::uuid[]) AS k(scope, key, id)
       WHERE a.scope = k.scope AND a.key = k.key AND (a.id = k.id OR ($4 AND a.scope = 'email'))`,
      [which.map((k) => k.scope), which.map((k) => k.key), which.map((k) => k.id), allOfEmail],
    );
  const over = rows.filter((r) => r.attempts > SIGN_IN_LIMITS[r.scope] && r.blocking !== null);
  if (over.length > 0) {
    await remove(keys, false);
    const until = Math.max(...over.map((r) => r.blocking!.getTime() + SIGN_IN_LIMITS.windowMs));
    throw new TooManyAttemptsError(Math.max(1, Math.ceil((until - now.getTime()) / 1000)));
  }
  // A success clears the email's failures and takes this attempt off the IP's count.
  return { succeeded: async () => void (await remove(keys, true)) };
}
