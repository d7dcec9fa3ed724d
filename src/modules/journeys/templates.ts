import type { DefinitionInput } from './definition.ts';

/**
 * Journeys a workspace can switch on: each becomes an editable draft. Definitions are data; the few
 * ids they need (a coupon campaign, a built-in segment) are resolved when the template is enabled
 * (`needs`), creating the coupon campaign if the workspace has none for it.
 */
export interface TemplateNeeds {
  /** A coupon campaign created for the journey: its name, value (yen off, or percent) and validity. */
  coupon?: { name: string; kind: 'amount' | 'percent'; value: number; validDays: number; codePrefix: string };
  /** A built-in segment, by key. */
  segmentKey?: string;
}

export interface Resolved {
  couponCampaignId?: string;
  segmentId?: string;
}

export interface JourneyTemplate {
  key: string;
  name: { en: string; ja: string };
  description: { en: string; ja: string };
  needs: TemplateNeeds;
  definition(resolved: Resolved): DefinitionInput;
}

const SHOP_URL = 'https://shop.example.jp';

/** The greeting line: the customer's name, or お客様 when the profile has none. */
export const GREETING = '{% if customer.name != blank %}{{ customer.name }} 様{% else %}お客様{% endif %}';

/** Liquid: `withCoupon` when the run holds a coupon code (its coupon step issued one), else `without`. */
const ifCoupon = (withCoupon: string, without: string) => `{% if coupon %}${withCoupon}{% else %}${without}{% endif %}`;

/**
 * A short Japanese email: greeting, body lines, the coupon code when there is one, a button. Liquid
 * control flow may stand between MJML components: it runs before MJML compiles (messaging's emailBody.ts).
 */
function email(subject: string, lines: string[], button: { label: string; path: string }, extra = ''): { channel: 'email'; subject: string; mjml: string } {
  return {
    channel: 'email',
    subject,
    mjml: `<mjml><mj-body><mj-section><mj-column>
<mj-text font-size="16px">${GREETING}</mj-text>
${lines.map((l) => `<mj-text>${l}</mj-text>`).join('\n')}
{% if coupon %}<mj-text font-size="18px">クーポンコード: <strong>{{ coupon.code }}</strong></mj-text>{% endif %}${extra}
<mj-button href="${SHOP_URL}${button.path}">${button.label}</mj-button>
</mj-column></mj-section></mj-body></mjml>`,
  };
}

/** Up to three products picked for the customer; ones without a name are left out, a missing price is not printed. */
const RECOMMENDATIONS = `
{% assign named = recommendations | where: "name" %}{% if named.size != 0 %}<mj-text>あなたへのおすすめ</mj-text>{% for r in named %}<mj-text>・{{ r.name }}{% if r.price %}（{{ r.price }}円）{% endif %}</mj-text>{% endfor %}{% endif %}`;

const at = (x: number, y: number) => ({ x, y });

export const JOURNEY_TEMPLATES: JourneyTemplate[] = [
  {
    key: 'welcome-series',
    name: { en: 'Welcome and onboarding series', ja: 'ウェルカム・オンボーディング' },
    description: {
      en: 'On sign-up: a welcome mail at once, a how-to guide after two days, and a first-purchase nudge with points for those who have not ordered after a week.',
      ja: '会員登録直後にウェルカムメール、2日後に使い方ガイド、1週間たっても未購入の方には初回購入を後押しするポイント付きのメールを配信します。',
    },
    needs: {},
    definition: () => ({
      trigger: { type: 'event', event: 'Signed Up' },
      entry: { mode: 'once' },
      start: 'welcome',
      goal: { event: 'Order Completed', withinDays: 30 },
      holdoutPercent: 10,
      triggerPosition: at(0, 0),
      steps: [
        { id: 'welcome', type: 'send', class: 'marketing', template: email('ご登録ありがとうございます', ['会員登録ありがとうございます。これからよろしくお願いいたします。'], { label: 'ショップを見る', path: '/' }), next: 'wait-2d', position: at(0, 120) },
        { id: 'wait-2d', type: 'wait', duration: { days: 2, hours: 0, minutes: 0 }, next: 'guide', position: at(0, 240) },
        { id: 'guide', type: 'send', class: 'marketing', template: email('お買い物ガイド', ['人気の商品や、ポイントの貯め方をご紹介します。'], { label: 'ガイドを読む', path: '/guide' }), next: 'wait-order', position: at(0, 360) },
        { id: 'wait-order', type: 'waitForEvent', event: 'Order Completed', timeout: { days: 5, hours: 0, minutes: 0 }, next: null, timeoutNext: 'bonus-points', position: at(0, 480) },
        { id: 'bonus-points', type: 'points', points: 300, reason: '初回購入応援ポイント', next: 'nudge', position: at(200, 600) },
        { id: 'nudge', type: 'send', class: 'marketing', template: email('300ポイントをプレゼントしました', ['初めてのお買い物に使える300ポイントをお贈りしました。'], { label: 'ポイントを使う', path: '/' }), next: null, position: at(200, 720) },
      ],
    }),
  },
  {
    key: 'post-purchase-recommendations',
    name: { en: 'Post-purchase follow-up with recommendations', ja: '購入後フォロー（おすすめ商品）' },
    description: {
      en: 'Three days after an order: a thank-you with products picked for the customer.',
      ja: 'ご注文の3日後に、お礼とお客様に合わせたおすすめ商品をお届けします。',
    },
    needs: {},
    definition: () => ({
      trigger: { type: 'event', event: 'Order Completed' },
      entry: { mode: 'always' },
      start: 'wait-3d',
      goal: { event: 'Order Completed', withinDays: 14 },
      holdoutPercent: 10,
      steps: [
        { id: 'wait-3d', type: 'wait', duration: { days: 3, hours: 0, minutes: 0 }, next: 'morning', position: at(0, 120) },
        { id: 'morning', type: 'waitUntil', at: '10:00', next: 'thanks', position: at(0, 240) },
        { id: 'thanks', type: 'send', class: 'marketing', template: email('ご購入ありがとうございました', ['先日はご購入ありがとうございました。'], { label: 'おすすめを見る', path: '/recommended' }, RECOMMENDATIONS), next: null, position: at(0, 360) },
      ],
    }),
  },
  {
    key: 'birthday-coupon',
    name: { en: 'Birthday coupon', ja: 'お誕生日クーポン' },
    description: {
      en: 'On the birthday at 10:00 local time: a coupon, by email (switch the send step to LINE or a paper DM card in the editor).',
      ja: 'お誕生日の午前10時にクーポンをお届けします（エディターで送信手段をLINEやDMハガキに変更できます）。',
    },
    needs: { coupon: { name: 'お誕生日クーポン 500円引き', kind: 'amount', value: 500, validDays: 30, codePrefix: 'BDAY' } },
    definition: (r) => ({
      trigger: { type: 'date', field: 'birthday', offsetDays: 0, at: '10:00' },
      entry: { mode: 'oncePerPeriod', periodDays: 300 },
      start: 'coupon',
      goal: { event: 'Order Completed', withinDays: 30 },
      holdoutPercent: 10,
      steps: [
        { id: 'coupon', type: 'coupon', couponCampaignId: r.couponCampaignId!, next: 'card', position: at(0, 120) },
        { id: 'card', type: 'send', class: 'marketing', template: email('お誕生日おめでとうございます', [ifCoupon('お誕生日おめでとうございます。ささやかですが、クーポンをお贈りします。', 'お誕生日おめでとうございます。素敵な一年になりますように。')], { label: ifCoupon('クーポンを使う', 'ショップを見る'), path: '/' }), next: null, position: at(0, 240) },
      ],
    }),
  },
  {
    key: 'second-purchase-coupon',
    name: { en: 'Second-purchase coupon for non-repeaters', ja: '2回目購入クーポン（F2転換）' },
    description: {
      en: 'When a customer joins the built-in “non-repeaters” segment (one order, over 30 days ago): a coupon, and a reminder a week later if unused.',
      ja: '「1回購入のみ」セグメントに入った方にクーポンを配信し、1週間後に未購入ならリマインドします。',
    },
    needs: { coupon: { name: '2回目購入クーポン 10%', kind: 'percent', value: 10, validDays: 21, codePrefix: 'F2' }, segmentKey: 'non-repeaters' },
    definition: (r) => ({
      trigger: { type: 'segment', segmentId: r.segmentId!, on: 'enter' },
      entry: { mode: 'once' },
      start: 'coupon',
      goal: { event: 'Order Completed', withinDays: 21 },
      holdoutPercent: 10,
      steps: [
        { id: 'coupon', type: 'coupon', couponCampaignId: r.couponCampaignId!, next: 'offer', position: at(0, 120) },
        { id: 'offer', type: 'send', class: 'marketing', template: email(ifCoupon('次回のお買い物に使えるクーポン', '次回のお買い物のご案内'), [ifCoupon('前回のお買い物はいかがでしたか。次回使えるクーポンをご用意しました。', '前回のお買い物はいかがでしたか。新しい商品も入荷しています。')], { label: 'お買い物する', path: '/' }), next: 'wait-order', position: at(0, 240) },
        { id: 'wait-order', type: 'waitForEvent', event: 'Order Completed', timeout: { days: 7, hours: 0, minutes: 0 }, next: null, timeoutNext: 'reminder', position: at(0, 360) },
        { id: 'reminder', type: 'send', class: 'marketing', template: email(ifCoupon('クーポンの有効期限が近づいています', 'お買い物のご案内'), [ifCoupon('お贈りしたクーポンはまだご利用いただけます。', '新しい商品も入荷しています。ぜひご覧ください。')], { label: ifCoupon('クーポンを使う', 'ショップを見る'), path: '/' }), next: null, position: at(200, 480) },
      ],
    }),
  },
  {
    key: 'dormant-reactivation',
    name: { en: 'Dormant reactivation', ja: '休眠顧客の掘り起こし' },
    description: {
      en: 'When the lifecycle stage turns dormant (P(alive) has fallen): a come-back offer; customers with a high expected value get points too.',
      ja: 'ライフサイクルが「休眠」に変わった方（P(alive)の低下）に再来店のご案内を。将来価値の高い方にはポイントも付与します。',
    },
    needs: {},
    definition: () => ({
      trigger: { type: 'stage', to: 'dormant' },
      entry: { mode: 'oncePerPeriod', periodDays: 90 },
      start: 'valuable',
      goal: { event: 'Order Completed', withinDays: 30 },
      holdoutPercent: 10,
      steps: [
        { id: 'valuable', type: 'branch', rule: { version: 1, match: { type: 'score', field: 'clv12mMinor', op: 'gte', value: 10_000 } }, yes: 'points', no: 'miss-you', position: at(0, 120) },
        { id: 'points', type: 'points', points: 500, reason: 'おかえりなさいポイント', next: 'miss-you', position: at(-200, 240) },
        { id: 'miss-you', type: 'send', class: 'marketing', template: email('お久しぶりです', ['しばらくお見かけしませんでしたが、お元気ですか。新商品が入荷しています。'], { label: '新商品を見る', path: '/new' }), next: null, position: at(0, 360) },
      ],
    }),
  },
  {
    key: 'high-value-save',
    name: { en: 'Save flow for high-CLV customers at risk', ja: '高LTV離反リスク顧客の引き止め' },
    description: {
      en: 'When a customer becomes at risk: those with a high 12-month CLV get a personal coupon and a follow-up; the others a lighter reminder.',
      ja: '離反リスクになった方のうち、12か月LTVが高い方には特別クーポンとフォローを、それ以外の方には軽めのご案内を送ります。',
    },
    needs: { coupon: { name: '特別ご優待 1,000円引き', kind: 'amount', value: 1_000, validDays: 14, codePrefix: 'SAVE' } },
    definition: (r) => ({
      trigger: { type: 'stage', to: 'at_risk' },
      entry: { mode: 'oncePerPeriod', periodDays: 90 },
      start: 'high-clv',
      goal: { event: 'Order Completed', withinDays: 30 },
      holdoutPercent: 10,
      steps: [
        { id: 'high-clv', type: 'branch', rule: { version: 1, match: { type: 'score', field: 'clv12mMinor', op: 'gte', value: 30_000 } }, yes: 'coupon', no: 'light', position: at(0, 120) },
        { id: 'coupon', type: 'coupon', couponCampaignId: r.couponCampaignId!, next: 'vip-offer', position: at(-200, 240) },
        { id: 'vip-offer', type: 'send', class: 'marketing', template: email(ifCoupon('いつもありがとうございます。特別なご優待です', 'いつもありがとうございます'), [ifCoupon('日頃のご愛顧に感謝して、特別クーポンをお贈りします。', '日頃のご愛顧に心より感謝申し上げます。')], { label: ifCoupon('ご優待を使う', 'ショップを見る'), path: '/' }), next: 'tag', position: at(-200, 360) },
        { id: 'tag', type: 'attribute', key: 'save_flow', value: 'offered', next: null, position: at(-200, 480) },
        { id: 'light', type: 'send', class: 'marketing', template: email('新着アイテムのご案内', ['今週の新着アイテムをご紹介します。'], { label: '新着を見る', path: '/new' }), next: null, position: at(200, 240) },
      ],
    }),
  },
  {
    key: 'feedback-request',
    name: { en: 'Feedback request after purchase', ja: '購入後のレビュー・アンケート依頼' },
    description: {
      en: 'Seven days after an order, at 19:00 local time: ask how the purchase went.',
      ja: 'ご注文の7日後の19時に、商品のご感想をお伺いします。',
    },
    needs: {},
    definition: () => ({
      trigger: { type: 'event', event: 'Order Completed' },
      entry: { mode: 'oncePerPeriod', periodDays: 30 },
      start: 'wait-7d',
      goal: { event: 'Product Reviewed', withinDays: 14 },
      holdoutPercent: 0,
      steps: [
        { id: 'wait-7d', type: 'wait', duration: { days: 7, hours: 0, minutes: 0 }, next: 'evening', position: at(0, 120) },
        { id: 'evening', type: 'waitUntil', at: '19:00', next: 'ask', position: at(0, 240) },
        { id: 'ask', type: 'send', class: 'marketing', template: email('ご購入商品の感想をお聞かせください', ['お届けした商品はいかがでしたか。1分で終わるアンケートにご協力ください。'], { label: '感想を書く', path: '/review' }), next: null, position: at(0, 360) },
      ],
    }),
  },
  {
    key: 'tier-upgrade',
    name: { en: 'Tier upgrade congratulation', ja: 'ランクアップのお祝い' },
    description: {
      en: 'When the loyalty tier goes up: a congratulation with the new benefits.',
      ja: '会員ランクが上がった方に、お祝いと新しい特典のご案内を送ります。',
    },
    needs: {},
    definition: () => ({
      trigger: { type: 'event', event: 'Tier Changed', properties: { direction: 'upgrade' } },
      entry: { mode: 'always' },
      start: 'congrats',
      goal: null,
      holdoutPercent: 0,
      steps: [
        { id: 'congrats', type: 'send', class: 'marketing', template: email('ランクアップおめでとうございます', ['会員ランクが上がりました。新しい特典をぜひご利用ください。'], { label: '特典を見る', path: '/member' }), next: null, position: at(0, 120) },
      ],
    }),
  },
  {
    key: 'points-expiring',
    name: { en: 'Points expiring reminder', ja: 'ポイント失効のお知らせ' },
    description: {
      en: 'Seven days before points expire, at 10:00 local time: a reminder to use them.',
      ja: 'ポイント失効の7日前の午前10時に、ご利用をお知らせします。',
    },
    needs: {},
    definition: () => ({
      trigger: { type: 'date', field: 'pointsExpiry', offsetDays: -7, at: '10:00' },
      entry: { mode: 'oncePerPeriod', periodDays: 7 },
      start: 'remind',
      goal: { event: 'Order Completed', withinDays: 7 },
      holdoutPercent: 10,
      steps: [
        { id: 'remind', type: 'send', class: 'transactional', template: email('ポイントの有効期限が近づいています', ['お持ちのポイントの一部が7日後に失効します。お早めにご利用ください。'], { label: 'ポイントを使う', path: '/member' }), next: null, position: at(0, 120) },
      ],
    }),
  },
  {
    key: 'b2b-renewal',
    name: { en: 'B2B renewal reminder with account health', ja: 'B2B契約更新リマインド（アカウントヘルス連動）' },
    description: {
      en: '30 days before a subscription renews: accounts in red or amber health get a call-booking offer from customer success, healthy ones a plain reminder.',
      ja: '契約更新の30日前に、ヘルスが赤・黄のアカウントにはカスタマーサクセスとの面談のご案内を、健全なアカウントには通常の更新案内を送ります。',
    },
    needs: {},
    definition: () => ({
      trigger: { type: 'date', field: 'renewal', offsetDays: -30, at: '10:00' },
      entry: { mode: 'oncePerPeriod', periodDays: 60 },
      start: 'health',
      goal: null,
      holdoutPercent: 0,
      steps: [
        { id: 'health', type: 'branch', rule: { version: 1, match: { type: 'accountHealth', status: ['red', 'amber'] } }, yes: 'book-call', no: 'reminder', position: at(0, 120) },
        { id: 'book-call', type: 'send', class: 'transactional', template: email('契約更新前のご面談のご案内', ['ご契約の更新まで30日となりました。ご利用状況を一緒に振り返るお時間をいただけますか。'], { label: '面談を予約する', path: '/book' }), next: 'flag', position: at(-200, 240) },
        { id: 'flag', type: 'attribute', key: 'renewal_risk_outreach', value: true, next: null, position: at(-200, 360) },
        { id: 'reminder', type: 'send', class: 'transactional', template: email('契約更新のご案内', ['ご契約は30日後に自動更新されます。'], { label: 'ご契約内容を見る', path: '/account' }), next: null, position: at(200, 240) },
      ],
    }),
  },
];
