import type { StarterLang } from './types.ts';

/**
 * Pieces the starters share. Each optional value sits inside its own `if` (docs/messaging.md,
 * Merge tags), so no label is printed without its value; the legal footer is added by render.ts.
 */
export const SHOP_URL = 'https://shop.example.jp/';

export const GREETING: Record<StarterLang, string> = {
  ja: '{% if customer.name != blank %}{{ customer.name }} 様{% else %}お客様{% endif %}',
  en: '{% if customer.given_name != blank %}Dear {{ customer.given_name }},{% elsif customer.name != blank %}Dear {{ customer.name }},{% else %}Dear customer,{% endif %}',
};

/** A short greeting for LINE, SMS and push, where a line break costs space. */
export const SHORT_GREETING: Record<StarterLang, string> = {
  ja: '{% if customer.family_name != blank %}{{ customer.family_name }}様{% else %}お客様{% endif %}',
  en: '{% if customer.given_name != blank %}{{ customer.given_name }}{% else %}Hello{% endif %}',
};

export const text = (s: string, attrs = '') => `<mj-text${attrs ? ` ${attrs}` : ''}>${s}</mj-text>`;
export const heading = (s: string) => text(s, 'font-size="20px" font-weight="bold" color="#222222"');
export const button = (href: string, label: string) => `<mj-button href="${href}" background-color="#c0392b" border-radius="6px">${label}</mj-button>`;

export const COUPON_BLOCK: Record<StarterLang, (lead: string) => string> = {
  ja: (lead) => `{% if coupon %}${text(`${lead}<br/>クーポンコード: <strong>{{ coupon.code }}</strong>`, 'font-size="16px" align="center" padding="16px" container-background-color="#fdf2e9"')}{% endif %}`,
  en: (lead) => `{% if coupon %}${text(`${lead}<br/>Coupon code: <strong>{{ coupon.code }}</strong>`, 'font-size="16px" align="center" padding="16px" container-background-color="#fdf2e9"')}{% endif %}`,
};

/** The three recommended products with a name, a price only when known (the heading the shipped-template test looks for). */
export const RECOMMENDATIONS_BLOCK: Record<StarterLang, string> = {
  ja: `{% assign named = recommendations | where: "name" %}{% if named.size != 0 %}${text('あなたへのおすすめ', 'font-weight="bold"')}
{% for r in named %}${text('・{{ r.name }}{% if r.price %}（{{ r.price }}円）{% endif %}')}{% endfor %}{% endif %}`,
  en: `{% assign named = recommendations | where: "name" %}{% if named.size != 0 %}${text('Picked for you', 'font-weight="bold"')}
{% for r in named %}${text('• {{ r.name }}{% if r.price %} (¥{{ r.price }}){% endif %}')}{% endfor %}{% endif %}`,
};

/** An MJML document of one column; render.ts appends the 特定電子メール法 footer before </mj-body>. */
export const emailDocument = (lang: StarterLang, ...parts: string[]) => `<mjml>
  <mj-head>
    <mj-attributes>
      <mj-all font-family="${lang === 'ja' ? "'Hiragino Sans', 'Noto Sans JP', Meiryo, sans-serif" : 'Helvetica, Arial, sans-serif'}" />
      <mj-text font-size="15px" line-height="1.8" color="#333333" />
    </mj-attributes>
  </mj-head>
  <mj-body background-color="#f6f6f6">
    <mj-section background-color="#ffffff">
      <mj-column>
        ${text(GREETING[lang], 'font-size="16px"')}
        ${parts.join('\n        ')}
      </mj-column>
    </mj-section>
  </mj-body>
</mjml>`;
