import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { decide, minutesOfQuiet, type GateFacts } from './deliveryGate.ts';
import { messagingSettingsInput } from './settings.ts';

const policy = messagingSettingsInput.parse({
  sender: { name: 'Shop', email: 'shop@example.jp', postalAddress: '東京都千代田区1-1' },
  publicBaseUrl: 'https://kizuna.example.jp',
}).policy;

// 12:00 in Tokyo.
const noon = new Date('2026-11-20T03:00:00Z');
const base: GateFacts = {
  channel: 'email',
  class: 'marketing',
  address: 'hanako@example.jp',
  erased: false,
  consent: 'opted_in',
  suppression: null,
  recentSends: [],
  timeZone: 'Asia/Tokyo',
};
const days = (n: number) => new Date(noon.getTime() - n * 86_400_000);

describe('delivery gate', () => {
  test('sends to an opted-in customer at noon', () => {
    assert.deepEqual(decide(base, policy, noon), { action: 'send' });
  });

  test('marketing email needs an explicit opt-in; an opt-out stops every marketing channel', () => {
    assert.deepEqual(decide({ ...base, consent: null }, policy, noon), { action: 'suppress', reason: 'consent:no_opt_in' });
    assert.deepEqual(decide({ ...base, consent: 'opted_out' }, policy, noon), { action: 'suppress', reason: 'consent:opted_out' });
    // LINE needs no recorded opt-in by default (following the account is the consent), but an opt-out counts.
    assert.deepEqual(decide({ ...base, channel: 'line', consent: null }, policy, noon), { action: 'send' });
    assert.deepEqual(decide({ ...base, channel: 'line', consent: 'opted_out' }, policy, noon).action, 'suppress');
  });

  test('transactional messages skip consent, caps and quiet hours but not hard suppressions', () => {
    const night = new Date('2026-11-20T14:00:00Z'); // 23:00 in Tokyo
    const t = { ...base, class: 'transactional' as const, consent: 'opted_out' as const, recentSends: [1, 2, 3].map((d) => ({ channel: 'email' as const, at: days(d) })) };
    assert.deepEqual(decide(t, policy, night), { action: 'send' });
    assert.deepEqual(decide({ ...t, suppression: 'unsubscribed' }, policy, night), { action: 'send' });
    assert.deepEqual(decide({ ...t, suppression: 'hard_bounce' }, policy, night), { action: 'suppress', reason: 'suppression:hard_bounce' });
  });

  test('suppressed, erased and address-less customers are never sent to', () => {
    assert.deepEqual(decide({ ...base, suppression: 'unsubscribed' }, policy, noon), { action: 'suppress', reason: 'suppression:unsubscribed' });
    assert.deepEqual(decide({ ...base, suppression: 'complaint' }, policy, noon), { action: 'suppress', reason: 'suppression:complaint' });
    assert.deepEqual(decide({ ...base, erased: true }, policy, noon), { action: 'suppress', reason: 'erased' });
    assert.deepEqual(decide({ ...base, address: null }, policy, noon), { action: 'suppress', reason: 'no_address' });
  });

  test('frequency caps: 3 marketing messages in 7 days across channels, and per channel', () => {
    const sends = (...ds: number[]) => ds.map((d, i) => ({ channel: (i % 2 ? 'line' : 'email') as 'line' | 'email', at: days(d) }));
    assert.equal(decide({ ...base, recentSends: sends(1, 2) }, policy, noon).action, 'send');
    assert.deepEqual(decide({ ...base, recentSends: sends(1, 2, 6.9) }, policy, noon), { action: 'suppress', reason: 'cap:total' });
    // A send older than the window no longer counts.
    assert.equal(decide({ ...base, recentSends: sends(1, 2, 7.1) }, policy, noon).action, 'send');
    const perChannel = { ...policy, perChannelCap: { email: { max: 1, days: 30 } } };
    assert.deepEqual(decide({ ...base, recentSends: [{ channel: 'email', at: days(20) }] }, perChannel, noon), { action: 'suppress', reason: 'cap:email' });
    assert.equal(decide({ ...base, recentSends: [{ channel: 'line', at: days(20) }] }, perChannel, noon).action, 'send');
  });

  test("quiet hours defer (not drop) until the end of the window in the customer's own time zone", () => {
    const at = new Date('2026-11-20T13:30:20Z'); // 22:30 in Tokyo, 13:30 in London
    const deferred = decide(base, policy, at);
    assert.deepEqual(deferred, { action: 'defer', until: new Date('2026-11-20T23:00:00Z'), reason: 'quiet_hours' }); // 08:00 JST
    assert.deepEqual(decide({ ...base, timeZone: 'Europe/London' }, policy, at), { action: 'send' });
    const early = new Date('2026-11-20T06:15:00Z'); // 06:15 in London
    assert.deepEqual(decide({ ...base, timeZone: 'Europe/London' }, policy, early), { action: 'defer', until: new Date('2026-11-20T08:00:00Z'), reason: 'quiet_hours' });
    assert.equal(decide(base, { ...policy, quietHours: null }, at).action, 'send');
  });

  test('quiet windows within a day and across midnight', () => {
    assert.equal(minutesOfQuiet(12 * 60, 21 * 60, 8 * 60), 0);
    assert.equal(minutesOfQuiet(23 * 60, 21 * 60, 8 * 60), 9 * 60);
    assert.equal(minutesOfQuiet(7 * 60 + 59, 21 * 60, 8 * 60), 1);
    assert.equal(minutesOfQuiet(13 * 60, 12 * 60, 14 * 60), 60);
    assert.equal(minutesOfQuiet(14 * 60, 12 * 60, 14 * 60), 0);
  });
});
