import { button, emailDocument, heading, SHOP_URL, SHORT_GREETING, text } from './blocks.ts';
import type { Starter } from './types.ts';

const BENEFITS_URL = `${SHOP_URL}mypage/rank`;

/** When a customer reaches a higher loyalty tier, named with `loyalty.tier`; the account page lists its benefits. */
export const tierUpgrade: Starter = {
  key: 'tier_upgrade',
  name: { ja: '会員ランクアップのお知らせ', en: 'Tier upgrade' },
  description: { ja: '会員ランクが上がったお客様へ、お礼と新しい特典をお知らせします。', en: 'For customers who reached a higher tier: thanks, and their new benefits.' },
  uses: ['loyalty'],
  templates: {
    ja: {
      email: {
        channel: 'email',
        subject: '会員ランクアップのお知らせ｜{{ sender.name }}',
        mjml: emailDocument(
          'ja',
          heading('会員ランクがアップしました'),
          text('日頃より{{ sender.name }}をご愛顧いただき、誠にありがとうございます。<br/>このたび、お客様の会員ランクがアップいたしましたので、お知らせいたします。'),
          `{% if loyalty.tier %}${text('新しい会員ランク: <strong>{{ loyalty.tier }}</strong>', 'font-size="16px" align="center" padding="16px" container-background-color="#fdf2e9"')}{% endif %}`,
          text('新しいランクでは、ポイント還元率の優遇や先行販売へのご招待など、より充実した特典をご利用いただけます。現在のランクと特典の詳細はマイページにてご確認ください。'),
          button(BENEFITS_URL, '特典を確認する'),
          text('今後とも変わらぬご愛顧を賜りますよう、よろしくお願い申し上げます。'),
        ),
      },
      push: { channel: 'push', title: '会員ランクがアップしました', body: `${SHORT_GREETING.ja}、いつもありがとうございます。新しい特典をマイページでご確認ください。`, data: { url: BENEFITS_URL } },
    },
    en: {
      email: {
        channel: 'email',
        subject: 'You have moved up a tier at {{ sender.name }}',
        mjml: emailDocument(
          'en',
          heading('You have moved up a tier'),
          text('Thank you for your loyalty to {{ sender.name }}. Your membership has moved up to a higher tier.'),
          `{% if loyalty.tier %}${text('Your new tier: <strong>{{ loyalty.tier }}</strong>', 'font-size="16px" align="center" padding="16px" container-background-color="#fdf2e9"')}{% endif %}`,
          text('Your new tier comes with better benefits, such as a higher points rate and early access to sales. Your account page shows your tier and everything it includes.'),
          button(BENEFITS_URL, 'See my benefits'),
        ),
      },
      push: { channel: 'push', title: 'You moved up a tier', body: `${SHORT_GREETING.en}, thank you for your loyalty. See your new benefits.`, data: { url: BENEFITS_URL } },
    },
  },
};
