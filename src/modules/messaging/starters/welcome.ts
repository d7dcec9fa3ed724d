import { button, COUPON_BLOCK, emailDocument, heading, SHOP_URL, SHORT_GREETING, text } from './blocks.ts';
import type { Starter } from './types.ts';

/** The first message of the welcome series, sent on sign-up. */
export const welcome: Starter = {
  key: 'welcome',
  name: { ja: 'ウェルカム（会員登録のお礼）', en: 'Welcome (thanks for signing up)' },
  description: { ja: 'ウェルカムシリーズの1通目。会員登録の直後に送ります。', en: 'First message of the welcome series, sent right after sign-up.' },
  uses: ['coupon'],
  templates: {
    ja: {
      email: {
        channel: 'email',
        subject: '会員登録ありがとうございます｜{{ sender.name }}',
        mjml: emailDocument(
          'ja',
          heading('ようこそ、{{ sender.name }}へ'),
          text('このたびは会員登録をいただき、誠にありがとうございます。<br/>これから季節のおすすめ商品や会員様限定のご案内をお届けしてまいります。'),
          COUPON_BLOCK.ja('ご登録のお礼に、初回のお買い物でご利用いただけるクーポンをお贈りいたします。'),
          button(SHOP_URL, 'ショップを見る'),
          text('ご不明な点がございましたら、お気軽にお問い合わせください。<br/>今後とも{{ sender.name }}をよろしくお願い申し上げます。'),
        ),
      },
      line: {
        channel: 'line',
        text: `${SHORT_GREETING.ja}、友だち追加ありがとうございます。\n{{ sender.name }}です。\n新商品やお得な情報をLINEでお届けいたします。{% if coupon %}\nご登録のお礼のクーポンコード {{ coupon.code }} をぜひご利用ください。{% endif %}`,
      },
      push: { channel: 'push', title: '{{ sender.name }}へようこそ', body: 'ご登録ありがとうございます。会員様限定のご案内をお届けします。', data: { url: SHOP_URL } },
    },
    en: {
      email: {
        channel: 'email',
        subject: 'Welcome to {{ sender.name }}',
        mjml: emailDocument(
          'en',
          heading('Welcome to {{ sender.name }}'),
          text('Thank you for signing up. We will send you seasonal picks and offers reserved for members.'),
          COUPON_BLOCK.en('As a thank-you, here is a coupon for your first order.'),
          button(SHOP_URL, 'Visit the shop'),
          text('If you have any questions, just get in touch.<br/>Best regards,<br/>{{ sender.name }}'),
        ),
      },
      line: {
        channel: 'line',
        text: `${SHORT_GREETING.en}, thank you for adding {{ sender.name }} as a friend.\nWe will share new arrivals and offers here.{% if coupon %}\nYour welcome coupon code: {{ coupon.code }}{% endif %}`,
      },
      push: { channel: 'push', title: 'Welcome to {{ sender.name }}', body: 'Thanks for signing up. Member-only offers are on their way.', data: { url: SHOP_URL } },
    },
  },
};
