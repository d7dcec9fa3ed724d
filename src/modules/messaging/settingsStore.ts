/**
 * Where a workspace's messaging settings live: one messaging_settings row (the settings, the link
 * secret that signs tracking tokens, its version), read with the sender domain's DKIM keys. Apart
 * from settings.ts, which says what valid settings are, because this is what reads and writes them.
 */
import { randomBytes } from 'node:crypto';
import type { Queryable } from '../../db/database.ts';
import { ConflictError, ValidationError } from '../../kernel/errors.ts';
import type { DkimKeys } from './dkim.ts';
import type { WorkspaceMessaging } from './dispatch.ts';
import { assertSenderIdentity, needsSenderIdentity } from './senderIdentity.ts';
import { keepSecrets, messagingSettingsInput, redact, storedMessagingSettings, type MessagingSettings } from './settings.ts';
import type { Channel, MessageClass } from './types.ts';

/** The stored settings as they are (undefined: the workspace has none). */
async function storedSettings(q: Queryable, workspaceId: string): Promise<unknown> {
  const { rows } = await q.query<{ settings: unknown }>('SELECT settings FROM messaging_settings WHERE workspace_id = $1', [workspaceId]);
  return rows[0]?.settings;
}

/** Replaces the settings; secrets left out of `input` keep their stored values. Returns them redacted. */
export async function putSettings(q: Queryable, workspaceId: string, input: unknown): Promise<MessagingSettings> {
  const kept = keepSecrets(input, await storedSettings(q, workspaceId));
  const parsed = messagingSettingsInput.safeParse(kept.value);
  if (!parsed.success || kept.issues.length > 0) {
    const issues = parsed.success ? [] : parsed.error.issues.map((i) => ({ path: i.path.map((p) => (typeof p === 'symbol' ? String(p) : p)), message: i.message, code: i.code }));
    throw new ValidationError('Invalid messaging settings', [...kept.issues, ...issues]);
  }
  await q.query(
    `INSERT INTO messaging_settings (workspace_id, settings, link_secret) VALUES ($1, $2, $3)
     ON CONFLICT (workspace_id) DO UPDATE SET settings = EXCLUDED.settings, updated_at = now()`,
    [workspaceId, JSON.stringify(parsed.data), randomBytes(32).toString('base64url')],
  );
  return redact(parsed.data);
}

/** The settings with their secrets, link secret and DKIM keys; a workspace without settings is a 409. */
export async function loadSettings(q: Queryable, dkim: Pick<DkimKeys, 'signingKeys'>, workspaceId: string): Promise<WorkspaceMessaging> {
  // The DKIM keys are part of the version: a key added or deleted rebuilds the cached SMTP transport.
  const { rows } = await q.query<{ settings: unknown; link_secret: string; updated_at: Date; dkim_keys: string | null }>(
    `SELECT settings, link_secret, updated_at,
       (SELECT string_agg(k.id::text, ',' ORDER BY k.id) FROM messaging_dkim_keys k WHERE k.workspace_id = s.workspace_id) AS dkim_keys
     FROM messaging_settings s WHERE workspace_id = $1`,
    [workspaceId],
  );
  if (!rows[0]) throw new ConflictError('Messaging is not configured for this workspace: PUT /v1/messaging/settings first', 'messaging_not_configured');
  const settings = storedMessagingSettings.parse(rows[0].settings);
  const keys = rows[0].dkim_keys ? await dkim.signingKeys(workspaceId, settings.sender.email.split('@')[1]!, q) : [];
  return { settings, linkSecret: rows[0].link_secret, version: `${rows[0].updated_at.toISOString()}/${rows[0].dkim_keys ?? ''}`, dkim: keys };
}

/** Refuses (409 sender_identity_incomplete) when one of `messages` is marketing email and the sender identity is incomplete; a workspace without settings passes. */
export async function assertMarketingEmailReady(q: Queryable, workspaceId: string, messages: { channel: Channel; class: MessageClass }[]): Promise<void> {
  if (!messages.some((m) => needsSenderIdentity(m.channel, m.class))) return;
  const stored = await storedSettings(q, workspaceId);
  if (stored !== undefined) assertSenderIdentity(storedMessagingSettings.parse(stored));
}

/** Whether the workspace can send (its messaging settings exist), and its global control share. */
export async function sendingPolicy(q: Queryable, workspaceId: string): Promise<{ configured: boolean; globalControlPercent: number }> {
  const stored = await storedSettings(q, workspaceId);
  if (stored === undefined) return { configured: false, globalControlPercent: 0 };
  return { configured: true, globalControlPercent: storedMessagingSettings.parse(stored).policy.globalControlPercent };
}
