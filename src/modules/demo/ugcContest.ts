import { createRng } from '../../analytics/random.ts';
import type { DemoServices } from './demoServices.ts';
import { chance, pick } from './choose.ts';

const DAY = 86_400_000;

const CAPTIONS = {
  ja: ['愛犬とお散歩。新しいリードがお気に入りです。', 'キッチンが明るくなりました！', '週末のピクニックに持っていきました。', 'プレゼントにしたらとても喜ばれました。', 'お気に入りのマグでコーヒータイム。', '子どもと一緒に使っています。'],
  en: ['Weekend picnic with my new favourites.', 'Morning coffee with my new mug.', 'My dog loves the new toy!'],
};

/**
 * The demo's photo and post contest (UGC): open for the last month, 100 points per approved entry,
 * with entries from buyers (SNS post links) through the public entry path, most of the older ones
 * moderated: approved (points granted) or rejected with a reason, the recent ones waiting in the
 * moderation queue.
 */
export async function seedDemoUgc(services: DemoServices, workspaceId: string, options: { end: Date; entries?: number; seed?: number }): Promise<number> {
  if ((await services.ugc.listCampaigns(workspaceId)).length > 0) return 0;
  const rng = createRng((options.seed ?? 1) + 16);
  const start = new Date(options.end.getTime() - 30 * DAY);
  const campaign = await services.ugc.createCampaign(workspaceId, {
    name: 'Spring photo contest',
    texts: {
      ja: { title: '#絆のある暮らし フォトコンテスト', description: '当店の商品と過ごす毎日の写真やSNS投稿を送ってください。採用された方に100ポイントを差し上げます。', consent: '投稿内容を当店のウェブサイトやSNSで紹介することに同意します。', thanks: 'ご応募ありがとうございます！' },
      en: { title: '#LifeWithKizuna photo contest', description: 'Share a photo or post of everyday life with our products. Approved entries earn 100 points.', consent: 'I agree that the shop may show my entry on its website and social media.', thanks: 'Thanks for entering!' },
    },
    defaultLocale: 'ja',
    hashtag: '#絆のある暮らし',
    status: 'active',
    startsAt: start.toISOString(),
    reward: { kind: 'points', points: 100 },
    maxEntriesPerCustomer: 2,
    maxRewardsPerCustomer: 1,
  });
  const { rows } = await services.db.query<{ email: string }>(
    `SELECT c.email FROM customers c WHERE c.workspace_id = $1 AND c.email IS NOT NULL
       AND EXISTS (SELECT 1 FROM orders o WHERE o.workspace_id = c.workspace_id AND o.customer_id = c.id AND o.ordered_at >= $2)
     ORDER BY c.id LIMIT $3`,
    [workspaceId, new Date(options.end.getTime() - 180 * DAY), (options.entries ?? 24) * 4],
  );
  const chosen = rows.filter(() => chance(rng, 0.25)).slice(0, options.entries ?? 24);
  let written = 0;
  for (const [i, c] of chosen.entries()) {
    const lang = chance(rng, 0.85) ? ('ja' as const) : ('en' as const);
    const at = new Date(start.getTime() + ((i + rng.next()) / chosen.length) * 29 * DAY);
    const entry = await services.ugc.submitEntry(
      campaign.id,
      { email: c.email, locale: lang, consent: true, postUrl: `https://www.instagram.com/p/Kz${(1_000_000 + i * 7919).toString(36)}/`, caption: pick(rng, CAPTIONS[lang]) },
      at,
    );
    written++;
    // The last week's entries wait for moderation; most older ones are approved.
    if (options.end.getTime() - at.getTime() < 7 * DAY) continue;
    const moderatedAt = new Date(at.getTime() + DAY);
    if (chance(rng, 0.85)) await services.ugc.approve(workspaceId, entry.id, 'demo', moderatedAt);
    else await services.ugc.reject(workspaceId, entry.id, 'この投稿には当店の商品が写っていません / No product of ours is shown', 'demo', moderatedAt);
  }
  return written;
}
