import { button, emailDocument, heading, SHOP_URL, SHORT_GREETING, text } from './blocks.ts';
import type { Starter } from './types.ts';

/** Asks for a product review once the customer has had time to use what they bought. */
export const reviewRequest: Starter = {
  key: 'review_request',
  name: { ja: 'レビューのお願い', en: 'Review request' },
  description: { ja: 'ご購入の2週間後、商品をお試しいただいた頃に送ります。', en: 'Two weeks after an order, once the customer has tried it.' },
  uses: [],
  templates: {
    ja: {
      email: {
        channel: 'email',
        subject: 'ご購入いただいた商品のご感想をお聞かせください',
        mjml: emailDocument(
          'ja',
          heading('商品のご感想をお聞かせください'),
          text('先日は{{ sender.name }}でお買い物いただき、誠にありがとうございました。<br/>お届けした商品はいかがでしたでしょうか。'),
          text('よろしければ、商品ページにレビューをお寄せいただけますと幸いです。いただいたご意見は、今後の商品づくりとサービスの改善に活用させていただきます。'),
          button(SHOP_URL, 'レビューを書く'),
          text('お忙しいところ恐れ入りますが、ご協力のほどよろしくお願い申し上げます。'),
        ),
      },
      sms: {
        channel: 'sms',
        text: `【{{ sender.name }}】${SHORT_GREETING.ja}、先日はご購入ありがとうございました。商品のご感想をお聞かせください ${SHOP_URL}{% if unsubscribe_url %} 配信停止 {{ unsubscribe_url }}{% endif %}`,
      },
    },
    en: {
      email: {
        channel: 'email',
        subject: 'How are you finding your order?',
        mjml: emailDocument(
          'en',
          heading('Tell us what you think'),
          text('Thank you for shopping with {{ sender.name }}. We hope you are enjoying your purchase.'),
          text('Would you take a minute to review it? Your feedback helps other customers and helps us improve.'),
          button(SHOP_URL, 'Write a review'),
          text('Thank you for your time.'),
        ),
      },
      sms: {
        channel: 'sms',
        text: `{{ sender.name }}: ${SHORT_GREETING.en}, thanks for your order. How was it? Review it at ${SHOP_URL}{% if unsubscribe_url %} Stop: {{ unsubscribe_url }}{% endif %}`,
      },
    },
  },
};
