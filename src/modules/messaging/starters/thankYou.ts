import { button, emailDocument, heading, RECOMMENDATIONS_BLOCK, SHOP_URL, SHORT_GREETING, text } from './blocks.ts';
import type { Starter } from './types.ts';

/** After a purchase: thanks, and how to get the most out of what was bought. */
export const thankYou: Starter = {
  key: 'thank_you',
  name: { ja: 'ご購入のお礼と使い方のヒント', en: 'Thank you for your order, with usage tips' },
  description: { ja: 'ご購入の数日後、商品が届いた頃に送ります。', en: 'A few days after an order, when it has arrived.' },
  uses: ['recommendations'],
  templates: {
    ja: {
      email: {
        channel: 'email',
        subject: 'ご購入ありがとうございました｜{{ sender.name }}',
        mjml: emailDocument(
          'ja',
          heading('ご購入ありがとうございました'),
          text('このたびは{{ sender.name }}をご利用いただき、誠にありがとうございます。<br/>お届けした商品を長くご愛用いただけるよう、お手入れのヒントをお送りいたします。'),
          text('・ご使用前に取扱説明書やラベルをご確認ください。<br/>・直射日光と高温多湿を避けて保管していただくと、品質を長く保てます。<br/>・食品は開封後お早めにお召し上がりください。'),
          text('商品についてご不明な点がございましたら、どうぞお気軽にお問い合わせください。'),
          RECOMMENDATIONS_BLOCK.ja,
          button(SHOP_URL, 'ショップを見る'),
        ),
      },
      line: {
        channel: 'line',
        text: `${SHORT_GREETING.ja}、このたびはご購入いただきありがとうございました。\n商品は直射日光と高温多湿を避けて保管していただくと、品質を長く保てます。\nご不明な点はこちらのトークでお気軽にお尋ねください。`,
      },
    },
    en: {
      email: {
        channel: 'email',
        subject: 'Thank you for your order from {{ sender.name }}',
        mjml: emailDocument(
          'en',
          heading('Thank you for your order'),
          text('We hope your order arrived safely. A few tips to help you enjoy it for longer.'),
          text('• Read the label or instructions before first use.<br/>• Store away from direct sunlight, heat and humidity.<br/>• Once opened, food is best enjoyed soon.'),
          text('If anything is unclear, please get in touch.'),
          RECOMMENDATIONS_BLOCK.en,
          button(SHOP_URL, 'Visit the shop'),
        ),
      },
      line: {
        channel: 'line',
        text: `${SHORT_GREETING.en}, thank you for your order.\nStored away from sunlight and humidity, it will keep its quality longer.\nAsk us anything right here in this chat.`,
      },
    },
  },
};
