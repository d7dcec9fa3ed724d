import { createRng } from '../../analytics/random.ts';
import type { Db } from '../../db/database.ts';
import type { SurveyService } from './service.ts';
import { chance, pick } from '../demo/choose.ts';

/**
 * The demo's NPS survey: a few hundred answers over the last year from customers who bought,
 * through the same path as real answers (signed links, events, cases), with Japanese and English
 * comments. Detractor cases older than two weeks are closed with a note, so the Feedback page
 * shows a realistic queue.
 */
const COMMENTS = {
  promoter: {
    ja: [
      'スタッフの対応がとても丁寧で、安心して買い物ができました。',
      '配送が早く、梱包もきれいでした。また利用します。',
      '品質が良く、価格以上の満足感があります。',
      'ポイントが貯まりやすく、クーポンもお得でうれしいです。',
      'サイトが見やすく、欲しい商品がすぐに見つかりました。',
      '友人にも勧めたいと思える品揃えです。',
      '問い合わせへの返信が早く、丁寧な説明で助かりました。',
      '会員ランクの特典が充実していて満足しています。',
    ],
    en: ['Great quality and fast delivery.', 'The staff were friendly and helpful.', 'Love the loyalty points and coupons.', 'Easy to find what I wanted on the site.'],
  },
  passive: {
    ja: ['おおむね満足ですが、送料がもう少し安いとうれしいです。', '商品は良いですが、配送に少し時間がかかりました。', '普通に使いやすいです。', '品揃えは良いが、価格がやや高めに感じます。'],
    en: ['Good overall, but shipping costs are a bit high.', 'Products are fine, delivery took a while.'],
  },
  detractor: {
    ja: [
      '配送が遅く、予定日に届きませんでした。',
      '問い合わせの返信が遅く、対応にも不満があります。',
      '商品の品質が期待より低く、すぐに壊れました。',
      '送料が高すぎると思います。',
      '届いた商品のサイズが違い、返品の手続きが面倒でした。',
      'サイトが使いにくく、決済でエラーが出ました。',
      'クーポンが使えず、サポートの説明も分かりにくかったです。',
      '在庫切れが多く、欲しい商品が買えません。',
    ],
    en: ['Delivery was late and support was slow to answer.', 'The item broke after a week, poor quality.', 'Shipping is too expensive.', 'Checkout failed twice, the site is hard to use.'],
  },
} as const;

export async function seedDemoSurvey(services: { db: Db; surveys: SurveyService }, workspaceId: string, options: { end: Date; responses?: number; seed?: number }): Promise<number> {
  const rng = createRng(options.seed ?? 1);
  // A start interrupted after this point resumes without a second survey.
  const existing = (await services.surveys.list(workspaceId)).find((s) => s.slug === 'nps');
  if (existing) return existing.responses;
  await services.surveys.create(workspaceId, { slug: 'nps', kind: 'nps', locale: 'ja', title: { ja: 'ご利用についてのアンケート', en: 'How are we doing?' }, reviewUrl: 'https://example.com/reviews/new', anonymous: true });
  // Analytical read of the customers the generator wrote: buyers only, in a stable order.
  const { rows } = await services.db.query<{ id: string }>(
    `SELECT c.id FROM customers c WHERE c.workspace_id = $1 AND EXISTS (SELECT 1 FROM orders o WHERE o.workspace_id = c.workspace_id AND o.customer_id = c.id)
     ORDER BY c.id LIMIT $2`,
    [workspaceId, (options.responses ?? 300) * 5],
  );
  const chosen = rows.filter(() => chance(rng, 0.2)).slice(0, options.responses ?? 300);
  const yearMs = 365 * 86_400_000;
  // Everything random is drawn first, in order, so the answers are the same however they are written.
  const plan = chosen.map((c) => {
    const age = rng.next();
    // Satisfaction improves over the year: recent answers lean to promoters.
    const u = rng.next() + (1 - age) * 0.12;
    const score = u > 0.58 ? pick(rng, [9, 10, 10]) : u > 0.32 ? pick(rng, [7, 8]) : pick(rng, [0, 2, 3, 4, 5, 6, 6]);
    const category = score >= 9 ? 'promoter' : score >= 7 ? 'passive' : 'detractor';
    const lang = chance(rng, 0.85) ? ('ja' as const) : ('en' as const);
    const reason = chance(rng, 0.8) ? pick(rng, COMMENTS[category][lang]) : undefined;
    return { customerId: c.id, age, at: new Date(options.end.getTime() - age * yearMs - 3_600_000), score, lang, reason };
  });
  let answered = 0;
  const write = async (a: (typeof plan)[number]) => {
    const [link] = await services.surveys.mintLinks(workspaceId, 'nps', [a.customerId], { now: a.at });
    const outcome = await services.surveys.answerLink(link!.url.slice(link!.url.lastIndexOf('/') + 1), a.reason ? { score: a.score, reason: a.reason } : { score: a.score }, a.lang, a.at);
    if (outcome.caseId && a.age > 14 / 365) {
      await services.surveys.addNote(workspaceId, outcome.caseId, a.lang === 'ja' ? 'お電話でお詫びし、クーポンをお送りしました。' : 'Called to apologise and sent a coupon.', null);
      await services.surveys.updateCase(workspaceId, outcome.caseId, { status: 'closed' });
    }
    answered++;
  };
  // A few at a time: each answer is a handful of short queries.
  const queue = [...plan];
  await Promise.all(Array.from({ length: 6 }, async () => {
    for (let a = queue.shift(); a; a = queue.shift()) await write(a);
  }));
  return answered;
}
