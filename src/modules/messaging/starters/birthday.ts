import { button, COUPON_BLOCK, emailDocument, heading, SHOP_URL, SHORT_GREETING, text } from './blocks.ts';
import type { Starter } from './types.ts';

/** A LINE flex bubble: a coloured header, the wish, the coupon code when there is one, and a button. */
const bubble = (lang: 'ja' | 'en') => ({
  type: 'bubble',
  header: {
    type: 'box',
    layout: 'vertical',
    backgroundColor: '#c0392b',
    contents: [{ type: 'text', text: lang === 'ja' ? 'Happy Birthday' : 'Happy Birthday!', color: '#ffffff', weight: 'bold', size: 'xl' }],
  },
  body: {
    type: 'box',
    layout: 'vertical',
    spacing: 'md',
    contents: [
      { type: 'text', text: lang === 'ja' ? `${SHORT_GREETING.ja}、お誕生日おめでとうございます。` : `${SHORT_GREETING.en}, happy birthday from {{ sender.name }}!`, wrap: true, weight: 'bold' },
      {
        type: 'text',
        wrap: true,
        text:
          lang === 'ja'
            ? '{% if coupon %}ささやかですが、お誕生日クーポンをお贈りいたします。コード {{ coupon.code }}{% else %}素敵な一年になりますよう、心よりお祈り申し上げます。{% endif %}'
            : '{% if coupon %}A small gift from us: your birthday coupon code {{ coupon.code }}{% else %}We wish you a wonderful year ahead.{% endif %}',
      },
    ],
  },
  footer: {
    type: 'box',
    layout: 'vertical',
    contents: [{ type: 'button', style: 'primary', color: '#c0392b', action: { type: 'uri', label: lang === 'ja' ? 'ショップを見る' : 'Visit the shop', uri: SHOP_URL } }],
  },
});

/** Sent in the customer's birthday month. */
export const birthday: Starter = {
  key: 'birthday',
  name: { ja: 'お誕生日のお祝い', en: 'Birthday greeting' },
  description: { ja: 'お誕生月の初めに、お祝いと特典をお届けします。', en: 'At the start of the birthday month, with a gift.' },
  uses: ['coupon'],
  templates: {
    ja: {
      email: {
        channel: 'email',
        subject: '{% if customer.name != blank %}{{ customer.name }} 様、{% endif %}お誕生日おめでとうございます',
        mjml: emailDocument(
          'ja',
          heading('お誕生日おめでとうございます'),
          text('いつも{{ sender.name }}をご愛顧いただき、誠にありがとうございます。<br/>心ばかりではございますが、お誕生日のお祝いを申し上げます。'),
          COUPON_BLOCK.ja('日頃の感謝を込めて、お誕生月にご利用いただけるクーポンをお贈りいたします。'),
          button(SHOP_URL, 'ショップを見る'),
          text('素敵な一年になりますよう、スタッフ一同心よりお祈り申し上げます。'),
        ),
      },
      line: { channel: 'line', altText: 'お誕生日おめでとうございます｜{{ sender.name }}', flex: bubble('ja') },
      sms: {
        channel: 'sms',
        text: `【{{ sender.name }}】${SHORT_GREETING.ja}、お誕生日おめでとうございます。{% if coupon %}お祝いのクーポン {{ coupon.code }} をお贈りします。{% endif %}{% if unsubscribe_url %} 配信停止 {{ unsubscribe_url }}{% endif %}`,
      },
      push: { channel: 'push', title: 'お誕生日おめでとうございます', body: `${SHORT_GREETING.ja}へ、{{ sender.name }}からお祝いをお届けします。`, data: { url: SHOP_URL } },
    },
    en: {
      email: {
        channel: 'email',
        subject: 'Happy birthday from {{ sender.name }}',
        mjml: emailDocument(
          'en',
          heading('Happy birthday!'),
          text('Thank you for being a customer of {{ sender.name }}. Everyone here wishes you a very happy birthday.'),
          COUPON_BLOCK.en('To celebrate, here is a coupon for your birthday month.'),
          button(SHOP_URL, 'Visit the shop'),
          text('We hope the year ahead is a wonderful one.'),
        ),
      },
      line: { channel: 'line', altText: 'Happy birthday from {{ sender.name }}', flex: bubble('en') },
      sms: {
        channel: 'sms',
        text: `{{ sender.name }}: ${SHORT_GREETING.en}, happy birthday!{% if coupon %} Your gift code: {{ coupon.code }}{% endif %}{% if unsubscribe_url %} Stop: {{ unsubscribe_url }}{% endif %}`,
      },
      push: { channel: 'push', title: 'Happy birthday!', body: `${SHORT_GREETING.en}, {{ sender.name }} has a birthday gift for you.`, data: { url: SHOP_URL } },
    },
  },
};
