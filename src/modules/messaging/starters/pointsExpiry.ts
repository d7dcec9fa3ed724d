import { button, emailDocument, heading, SHOP_URL, SHORT_GREETING, text } from './blocks.ts';
import type { Starter } from './types.ts';

const ACCOUNT_URL = `${SHOP_URL}mypage/points`;

/**
 * Before points expire: how many lapse and when (`loyalty.*`, dated in the workspace's time zone),
 * for the customers a segment on expiring points selects; the account page shows the rest.
 */
export const pointsExpiry: Starter = {
  key: 'points_expiry',
  name: { ja: 'ポイント有効期限のお知らせ', en: 'Points expiry reminder' },
  description: { ja: '保有ポイントの有効期限が近いお客様へ、期限前にお知らせします。', en: 'For customers whose points expire soon, before they do.' },
  uses: ['loyalty'],
  templates: {
    ja: {
      email: {
        channel: 'email',
        subject: '【ご確認ください】ポイントの有効期限が近づいております',
        mjml: emailDocument(
          'ja',
          heading('ポイントの有効期限が近づいております'),
          text('いつも{{ sender.name }}をご利用いただき、誠にありがとうございます。<br/>お客様が保有されているポイントの一部が、まもなく有効期限を迎えます。'),
          `{% if loyalty.expiring_on %}${text('<strong>{{ loyalty.expiring_points }}ポイント</strong>が{{ loyalty.expiring_on | date: "%Y年%-m月%-d日" }}に失効します。<br/>現在の保有ポイント: {{ loyalty.points }}ポイント', 'font-size="16px" align="center" padding="16px" container-background-color="#fdf2e9"')}{% endif %}`,
          text('有効期限を過ぎたポイントは失効し、ご利用いただけなくなります。保有ポイント数と有効期限はマイページにてご確認いただけますので、期限内にぜひお買い物にお役立てください。'),
          button(ACCOUNT_URL, 'ポイントを確認する'),
        ),
      },
      sms: {
        channel: 'sms',
        text: `【{{ sender.name }}】${SHORT_GREETING.ja}、{% if loyalty.expiring_on %}{{ loyalty.expiring_points }}ptが{{ loyalty.expiring_on | date: "%-m/%-d" }}に失効します。{% else %}保有ポイントの有効期限が近づいております。{% endif %}失効前にご確認ください ${ACCOUNT_URL}{% if unsubscribe_url %} 配信停止 {{ unsubscribe_url }}{% endif %}`,
      },
      push: { channel: 'push', title: 'ポイントの有効期限が近づいています', body: '失効前にマイページで保有ポイントをご確認ください。', data: { url: ACCOUNT_URL } },
    },
    en: {
      email: {
        channel: 'email',
        subject: 'Your points expire soon',
        mjml: emailDocument(
          'en',
          heading('Your points expire soon'),
          text('Thank you for shopping with {{ sender.name }}. Some of your points are about to expire.'),
          `{% if loyalty.expiring_on %}${text('<strong>{{ loyalty.expiring_points }} points</strong> expire on {{ loyalty.expiring_on | date: "%B %-d, %Y" }}.<br/>Your balance: {{ loyalty.points }} points', 'font-size="16px" align="center" padding="16px" container-background-color="#fdf2e9"')}{% endif %}`,
          text('Expired points can no longer be used. Your account page shows your balance and when each part expires, so you can spend them in time.'),
          button(ACCOUNT_URL, 'Check my points'),
        ),
      },
      sms: {
        channel: 'sms',
        text: `{{ sender.name }}: ${SHORT_GREETING.en}, {% if loyalty.expiring_on %}{{ loyalty.expiring_points }} points expire on {{ loyalty.expiring_on | date: "%b %-d" }}.{% else %}some of your points expire soon.{% endif %} Check them at ${ACCOUNT_URL}{% if unsubscribe_url %} Stop: {{ unsubscribe_url }}{% endif %}`,
      },
      push: { channel: 'push', title: 'Your points expire soon', body: 'Check your balance before they expire.', data: { url: ACCOUNT_URL } },
    },
  },
};
