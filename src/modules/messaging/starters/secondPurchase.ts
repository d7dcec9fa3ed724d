import { button, COUPON_BLOCK, emailDocument, heading, RECOMMENDATIONS_BLOCK, SHOP_URL, SHORT_GREETING, text } from './blocks.ts';
import type { Starter } from './types.ts';

const flex = (lang: 'ja' | 'en') => ({
  type: 'bubble',
  body: {
    type: 'box',
    layout: 'vertical',
    spacing: 'md',
    contents: [
      { type: 'text', text: lang === 'ja' ? '2回目のお買い物のご案内' : 'Come back for your second order', weight: 'bold', size: 'lg', wrap: true },
      { type: 'text', text: lang === 'ja' ? `${SHORT_GREETING.ja}、先日はご購入ありがとうございました。` : `${SHORT_GREETING.en}, thank you for your first order.`, wrap: true },
      {
        type: 'text',
        wrap: true,
        weight: 'bold',
        color: '#c0392b',
        text:
          lang === 'ja'
            ? '{% if coupon %}次回のお買い物に使えるクーポン {{ coupon.code }}{% else %}新商品も続々入荷しております。{% endif %}'
            : '{% if coupon %}Your coupon for the next order: {{ coupon.code }}{% else %}New arrivals are in the shop now.{% endif %}',
      },
    ],
  },
  footer: { type: 'box', layout: 'vertical', contents: [{ type: 'button', style: 'primary', action: { type: 'uri', label: lang === 'ja' ? 'ショップを見る' : 'Visit the shop', uri: SHOP_URL } }] },
});

/** For one-time buyers: a reason to come back for the second order, the one that predicts loyalty. */
export const secondPurchase: Starter = {
  key: 'second_purchase',
  name: { ja: '2回目購入のご案内（F2転換）', en: 'Second-purchase nudge for one-time buyers' },
  description: { ja: '初回購入から30日ほど経っても2回目のご購入がないお客様へ。クーポンキャンペーンを選ぶとコードが入ります。', en: 'For one-time buyers about 30 days after their first order. Attach a coupon campaign to include a code.' },
  uses: ['coupon', 'recommendations'],
  templates: {
    ja: {
      email: {
        channel: 'email',
        subject: '{% if coupon %}次回のお買い物に使えるクーポンをお届けします{% else %}先日はご購入ありがとうございました{% endif %}｜{{ sender.name }}',
        mjml: emailDocument(
          'ja',
          heading('先日はありがとうございました'),
          text('はじめてのお買い物に{{ sender.name }}をお選びいただき、誠にありがとうございました。<br/>お届けした商品はお役に立っておりますでしょうか。'),
          COUPON_BLOCK.ja('感謝の気持ちを込めて、次回のお買い物でご利用いただけるクーポンをご用意いたしました。'),
          RECOMMENDATIONS_BLOCK.ja,
          button(SHOP_URL, 'ショップを見る'),
          text('またのご利用を心よりお待ちしております。'),
        ),
      },
      line: { channel: 'line', altText: '2回目のお買い物のご案内｜{{ sender.name }}', flex: flex('ja') },
      push: { channel: 'push', title: '次のお買い物のご案内', body: '{% if coupon %}次回使えるクーポンをお届けしました。{% else %}新商品が入荷しました。{% endif %}ぜひご覧ください。', data: { url: SHOP_URL } },
    },
    en: {
      email: {
        channel: 'email',
        subject: '{% if coupon %}A coupon for your next order{% else %}Thank you for your first order{% endif %} from {{ sender.name }}',
        mjml: emailDocument(
          'en',
          heading('Thank you for your first order'),
          text('Thank you for choosing {{ sender.name }}. We hope your order is serving you well.'),
          COUPON_BLOCK.en('To say thanks, here is a coupon for your next order.'),
          RECOMMENDATIONS_BLOCK.en,
          button(SHOP_URL, 'Visit the shop'),
          text('We look forward to seeing you again.'),
        ),
      },
      line: { channel: 'line', altText: 'Your second order at {{ sender.name }}', flex: flex('en') },
      push: { channel: 'push', title: 'Ready for your next order?', body: '{% if coupon %}A coupon for your next order is waiting.{% else %}New arrivals are in.{% endif %} Take a look.', data: { url: SHOP_URL } },
    },
  },
};
