import type { Queryable } from '../../db/database.ts';
import type { IdempotencyStore, StoredResponse } from '../../kernel/idempotency.ts';

/** A claim older than this belongs to a request that died (crash, timeout) and may be retried. */
const ABANDONED_AFTER = '2 minutes';

/** The `idempotency_keys` table behind the kernel's `Idempotency-Key` hook. */
export class IdempotencyKeys implements IdempotencyStore {
  constructor(private readonly db: Queryable) {}

  async claimIdempotencyKey(workspaceId: string, key: string, requestHash: string): Promise<{ claimed: true } | { claimed: false; first: StoredResponse | undefined }> {
    await this.db.query(
      `DELETE FROM idempotency_keys WHERE workspace_id = $1 AND key = $2 AND status_code = 0 AND created_at < now() - interval '${ABANDONED_AFTER}'`,
      [workspaceId, key],
    );
    const claimed = await this.db.query(
      `INSERT INTO idempotency_keys (workspace_id, key, request_hash, status_code, response)
       VALUES ($1, $2, $3, 0, 'null') ON CONFLICT (workspace_id, key) DO NOTHING`,
      [workspaceId, key, requestHash],
    );
    if (claimed.rowCount === 1) return { claimed: true };
    const { rows } = await this.db.query<{ request_hash: string; status_code: number; response: unknown }>(
      'SELECT request_hash, status_code, response FROM idempotency_keys WHERE workspace_id = $1 AND key = $2',
      [workspaceId, key],
    );
    const first = rows[0];
    return { claimed: false, first: first && { requestHash: first.request_hash, statusCode: first.status_code, response: first.response } };
  }

  async storeIdempotentResponse(workspaceId: string, key: string, statusCode: number, responseJson: string): Promise<void> {
    await this.db.query('UPDATE idempotency_keys SET status_code = $3, response = $4 WHERE workspace_id = $1 AND key = $2', [workspaceId, key, statusCode, responseJson]);
  }

  async releaseIdempotencyKey(workspaceId: string, key: string): Promise<void> {
    await this.db.query('DELETE FROM idempotency_keys WHERE workspace_id = $1 AND key = $2', [workspaceId, key]);
  }

  /**
   * Erasure: stored responses that name the person (a customers batch answers with its ids) are
   * forgotten; a retry with such a key runs again, as a new request would.
   */
  async forgetResponsesAbout(workspaceId: string, customerId: string, q: Queryable = this.db): Promise<void> {
    await q.query('DELETE FROM idempotency_keys WHERE workspace_id = $1 AND strpos(response::text, $2) > 0', [workspaceId, customerId]);
  }
}
