import { createHash, randomBytes } from 'node:crypto';
import { z } from 'zod';
import { timeZone } from '../../lib/timeZone.ts';
import { AuthError, NotFoundError } from '../../kernel/errors.ts';
import type { Queryable } from '../../db/database.ts';
import { newId } from '../../db/ids.ts';
import { camelRow, type RowOf } from '../../kernel/rowMapper.ts';
import { SCOPES, type KeyPrincipal, type Scope } from '../../kernel/access.ts';
import { IdempotencyKeys } from './idempotencyKeys.ts';

export { SCOPES, type Scope };

export const workspaceInput = z.object({
  name: z.string().trim().min(1).max(200),
  currency: z.string().regex(/^[A-Z]{3}$/, 'an ISO 4217 code such as JPY').default('JPY'),
  timeZone: timeZone()
    .default('Asia/Tokyo'),
  locale: z.string().min(2).max(35).default('ja'),
});
export type WorkspaceInput = z.input<typeof workspaceInput>;

export interface Workspace {
  id: string;
  name: string;
  currency: string;
  timeZone: string;
  locale: string;
  createdAt: Date;
}

export interface ApiKeyInfo {
  id: string;
  name: string;
  prefix: string;
  scopes: Scope[];
  createdAt: Date;
  lastUsedAt: Date | null;
  revokedAt: Date | null;
}

/** An API key's caller (the scopes are defined with the route access rules in the kernel). */
export type Principal = KeyPrincipal;

const hashKey = (key: string) => createHash('sha256').update(key).digest('hex');

/** Workspaces (tenants) and their API keys. */
export class WorkspaceService {
  /** `Idempotency-Key` claims and stored answers, for the kernel's hook on keyed POST routes. */
  readonly idempotencyKeys: IdempotencyKeys;

  constructor(private readonly db: Queryable) {
    this.idempotencyKeys = new IdempotencyKeys(db);
  }

  /** Creates a workspace with one admin key; the secret is returned here and never again. */
  async create(input: WorkspaceInput): Promise<{ workspace: Workspace; apiKey: string }> {
    const w = workspaceInput.parse(input);
    const id = newId();
    await this.db.query('INSERT INTO workspaces (id, name, currency, time_zone, locale) VALUES ($1, $2, $3, $4, $5)', [
      id,
      w.name,
      w.currency,
      w.timeZone,
      w.locale,
    ]);
    const { key } = await this.createApiKey(id, { name: 'default', scopes: [...SCOPES] });
    return { workspace: await this.get(id), apiKey: key };
  }

  /** `q`: a caller's transaction, when it must not wait for a second connection of the pool. */
  async get(id: string, q: Queryable = this.db): Promise<Workspace> {
    const { rows } = await q.query<RowOf<typeof toWorkspace>>('SELECT * FROM workspaces WHERE id = $1', [id]);
    if (!rows[0]) throw new NotFoundError(`workspace ${id} not found`);
    return toWorkspace(rows[0]);
  }

  async list(): Promise<Workspace[]> {
    const { rows } = await this.db.query<RowOf<typeof toWorkspace>>('SELECT * FROM workspaces ORDER BY created_at');
    return rows.map(toWorkspace);
  }

  async createApiKey(workspaceId: string, input: { name: string; scopes: Scope[] }): Promise<{ info: ApiKeyInfo; key: string }> {
    const key = `kz_${randomBytes(32).toString('base64url')}`;
    const id = newId();
    const { rows } = await this.db.query<RowOf<typeof toKeyInfo>>(
      `INSERT INTO api_keys (workspace_id, id, name, prefix, key_hash, scopes)
       VALUES ($1, $2, $3, $4, $5, $6) RETURNING *`,
      [workspaceId, id, input.name, key.slice(0, 10), hashKey(key), input.scopes],
    );
    return { info: toKeyInfo(rows[0]!), key };
  }

  async listApiKeys(workspaceId: string): Promise<ApiKeyInfo[]> {
    const { rows } = await this.db.query<RowOf<typeof toKeyInfo>>(
      'SELECT * FROM api_keys WHERE workspace_id = $1 ORDER BY created_at',
      [workspaceId],
    );
    return rows.map(toKeyInfo);
  }

  async revokeApiKey(workspaceId: string, keyId: string): Promise<void> {
    const { rowCount } = await this.db.query(
      'UPDATE api_keys SET revoked_at = coalesce(revoked_at, now()) WHERE workspace_id = $1 AND id = $2',
      [workspaceId, keyId],
    );
    if (!rowCount) throw new NotFoundError(`API key ${keyId} not found`);
  }

  /**
   * Resolves a secret to its workspace. `last_used_at` is written at most once a minute per key,
   * so a busy ingest pipeline does not turn every request into a write.
   */
  async authenticate(key: string): Promise<Principal> {
    const { rows } = await this.db.query<{ workspace_id: string; id: string; scopes: Scope[] }>(
      `WITH k AS (SELECT workspace_id, id, scopes, last_used_at FROM api_keys WHERE key_hash = $1 AND revoked_at IS NULL),
            touch AS (UPDATE api_keys SET last_used_at = now()
                      FROM k WHERE api_keys.workspace_id = k.workspace_id AND api_keys.id = k.id
                        AND (k.last_used_at IS NULL OR k.last_used_at < now() - interval '1 minute'))
       SELECT workspace_id, id, scopes FROM k`,
      [hashKey(key)],
    );
    const row = rows[0];
    if (!row) throw new AuthError('Invalid or revoked API key');
    return { workspaceId: row.workspace_id, keyId: row.id, scopes: row.scopes };
  }
}

const toWorkspace = camelRow<Workspace>()('id name currency time_zone locale created_at');

const toKeyInfo = camelRow<ApiKeyInfo>()('id name prefix scopes created_at last_used_at revoked_at');
