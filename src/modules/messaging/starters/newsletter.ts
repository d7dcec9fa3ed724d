import { button, emailDocument, heading, RECOMMENDATIONS_BLOCK, SHOP_URL, text } from './blocks.ts';
import type { Starter } from './types.ts';

type Lang = 'ja' | 'en';
const ARTICLES: Record<Lang, { title: string; body: string; label: string; path: string }[]> = {
  ja: [
    { title: '今月の特集', body: '季節の贈り物にぴったりの商品を集めました。', label: '特集を見る', path: 'feature' },
    { title: '新商品のご紹介', body: '今月入荷した新商品をご紹介いたします。', label: '新商品を見る', path: 'new' },
    { title: 'スタッフのおすすめ', body: 'スタッフが実際に使って選んだ逸品です。', label: 'おすすめを見る', path: 'staff' },
  ],
  en: [
    { title: 'This month’s feature', body: 'Gifts for the season, gathered in one place.', label: 'See the feature', path: 'feature' },
    { title: 'New arrivals', body: 'What arrived in the shop this month.', label: 'See what is new', path: 'new' },
    { title: 'Staff picks', body: 'Favourites our staff use themselves.', label: 'See the picks', path: 'staff' },
  ],
};

/** A flex carousel: one bubble per article. */
const carousel = (lang: Lang) => ({
  type: 'carousel',
  contents: ARTICLES[lang].map((a) => ({
    type: 'bubble',
    size: 'kilo',
    body: {
      type: 'box',
      layout: 'vertical',
      spacing: 'sm',
      contents: [
        { type: 'text', text: a.title, weight: 'bold', size: 'md', wrap: true },
        { type: 'text', text: a.body, size: 'sm', color: '#666666', wrap: true },
      ],
    },
    footer: { type: 'box', layout: 'vertical', contents: [{ type: 'button', style: 'link', action: { type: 'uri', label: a.label, uri: `${SHOP_URL}${a.path}` } }] },
  })),
});

const articles = (lang: Lang) =>
  ARTICLES[lang].map((a) => `${text(a.title, 'font-size="17px" font-weight="bold" padding-top="20px"')}\n${text(a.body)}\n${button(`${SHOP_URL}${a.path}`, a.label)}`).join('\n');

/** メルマガ: the regular newsletter. */
export const newsletter: Starter = {
  key: 'newsletter',
  name: { ja: 'メルマガ（定期ニュースレター）', en: 'Newsletter' },
  description: { ja: '月に1〜2回お送りする定期のお知らせです。特集と新商品をご案内します。', en: 'The regular newsletter, once or twice a month: a feature and new arrivals.' },
  uses: ['recommendations'],
  templates: {
    ja: {
      email: {
        channel: 'email',
        subject: '{{ sender.name }}通信｜今月の特集と新商品のご案内',
        mjml: emailDocument(
          'ja',
          heading('{{ sender.name }}通信'),
          text('いつも{{ sender.name }}をご愛読いただき、誠にありがとうございます。<br/>今月のおすすめ情報をお届けいたします。'),
          articles('ja'),
          RECOMMENDATIONS_BLOCK.ja,
        ),
      },
      line: { channel: 'line', altText: '{{ sender.name }}通信｜今月の特集と新商品', flex: carousel('ja') },
    },
    en: {
      email: {
        channel: 'email',
        subject: '{{ sender.name }} news: this month’s feature and new arrivals',
        mjml: emailDocument('en', heading('{{ sender.name }} news'), text('Thank you for reading. Here is what is new this month.'), articles('en'), RECOMMENDATIONS_BLOCK.en),
      },
      line: { channel: 'line', altText: '{{ sender.name }} news: this month’s feature', flex: carousel('en') },
    },
  },
};
