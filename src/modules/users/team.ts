import { createHash, randomBytes } from 'node:crypto';
import { z } from 'zod';
import { ConflictError, KizunaError, NotFoundError, ValidationError } from '../../kernel/errors.ts';
import type { Db, Queryable } from '../../db/database.ts';
import { newId } from '../../db/ids.ts';
import { camelRow, type RowOf } from '../../kernel/rowMapper.ts';
import { ROLES, toUser, userInput, type Role, type User, type UserRow, type UserService } from './service.ts';

/** An invitation link works for a week. */
const INVITATION_DAYS = 7;

export const invitationInput = z.object({
  email: userInput.shape.email,
  name: userInput.shape.name,
  role: z.enum(ROLES),
});

export const acceptInput = z.object({ password: userInput.shape.password, name: userInput.shape.name });

export interface Invitation {
  id: string;
  email: string;
  name: string | null;
  role: Role;
  createdAt: Date;
  expiresAt: Date;
}

const hashToken = (token: string) => createHash('sha256').update(token).digest('hex');

const invalidInvitation = () => new KizunaError('This invitation link is not valid: it was used or withdrawn, or it has expired. Ask an admin for a new one.', 404, 'invitation_invalid');

/**
 * The people of a workspace as an admin manages them: invitations by link, roles, removal. A
 * workspace always keeps one admin: the last cannot be demoted or removed (the rows of the admins
 * are locked while that is checked, so two admins demoting each other at once cannot both win).
 */
export class TeamService {
  constructor(
    private readonly db: Db,
    private readonly users: UserService,
  ) {}

  async list(workspaceId: string): Promise<{ users: User[]; invitations: Invitation[] }> {
    const [users, invitations] = await Promise.all([
      this.db.query<UserRow>(
        `SELECT workspace_id, id, email, name, role, created_at, last_login_at FROM users WHERE workspace_id = $1 ORDER BY lower(email)`,
        [workspaceId],
      ),
      this.db.query<InvitationRow>(
        `SELECT id, email, name, role, created_at, expires_at FROM user_invitations
         WHERE workspace_id = $1 AND accepted_at IS NULL AND revoked_at IS NULL AND expires_at > now() ORDER BY created_at DESC`,
        [workspaceId],
      ),
    ]);
    return { users: users.rows.map(toUser), invitations: invitations.rows.map(toInvitation) };
  }

  /** Invites `email` with `role`; the token for the link is returned here only. An open invitation to the same address is replaced. */
  async invite(workspaceId: string, input: z.input<typeof invitationInput>, invitedBy: string | null = null): Promise<{ invitation: Invitation; token: string }> {
    const i = parse(invitationInput, input, 'Invalid invitation');
    if (await this.users.findByEmail(i.email)) throw new ConflictError(`${i.email} already has an account`, 'email_taken');
    const token = randomBytes(32).toString('base64url');
    const rows = await this.db.tx(async (tx) => {
      await tx.query(
        `UPDATE user_invitations SET revoked_at = now() WHERE workspace_id = $1 AND lower(email) = lower($2) AND accepted_at IS NULL AND revoked_at IS NULL`,
        [workspaceId, i.email],
      );
      return (
        await tx.query<InvitationRow>(
          `INSERT INTO user_invitations (workspace_id, id, email, name, role, token_hash, invited_by, expires_at)
           VALUES ($1, $2, $3, $4, $5, $6, $7, now() + make_interval(days => $8)) RETURNING *`,
          [workspaceId, newId(), i.email, i.name ?? null, i.role, hashToken(token), invitedBy, INVITATION_DAYS],
        )
      ).rows;
    });
    return { invitation: toInvitation(rows[0]!), token };
  }

  async revokeInvitation(workspaceId: string, id: string): Promise<void> {
    const { rowCount } = await this.db.query(
      'UPDATE user_invitations SET revoked_at = now() WHERE workspace_id = $1 AND id = $2 AND accepted_at IS NULL AND revoked_at IS NULL',
      [workspaceId, id],
    );
    if (!rowCount) throw new NotFoundError(`open invitation ${id} not found`);
  }

  /** What the invitation page shows before the person chooses a password. */
  async invitation(token: string, q: Queryable = this.db): Promise<Invitation & { workspaceId: string; workspaceName: string }> {
    const { rows } = await q.query<InvitationRow & { workspace_id: string; workspace_name: string }>(
      `SELECT i.*, w.name AS workspace_name FROM user_invitations i JOIN workspaces w ON w.id = i.workspace_id
       WHERE i.token_hash = $1 AND i.accepted_at IS NULL AND i.revoked_at IS NULL AND i.expires_at > now()`,
      [hashToken(token)],
    );
    const r = rows[0];
    if (!r) throw invalidInvitation();
    return { ...toInvitation(r), workspaceId: r.workspace_id, workspaceName: r.workspace_name };
  }

  /** Creates the invited user with the password they chose; the link then stops working. */
  async accept(token: string, input: z.input<typeof acceptInput>): Promise<User> {
    const a = parse(acceptInput, input, 'Invalid password');
    return this.db.tx(async (tx) => {
      const { rows } = await tx.query(
        `SELECT workspace_id, id, email, name, role FROM user_invitations
         WHERE token_hash = $1 AND accepted_at IS NULL AND revoked_at IS NULL AND expires_at > now() FOR UPDATE`,
        [hashToken(token)],
      );
      const r = rows[0];
      if (!r) throw invalidInvitation();
      const name = a.name ?? (r.name as string | null) ?? undefined;
      const user = await this.users
        .create(r.workspace_id as string, { email: r.email as string, name, role: r.role as Role, password: a.password }, tx)
        .catch((err: unknown) => {
          throw err instanceof ConflictError ? new ConflictError(`${r.email as string} already has an account`, 'email_taken') : err;
        });
      await tx.query('UPDATE user_invitations SET accepted_at = now() WHERE workspace_id = $1 AND id = $2', [r.workspace_id, r.id]);
      return user;
    });
  }

  async setRole(workspaceId: string, userId: string, role: Role): Promise<User> {
    const parsed = parse(z.enum(ROLES), role, 'Invalid role', ['role']);
    return this.db.tx(async (tx) => {
      const target = await lockForAdminChange(tx, workspaceId, userId, parsed !== 'admin');
      if (target.role === parsed) return target;
      const { rows } = await tx.query<UserRow>(
        'UPDATE users SET role = $3 WHERE workspace_id = $1 AND id = $2 RETURNING workspace_id, id, email, name, role, created_at, last_login_at',
        [workspaceId, userId, parsed],
      );
      return toUser(rows[0]!);
    });
  }

  /** Removes the user; their sessions end with them. */
  async remove(workspaceId: string, userId: string): Promise<void> {
    await this.db.tx(async (tx) => {
      await lockForAdminChange(tx, workspaceId, userId, true);
      await tx.query('DELETE FROM users WHERE workspace_id = $1 AND id = $2', [workspaceId, userId]);
    });
  }
}

/**
 * Locks the workspace's admins and the target; refuses when `losesAdmin` would leave none.
 * Returns the target as it is now.
 */
async function lockForAdminChange(tx: Queryable, workspaceId: string, userId: string, losesAdmin: boolean): Promise<User> {
  const { rows } = await tx.query<UserRow>(
    `SELECT workspace_id, id, email, name, role, created_at, last_login_at FROM users
     WHERE workspace_id = $1 AND (role = 'admin' OR id = $2) ORDER BY id FOR UPDATE`,
    [workspaceId, userId],
  );
  const users = rows.map(toUser);
  const target = users.find((u) => u.id === userId);
  if (!target) throw new NotFoundError(`user ${userId} not found`);
  if (losesAdmin && target.role === 'admin' && users.filter((u) => u.role === 'admin').length === 1) {
    throw new ConflictError(`${target.email} is the workspace's last admin: make someone else admin first`, 'last_admin');
  }
  return target;
}

function parse<T extends z.ZodType>(schema: T, input: unknown, message: string, at: (string | number)[] = []): z.output<T> {
  const result = schema.safeParse(input);
  if (!result.success) {
    throw new ValidationError(
      message,
      result.error.issues.map((i) => ({ path: [...at, ...i.path.map((p) => (typeof p === 'number' ? p : String(p)))], message: i.message, code: i.code })),
    );
  }
  return result.data;
}

const toInvitation = camelRow<Invitation>()('id email name role created_at expires_at');
type InvitationRow = RowOf<typeof toInvitation>;
