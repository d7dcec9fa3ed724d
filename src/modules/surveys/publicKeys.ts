import type { Queryable } from '../../db/database.ts';

/**
 * Anonymous links carry only the survey's public key. `survey_public_keys` (a reference table on
 * Citus) says whose survey a key opens, so the public pages read the survey itself on its
 * workspace's shard. Its primary key keeps a key unique across workspaces: claiming a key another
 * survey holds fails with a unique violation (23505).
 */
export async function claimPublicKey(q: Queryable, workspaceId: string, surveyId: string, publicKey: string): Promise<void> {
  await q.query('INSERT INTO survey_public_keys (public_key, workspace_id, survey_id) VALUES ($1, $2, $3)', [publicKey, workspaceId, surveyId]);
}

/** The survey a public key opens, or null for an unknown key. */
export async function surveyOfPublicKey(q: Queryable, publicKey: string): Promise<{ workspaceId: string; surveyId: string } | null> {
  const { rows } = await q.query<{ workspace_id: string; survey_id: string }>('SELECT workspace_id, survey_id FROM survey_public_keys WHERE public_key = $1', [publicKey]);
  return rows[0] ? { workspaceId: rows[0].workspace_id, surveyId: rows[0].survey_id } : null;
}
