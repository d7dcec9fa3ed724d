import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { createServices, type Services } from '../../app/services.ts';
import { describeEachDatabase } from '../../db/testDatabase.ts';
import { seedAudience, settingsFor } from '../messaging/testKit.ts';

const DAY = 86_400_000;
const tokyoDate = (d: Date) => new Intl.DateTimeFormat('en-CA', { timeZone: 'Asia/Tokyo', year: 'numeric', month: '2-digit', day: '2-digit' }).format(d);

describeEachDatabase('loyalty merge tags', (t) => {
  let s: Services;
  before(() => {
    s = createServices(t.db);
  });
  after(() => s.messaging.close());

  test('{{ loyalty.* }}: balance, expiring points dated in the workspace time zone, referral link; zeros for a non-member', async () => {
    const ws = (await s.workspaces.create({ name: 'loyalty tags', timeZone: 'Asia/Tokyo' })).workspace.id;
    await s.loyalty.updateSettings(ws, { pendingDays: 0, expiryMonths: 1, expiringSoonDays: 30, referral: { linkBase: 'https://shop.example.jp/join' } });
    await s.messaging.putSettings(ws, settingsFor(undefined));
    const { segmentId, customerIds } = await seedAudience(s, ws, 2, { cohort: 'tags' });
    const [member, stranger] = customerIds as [string, string];
    // Credited at 20:00 UTC ten days ago: the lot lapses a month later at 05:00 the next day in Tokyo.
    const credited = new Date(Math.floor((Date.now() - 10 * DAY) / DAY) * DAY + 20 * 3_600_000);
    await s.loyalty.adjust(ws, { customer: member, points: 500, reason: 'welcome' }, credited);
    await s.loyalty.adjust(ws, { customer: member, points: -120, reason: 'correction' }, credited);
    const lapse = (await s.loyalty.account(ws, member)).expiringSoon[0]!.expiresAt;

    const values = await s.loyalty.recipientVariables(t.db, ws, [member, stranger]);
    const code = (await s.loyalty.account(ws, member)).referralCode;
    assert.deepEqual(values.get(member), {
      points: 380,
      pending_points: 0,
      tier: null,
      referral_code: code,
      referral_link: `https://shop.example.jp/join?ref=${code}`,
      expiring_points: 380,
      expiring_on: tokyoDate(lapse),
    });
    assert.notEqual(tokyoDate(lapse), lapse.toISOString().slice(0, 10), 'the lapse falls on another day in Tokyo than in UTC');
    assert.deepEqual(values.get(stranger), { points: 0, pending_points: 0, tier: null, referral_code: null, referral_link: null, expiring_points: 0, expiring_on: null });

    // Through messaging, as a campaign renders it.
    const campaign = await s.messaging.createCampaign(ws, {
      name: 'points',
      segmentId,
      template: { channel: 'sms', text: '{{ loyalty.points }}pt（うち{{ loyalty.expiring_points }}ptは{{ loyalty.expiring_on }}に失効）' },
    });
    const content = await s.messaging.preview(ws, campaign.id, member);
    assert.equal(content.channel === 'sms' && content.text.split('\n')[0], `380pt（うち380ptは${tokyoDate(lapse)}に失効）`);
  });
});
