import type { PostalRecipient } from './messenger.ts';
import type { RenderScope } from './renderScope.ts';

/**
 * Recipients a template is tried on when it is saved: one with every optional variable (coupon,
 * recommendations, names, unsubscribe link) and one with none, so that a template that fails or
 * runs past the limits on either is refused then, not found out at send time.
 */
const campaign = { id: '00000000-0000-7000-8000-000000000000', name: 'sample' };
const sender = { name: 'Kizuna', postal_address: '東京都千代田区千代田1-1' };

export const SAMPLE_SCOPES: RenderScope[] = [
  {
    customer: {
      id: '00000000-0000-7000-8000-000000000001', external_id: 'sample-1', family_name: '山田', given_name: '花子', name: '山田 花子',
      email: 'hanako@example.com', birthday: '1990-04-01', prefecture: '東京都', city: '千代田区', attributes: {},
      loyalty: { points: 1_200, pending_points: 300, tier: 'gold', referral_code: 'HANAKO1', referral_link: 'https://example.com/join?ref=HANAKO1', expiring_points: 200, expiring_on: '2027-01-05' },
    },
    coupon: { code: 'SAMPLE-CODE' },
    recommendations: [
      { name: '今治タオル', sku: 'SAMPLE-1', category: 'home', price: 2_200 },
      { name: '緑茶 100g', sku: 'SAMPLE-2', category: 'food', price: 1_080 },
      { name: null, sku: 'SAMPLE-3', category: null, price: null },
    ],
    campaign,
    sender,
    unsubscribe_url: 'https://example.com/m/u/sample',
    footer_lang: 'ja',
  },
  {
    customer: { id: '00000000-0000-7000-8000-000000000002', external_id: null, family_name: null, given_name: null, name: '', email: null, birthday: null, prefecture: null, city: null, attributes: {} },
    coupon: null,
    recommendations: [],
    campaign,
    sender,
    unsubscribe_url: null,
    footer_lang: 'en',
  },
];

export const SAMPLE_POSTAL: PostalRecipient = { name: '山田 花子', postalCode: '1000001', prefecture: '東京都', city: '千代田区', addressLine1: '千代田1-1', addressLine2: null };

/** The footer's sender when a template is checked without a workspace's settings. */
export const SAMPLE_SENDER = { sender: { name: 'Kizuna', email: 'sender@example.com', postalAddress: sender.postal_address } };
