import type { RecipientVariableLoader } from '../messaging/index.ts';
import { signSurveyLink } from './tokens.ts';

/**
 * `{{ survey_links.<slug> }}` in message templates: a fresh signed link to each active survey for
 * the recipient (slugs with "-" are also reachable with "_"), minted when messaging loads a batch.
 * Handed to messaging by the composition root (src/app/services.ts), not registered on import.
 */
export const surveyLinkVariables: RecipientVariableLoader = async (q, workspaceId, customerIds) => {
  const out = new Map<string, Record<string, string>>();
  const { rows: settings } = await q.query<{ token_secret: string; public_base_url: string }>('SELECT token_secret, public_base_url FROM survey_settings WHERE workspace_id = $1', [workspaceId]);
  if (!settings[0]) return out;
  const { rows: surveys } = await q.query<{ id: string; slug: string; link_ttl_days: number }>(`SELECT id, slug, link_ttl_days FROM surveys WHERE workspace_id = $1 AND status = 'active'`, [workspaceId]);
  const base = settings[0].public_base_url.replace(/\/+$/, '');
  const now = Date.now();
  for (const customerId of customerIds) {
    const links: Record<string, string> = {};
    for (const s of surveys) {
      const url = `${base}/s/${signSurveyLink(settings[0].token_secret, { workspaceId, surveyId: s.id, customerId, expiresAt: new Date(now + s.link_ttl_days * 86_400_000) })}`;
      links[s.slug] = url;
      links[s.slug.replaceAll('-', '_')] = url;
    }
    out.set(customerId, links);
  }
  return out;
};
