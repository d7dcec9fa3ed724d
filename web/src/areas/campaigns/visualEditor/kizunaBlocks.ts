/**
 * The visual editor's blocks: each is one MJML section whose Liquid uses the real merge tags
 * (docs/messaging.md "Merge tags"). Liquid sits inside the block's text content and attribute
 * values, never around the section, so a block moved or deleted in the editor takes its
 * condition with it. Text content may hold quotes (GrapesJS escapes only & < > in text), attribute
 * values only outputs (it writes " as &quot;), and no condition uses < or >. The server renders
 * every block in src/modules/messaging/visualBlocks.test.ts.
 */

export type BlockLocale = 'ja' | 'en';

export const BLOCK_IDS = ['text', 'image', 'button', 'recommendations', 'coupon', 'points', 'survey', 'social', 'footer'] as const;
export type BlockId = (typeof BLOCK_IDS)[number];

/** Blocks that are Kizuna's own (merge tags), shown in their own category. */
export const KIZUNA_BLOCKS: readonly BlockId[] = ['recommendations', 'coupon', 'points', 'survey', 'footer'];

/** A grey placeholder until an image is chosen; an uploaded image replaces it (served from /media/images). */
export const IMAGE_PLACEHOLDER =
  'data:image/svg+xml;base64,' +
  'PHN2ZyB4bWxucz0iaHR0cDovL3d3dy53My5vcmcvMjAwMC9zdmciIHdpZHRoPSI2MDAiIGhlaWdodD0iMjQwIj48cmVjdCB3aWR0aD0iNjAwIiBoZWlnaHQ9IjI0MCIgZmlsbD0iI2UzZTZlYSIvPjwvc3ZnPg==';

const WORDS = {
  ja: {
    text: 'ここに本文を書きます。',
    button: 'ショップを見る',
    recommended: 'あなたへのおすすめ',
    yen: '円',
    couponLabel: 'クーポンコード',
    couponNote: 'お会計時にご入力ください。',
    points: '現在のポイント残高',
    survey: 'アンケートにご協力ください（1分ほどで終わります）',
    surveyLink: 'アンケートに答える',
    sentTo: 'このメールは {{ customer.email }} 宛にお送りしています。',
  },
  en: {
    text: 'Write your message here.',
    button: 'Visit the shop',
    recommended: 'Picked for you',
    yen: 'yen',
    couponLabel: 'Your coupon code',
    couponNote: 'Enter it at checkout.',
    points: 'Your points balance',
    survey: 'Tell us what you think (it takes about a minute)',
    surveyLink: 'Answer the survey',
    sentTo: 'This email was sent to {{ customer.email }}.',
  },
} satisfies Record<BlockLocale, Record<string, string>>;

const section = (inner: string, attrs = '') => `<mj-section${attrs}><mj-column>${inner}</mj-column></mj-section>`;

/** The MJML (with Liquid) a block adds, its texts in `locale`. `surveySlug` names the survey a survey-link block points to. */
export function blockMjml(id: BlockId, locale: BlockLocale, options: { surveySlug?: string; shopUrl?: string } = {}): string {
  const w = WORDS[locale];
  const shop = options.shopUrl ?? 'https://shop.example.jp/';
  const slug = (options.surveySlug ?? 'nps').replace(/[^a-z0-9_]/gi, '_');
  switch (id) {
    case 'text':
      return section(`<mj-text font-size="15px" line-height="1.7">${w.text}</mj-text>`);
    case 'image':
      return section(`<mj-image src="${IMAGE_PLACEHOLDER}" alt="" href="${shop}" />`);
    case 'button':
      return section(`<mj-button href="${shop}" background-color="#1f5f8b">${w.button}</mj-button>`);
    case 'recommendations':
      // Only named products; the price only when known (docs/messaging.md: optional values need their own if).
      return section(
        `<mj-text font-size="15px" line-height="1.8">{% assign named = recommendations | where: "name" %}{% if named.size != 0 %}<strong>${w.recommended}</strong><br>` +
          `{% for r in named %}・{{ r.name }}{% if r.price %}（{{ r.price }}${w.yen}）{% endif %}<br>{% endfor %}{% endif %}</mj-text>`,
      );
    case 'coupon':
      return section(
        `<mj-text align="center" font-size="15px" line-height="1.8">{% if coupon %}${w.couponLabel}<br><strong>{{ coupon.code }}</strong><br>${w.couponNote}{% endif %}</mj-text>`,
      );
    case 'points':
      // Liquid treats 0 as true, so compare; != rather than > because the editor escapes < and > in text.
      return section(`<mj-text align="center" font-size="16px">{% if loyalty.points and loyalty.points != 0 %}${w.points}: <strong>{{ loyalty.points }} pt</strong>{% endif %}</mj-text>`);
    case 'survey':
      return section(
        `<mj-text align="center" font-size="15px" line-height="1.8">{% if survey_links.${slug} %}${w.survey}<br><a href="{{ survey_links.${slug} }}">${w.surveyLink}</a>{% endif %}</mj-text>`,
      );
    case 'social':
      return section(
        `<mj-social font-size="13px" icon-size="24px" mode="horizontal"><mj-social-element name="instagram" href="https://www.instagram.com/">Instagram</mj-social-element>` +
          `<mj-social-element name="facebook" href="https://www.facebook.com/">Facebook</mj-social-element></mj-social>`,
      );
    case 'footer':
      // The legal footer (sender, address, unsubscribe) is added by the server to every marketing email; this is the shop's own small print.
      return section(`<mj-text align="center" font-size="11px" color="#888888" line-height="1.6">{% if customer.email != blank %}${w.sentTo}<br>{% endif %}© {{ sender.name }}</mj-text>`);
  }
}

/** A complete document of these blocks, as the editor saves one. */
export const documentOf = (blocks: string[]) => `<mjml><mj-body>${blocks.join('')}</mj-body></mjml>`;
