import { createHash, randomBytes } from 'node:crypto';
import { z } from 'zod';
import { AuthError, ConflictError, NotFoundError, ValidationError } from '../../kernel/errors.ts';
import type { Db, Queryable } from '../../db/database.ts';
import { newId } from '../../db/ids.ts';
import { camelRow, type RowOf } from '../../kernel/rowMapper.ts';
import type { Scope } from '../workspaces/index.ts';
import { hashPassword, verifyDecoy, verifyPassword } from './password.ts';
import { beginAttempt } from './throttle.ts';

export const ROLES = ['admin', 'marketer', 'analyst'] as const;
export type Role = (typeof ROLES)[number];

/** What a signed-in person may do, in the API keys' terms (admin implies the others). */
export const ROLE_SCOPES: Record<Role, Scope[]> = {
  admin: ['admin'],
  marketer: ['ingest', 'read', 'messaging'],
  analyst: ['read'],
};

/** Sessions end a week after sign-in. */
const SESSION_DAYS = 7;

export const userInput = z.object({
  email: z.string().trim().toLowerCase().pipe(z.email()),
  name: z.string().trim().min(1).max(200).optional(),
  role: z.enum(ROLES),
  password: z.string().min(12, 'at least 12 characters').max(1024),
});
export type UserInput = z.input<typeof userInput>;

export interface User {
  workspaceId: string;
  id: string;
  email: string;
  name: string | null;
  role: Role;
  createdAt: Date;
  lastLoginAt: Date | null;
}

export interface Session {
  workspaceId: string;
  id: string;
  userId: string;
  /** Mutating requests authenticated by the cookie must echo it in `X-CSRF-Token`. */
  csrfToken: string;
  createdAt: Date;
  expiresAt: Date;
}

const USER_COLUMNS = 'u.workspace_id, u.id, u.email, u.name, u.role, u.created_at, u.last_login_at';
const hashToken = (token: string) => createHash('sha256').update(token).digest('hex');

/** People who sign in to the web app, and their sessions. */
export class UserService {
  constructor(private readonly db: Db) {}

  async create(workspaceId: string, input: UserInput, q: Queryable = this.db): Promise<User> {
    const u = parse(userInput, input);
    const passwordHash = await hashPassword(u.password);
    try {
      const { rows } = await q.query<UserRow>(
        `INSERT INTO users AS u (workspace_id, id, email, name, role, password_hash) VALUES ($1, $2, $3, $4, $5, $6)
         RETURNING ${USER_COLUMNS}`,
        [workspaceId, newId(), u.email, u.name ?? null, u.role, passwordHash],
      );
      return toUser(rows[0]!);
    } catch (err) {
      if ((err as { code?: string }).code === '23505') throw new ConflictError(`a user with email ${u.email} already exists`);
      throw err;
    }
  }

  async findByEmail(email: string, q: Queryable = this.db): Promise<User | undefined> {
    const { rows } = await q.query<UserRow>(`SELECT ${USER_COLUMNS} FROM users u WHERE lower(u.email) = lower($1)`, [email.trim()]);
    return rows[0] ? toUser(rows[0]) : undefined;
  }

  async setPassword(workspaceId: string, userId: string, password: string): Promise<void> {
    const parsed = parse(userInput.shape.password, password, ['password']);
    const { rowCount } = await this.db.query('UPDATE users SET password_hash = $3 WHERE workspace_id = $1 AND id = $2', [
      workspaceId,
      userId,
      await hashPassword(parsed),
    ]);
    if (!rowCount) throw new NotFoundError(`user ${userId} not found`);
  }

  /**
   * One message for an unknown email and a wrong password, after the same work: no account probing.
   * Throttled per client (`ip`) and per (email, client) with growing waits (throttle.ts): an
   * attempt inside a wait throws TooManyAttemptsError (429) before the password is checked.
   */
  async authenticate(email: string, password: string, options: { ip?: string | null; now?: Date } = {}): Promise<User> {
    const attempt = await beginAttempt(this.db, email, options.ip ?? null, options.now ?? new Date());
    const { rows } = await this.db.query<UserRow & { password_hash: string }>(`SELECT ${USER_COLUMNS}, u.password_hash FROM users u WHERE lower(u.email) = lower($1)`, [
      email.trim(),
    ]);
    const row = rows[0];
    const ok = row ? await verifyPassword(row.password_hash, password) : await verifyDecoy(password);
    if (!row || !ok) throw new AuthError('Email or password is incorrect');
    await attempt.succeeded();
    await this.db.query('UPDATE users SET last_login_at = now() WHERE workspace_id = $1 AND id = $2', [row.workspace_id, row.id]);
    return { ...toUser(row), lastLoginAt: new Date() };
  }

  /** Starts a session; the token (for the cookie) is returned here only. Ended sessions of the user are cleared. */
  async createSession(user: User): Promise<{ token: string; session: Session }> {
    const token = randomBytes(32).toString('base64url');
    await this.db.query(
      'DELETE FROM sessions WHERE workspace_id = $1 AND user_id = $2 AND (expires_at < now() OR revoked_at IS NOT NULL)',
      [user.workspaceId, user.id],
    );
    const { rows } = await this.db.query<RowOf<typeof toSession>>(
      `INSERT INTO sessions (workspace_id, id, user_id, token_hash, csrf_token, expires_at)
       VALUES ($1, $2, $3, $4, $5, now() + make_interval(days => $6)) RETURNING *`,
      [user.workspaceId, newId(), user.id, hashToken(token), randomBytes(32).toString('base64url'), SESSION_DAYS],
    );
    return { token, session: toSession(rows[0]!) };
  }

  /** The live session of a cookie's token and its user. */
  async lookupSession(token: string): Promise<{ session: Session; user: User }> {
    const { rows } = await this.db.query<UserRow & { session_id: string; csrf_token: string; session_created_at: Date; expires_at: Date }>(
      `SELECT ${USER_COLUMNS}, s.id AS session_id, s.csrf_token, s.created_at AS session_created_at, s.expires_at
       FROM sessions s JOIN users u ON u.workspace_id = s.workspace_id AND u.id = s.user_id
       WHERE s.token_hash = $1 AND s.revoked_at IS NULL AND s.expires_at > now()`,
      [hashToken(token)],
    );
    const r = rows[0];
    if (!r) throw new AuthError('Your session has ended; sign in again');
    const user = toUser(r);
    return {
      user,
      session: {
        workspaceId: user.workspaceId,
        id: r.session_id,
        userId: user.id,
        csrfToken: r.csrf_token,
        createdAt: r.session_created_at,
        expiresAt: r.expires_at,
      },
    };
  }

  async revokeSession(workspaceId: string, sessionId: string): Promise<void> {
    await this.db.query('UPDATE sessions SET revoked_at = coalesce(revoked_at, now()) WHERE workspace_id = $1 AND id = $2', [
      workspaceId,
      sessionId,
    ]);
  }
}

function parse<T extends z.ZodType>(schema: T, input: unknown, at: (string | number)[] = []): z.output<T> {
  const result = schema.safeParse(input);
  if (!result.success) {
    const issues = result.error.issues.map((i) => ({ path: [...at, ...i.path.map((p) => (typeof p === 'number' ? p : String(p)))], message: i.message }));
    throw new ValidationError('Invalid user', issues);
  }
  return result.data;
}

export const toUser = camelRow<User>()('workspace_id id email name role created_at last_login_at');
export type UserRow = RowOf<typeof toUser>;

const toSession = camelRow<Session>()('workspace_id id user_id csrf_token created_at expires_at');
