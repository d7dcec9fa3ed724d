import { button, COUPON_BLOCK, emailDocument, heading, RECOMMENDATIONS_BLOCK, SHOP_URL, SHORT_GREETING, text } from './blocks.ts';
import type { Starter } from './types.ts';

/** 休眠顧客: customers who have not bought for a long while (the dormant segment). */
export const reactivation: Starter = {
  key: 'reactivation',
  name: { ja: '休眠顧客の掘り起こし', en: 'Win back dormant customers' },
  description: { ja: 'しばらくご購入のないお客様（休眠顧客）へ、近況のご案内と特典をお送りします。', en: 'For customers who have not ordered in a long while, with news and an incentive.' },
  uses: ['coupon', 'recommendations'],
  templates: {
    ja: {
      email: {
        channel: 'email',
        subject: 'お久しぶりです。{{ sender.name }}からのお知らせ',
        mjml: emailDocument(
          'ja',
          heading('ご無沙汰しております'),
          text('以前は{{ sender.name }}をご利用いただき、誠にありがとうございました。<br/>その後お変わりなくお過ごしでしょうか。'),
          text('最近は新しい商品も多数取り揃えております。お時間のある際に、ぜひ一度ご覧いただけますと幸いです。'),
          COUPON_BLOCK.ja('久しぶりのお買い物にご利用いただけるクーポンをご用意いたしました。'),
          RECOMMENDATIONS_BLOCK.ja,
          button(SHOP_URL, '新着商品を見る'),
          text('またお会いできる日を心よりお待ちしております。'),
        ),
      },
      line: {
        channel: 'line',
        text: `${SHORT_GREETING.ja}、ご無沙汰しております。{{ sender.name }}です。\nその後お変わりなくお過ごしでしょうか。\n新商品も多数入荷しておりますので、ぜひ一度ご覧ください。{% if coupon %}\n久しぶりのお買い物に使えるクーポン {{ coupon.code }} もご用意しております。{% endif %}\n${SHOP_URL}`,
      },
      sms: {
        channel: 'sms',
        text: `【{{ sender.name }}】${SHORT_GREETING.ja}、ご無沙汰しております。新商品が入荷しました。{% if coupon %}クーポン {{ coupon.code }} もご利用ください。{% endif %}${SHOP_URL}{% if unsubscribe_url %} 配信停止 {{ unsubscribe_url }}{% endif %}`,
      },
    },
    en: {
      email: {
        channel: 'email',
        subject: 'It has been a while: news from {{ sender.name }}',
        mjml: emailDocument(
          'en',
          heading('We have missed you'),
          text('It has been a while since your last visit to {{ sender.name }}. We hope all is well.'),
          text('A lot has arrived since then. When you have a moment, come and take a look.'),
          COUPON_BLOCK.en('Here is a coupon to welcome you back.'),
          RECOMMENDATIONS_BLOCK.en,
          button(SHOP_URL, 'See what is new'),
          text('We hope to see you again soon.'),
        ),
      },
      line: {
        channel: 'line',
        text: `${SHORT_GREETING.en}, it has been a while! This is {{ sender.name }}.\nA lot of new items have arrived since your last visit.{% if coupon %}\nWelcome back with coupon code {{ coupon.code }}.{% endif %}\n${SHOP_URL}`,
      },
      sms: {
        channel: 'sms',
        text: `{{ sender.name }}: ${SHORT_GREETING.en}, it has been a while. New arrivals are in.{% if coupon %} Code {{ coupon.code }}.{% endif %} ${SHOP_URL}{% if unsubscribe_url %} Stop: {{ unsubscribe_url }}{% endif %}`,
      },
    },
  },
};
