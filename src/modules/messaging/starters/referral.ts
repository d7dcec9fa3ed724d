import { button, emailDocument, heading, SHOP_URL, SHORT_GREETING, text } from './blocks.ts';
import type { Starter } from './types.ts';

const REFERRAL_URL = `${SHOP_URL}mypage/referral`;

/** Invites a happy customer to refer friends, with their own link (`loyalty.referral_link`) when the programme has one. */
export const referral: Starter = {
  key: 'referral',
  name: { ja: 'お友だち紹介のご案内', en: 'Referral invitation' },
  description: { ja: 'リピーターのお客様へ、お友だち紹介プログラムをご案内します。', en: 'Invites repeat customers to the refer-a-friend programme.' },
  uses: ['loyalty'],
  templates: {
    ja: {
      email: {
        channel: 'email',
        subject: 'お友だち紹介で、おふたりにポイントをプレゼント｜{{ sender.name }}',
        mjml: emailDocument(
          'ja',
          heading('お友だち紹介プログラムのご案内'),
          text('いつも{{ sender.name }}をご利用いただき、誠にありがとうございます。<br/>日頃の感謝を込めて、お友だち紹介プログラムのご案内をお送りいたします。'),
          text('マイページの紹介用リンクからお友だちが初めてお買い物をされると、お客様とお友だちの双方にポイントをプレゼントいたします。大切な方へのご紹介に、ぜひお役立てください。'),
          `{% if loyalty.referral_link %}${button('{{ loyalty.referral_link }}', 'お友だちに紹介する')}${text('紹介コード: <strong>{{ loyalty.referral_code }}</strong>', 'align="center"')}{% else %}${button(REFERRAL_URL, '紹介用リンクを確認する')}{% endif %}`,
        ),
      },
      line: {
        channel: 'line',
        text: `${SHORT_GREETING.ja}、いつもありがとうございます。{{ sender.name }}です。\nお友だちをご紹介いただくと、おふたりにポイントをプレゼントいたします。\n{% if loyalty.referral_link %}こちらのリンクからご紹介ください。\n{{ loyalty.referral_link }}{% else %}紹介用リンクはマイページからご確認いただけます。\n${REFERRAL_URL}{% endif %}`,
      },
    },
    en: {
      email: {
        channel: 'email',
        subject: 'Invite a friend and you both earn points at {{ sender.name }}',
        mjml: emailDocument(
          'en',
          heading('Invite your friends'),
          text('Thank you for shopping with {{ sender.name }}. As a thank-you, we would like to tell you about our referral programme.'),
          text('When a friend places their first order through the referral link on your account page, you both receive points.'),
          `{% if loyalty.referral_link %}${button('{{ loyalty.referral_link }}', 'Invite a friend')}${text('Your referral code: <strong>{{ loyalty.referral_code }}</strong>', 'align="center"')}{% else %}${button(REFERRAL_URL, 'Get my referral link')}{% endif %}`,
        ),
      },
      line: {
        channel: 'line',
        text: `${SHORT_GREETING.en}, thank you for shopping with {{ sender.name }}.\nInvite a friend and you both earn points on their first order.\n{% if loyalty.referral_link %}Here is your link to share.\n{{ loyalty.referral_link }}{% else %}Your referral link is on your account page.\n${REFERRAL_URL}{% endif %}`,
      },
    },
  },
};
