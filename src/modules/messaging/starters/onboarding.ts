import { button, emailDocument, heading, RECOMMENDATIONS_BLOCK, SHOP_URL, text } from './blocks.ts';
import type { Starter } from './types.ts';

/** The second message of the welcome series: how the shop works, a few days after sign-up. */
export const onboarding: Starter = {
  key: 'onboarding',
  name: { ja: 'ご利用ガイド（ウェルカム2通目）', en: 'Getting started (welcome series, 2nd)' },
  description: { ja: 'ウェルカムシリーズの2通目。登録の3日後に、お買い物の流れと会員特典をご案内します。', en: 'Second message of the welcome series, three days after sign-up: how ordering and member benefits work.' },
  uses: ['recommendations'],
  templates: {
    ja: {
      email: {
        channel: 'email',
        subject: '{{ sender.name }}のご利用ガイド',
        mjml: emailDocument(
          'ja',
          heading('はじめてのお買い物ガイド'),
          text('先日はご登録いただき、ありがとうございました。<br/>{{ sender.name }}をより便利にご利用いただくためのポイントをご紹介いたします。'),
          text('1. お買い物ごとにポイントが貯まり、次回以降のお支払いにご利用いただけます。<br/>2. マイページから注文履歴や配送状況をいつでもご確認いただけます。<br/>3. お気に入り登録をしていただくと、再入荷のお知らせをお送りいたします。'),
          RECOMMENDATIONS_BLOCK.ja,
          button(SHOP_URL, 'ショップを見る'),
        ),
      },
    },
    en: {
      email: {
        channel: 'email',
        subject: 'Getting started with {{ sender.name }}',
        mjml: emailDocument(
          'en',
          heading('Your guide to shopping with us'),
          text('Thanks again for joining. Here are a few things that make {{ sender.name }} easier to use.'),
          text('1. Every order earns points you can spend on the next one.<br/>2. Your account page shows your orders and their delivery status.<br/>3. Add items to your favourites and we will tell you when they are back in stock.'),
          RECOMMENDATIONS_BLOCK.en,
          button(SHOP_URL, 'Visit the shop'),
        ),
      },
    },
  },
};
