import type { Channel, Template } from './types.ts';

/** The greeting line: the customer's name, or お客様 when the profile has none (never a bare "様"). */
export const GREETING = '{% if customer.name != blank %}{{ customer.name }} 様{% else %}お客様{% endif %}';

const EMAIL_MJML = `<mjml>
  <mj-body>
    <mj-section>
      <mj-column>
        <mj-text font-size="16px">${GREETING}</mj-text>
        <mj-text>いつもご利用いただき、ありがとうございます。</mj-text>
        <mj-button href="https://shop.example.jp/">ショップを見る</mj-button>
      </mj-column>
    </mj-section>
  </mj-body>
</mjml>`;

/** What each channel's template asks for, with a first draft to edit (the server's tests render each one). */
export const STARTER_TEMPLATES: { [C in Channel]: Extract<Template, { channel: C }> } = {
  email: { channel: 'email', subject: '', mjml: EMAIL_MJML },
  line: { channel: 'line', text: `${GREETING}\nいつもありがとうございます。` },
  sms: { channel: 'sms', text: '' },
  push: { channel: 'push', title: '', body: '' },
  webhook: { channel: 'webhook', payload: { customerId: '{{ customer.id }}', campaign: '{{ campaign.name }}' } },
  dm: { channel: 'dm', card: 'coupon', message: `${GREETING}\nいつもありがとうございます。` },
};
