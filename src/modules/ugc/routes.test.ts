import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { test } from 'node:test';
import { parse } from 'csv-parse/sync';
import iconv from 'iconv-lite';
import exifr from 'exifr';
import { suiteApps } from '../../app/testApp.ts';
import { describeEachDatabase } from '../../db/testDatabase.ts';
import { campaignInput as couponCampaignInput } from '../coupons/types.ts';
import { customerInput } from '../customers/types.ts';
import { MAX_PHOTO_BYTES } from './media.ts';
import { jpegWithMetadata } from './photoFixtures.ts';
import { campaignBody, multipart, PNG } from './testKit.ts';

describeEachDatabase('UGC campaigns', (t) => {
  const open = suiteApps(t);
  /** An app with customers kei and yui, and an open campaign (points reward unless overridden). */
  const setup = async (overrides: Record<string, unknown> = {}) => {
    const kit = await open();
    const { app, services, workspace, headers } = kit;
    await services.customers.upsertMany(
      workspace.id,
      [{ externalId: 'kei', email: 'kei@example.jp' }, { externalId: 'yui', email: 'yui@example.jp' }].map((c) => customerInput.parse(c)),
    );
    const staff = await headers('admin');
    const created = await app.inject({ method: 'POST', url: '/v1/ugc/campaigns', headers: staff, payload: campaignBody(overrides) });
    assert.equal(created.statusCode, 200, created.body);
    const campaign = created.json() as { id: string };
    const linkFor = async (customer: string) => {
      const res = await app.inject({ method: 'POST', url: `/v1/ugc/campaigns/${campaign.id}/links`, headers: staff, payload: { customer } });
      assert.equal(res.statusCode, 200, res.body);
      return new URL(res.json().url as string).searchParams.get('t')!;
    };
    const enter = (fields: Record<string, string>, file?: Parameters<typeof multipart>[1], remoteAddress = '203.0.113.7') => {
      const { payload, headers: h } = multipart(fields, file);
      return app.inject({ method: 'POST', url: `/v1/public/ugc/campaigns/${campaign.id}/entries`, payload, headers: h, remoteAddress });
    };
    const photo = { name: 'beach.png', type: 'image/png', bytes: PNG };
    return { ...kit, staff, campaign, linkFor, enter, photo };
  };

  test('a photo entry is checked by its bytes, its size and consent; errors name the field', async () => {
    const { app, staff, linkFor, enter, photo } = await setup();
    const t1 = await linkFor('kei');

    const noConsent = await enter({ t: t1 }, photo);
    assert.equal(noConsent.statusCode, 400);
    assert.deepEqual(noConsent.json().issues[0].path, ['consent']);
    const nothing = await enter({ t: t1, consent: 'yes' });
    assert.equal(nothing.statusCode, 400);
    assert.deepEqual(nothing.json().issues[0].path, ['photo']);
    // The client's name and type say JPEG; the bytes say text.
    const renamed = await enter({ t: t1, consent: 'yes' }, { name: 'photo.jpg', type: 'image/jpeg', bytes: Buffer.from('just some text, not a picture\n'.repeat(20)) });
    assert.equal(renamed.statusCode, 415, renamed.body);
    const huge = Buffer.concat([PNG, Buffer.alloc(MAX_PHOTO_BYTES)]);
    assert.equal((await enter({ t: t1, consent: 'yes' }, { ...photo, bytes: huge })).statusCode, 413);
    const badUrl = await enter({ t: t1, consent: 'yes', postUrl: 'http://www.instagram.com/p/abc' });
    assert.equal(badUrl.statusCode, 400);
    assert.deepEqual(badUrl.json().issues[0].path, ['postUrl']);

    const ok = await enter({ t: t1, consent: 'yes', caption: '海で撮りました', lang: 'en' }, { ...photo, name: '../../etc/passwd', type: 'text/plain' });
    assert.equal(ok.statusCode, 200, ok.body);
    const entry = (await app.inject({ method: 'GET', url: `/v1/ugc/entries/${ok.json().id}`, headers: staff })).json();
    assert.equal(entry.kind, 'photo');
    assert.equal(entry.status, 'pending');
    assert.equal(entry.customerExternalId, 'kei');
    assert.equal(entry.consentLocale, 'en');
    assert.equal(entry.consentText, 'I agree that the shop may show my photo on its website and social media.');
    assert.ok(Date.now() - Date.parse(entry.consentedAt) < 60_000);

    // The photo: staff only, with the detected type and headers that stop sniffing and scripts.
    assert.equal((await app.inject({ method: 'GET', url: `/v1/ugc/media/${entry.mediaId}` })).statusCode, 401);
    const media = await app.inject({ method: 'GET', url: `/v1/ugc/media/${entry.mediaId}`, headers: staff });
    assert.equal(media.statusCode, 200);
    assert.equal(media.headers['content-type'], 'image/png');
    assert.equal(media.headers['x-content-type-options'], 'nosniff');
    assert.equal(media.headers['content-disposition'], 'inline');
    assert.match(String(media.headers['content-security-policy']), /default-src 'none'/);
    assert.deepEqual(media.rawPayload, PNG);
    // Not public until approved and published.
    assert.equal((await app.inject({ method: 'GET', url: `/ugc/media/${entry.mediaId}` })).statusCode, 404);
    assert.equal((await app.inject({ method: 'POST', url: `/v1/ugc/entries/${entry.id}/publish`, headers: staff, payload: { public: true } })).statusCode, 409);
    await app.inject({ method: 'POST', url: `/v1/ugc/entries/${entry.id}/approve`, headers: staff });
    assert.equal((await app.inject({ method: 'POST', url: `/v1/ugc/entries/${entry.id}/publish`, headers: staff, payload: { public: true } })).statusCode, 200);
    assert.equal((await app.inject({ method: 'GET', url: `/ugc/media/${entry.mediaId}` })).statusCode, 200);
  });

  test('a photo is stored without its metadata: a JPEG with a GPS position is kept without it', async () => {
    const { app, staff, linkFor, enter } = await setup();
    const upload = jpegWithMetadata();
    assert.ok(await exifr.gps(upload), 'the upload carries a position');
    const res = await enter({ t: await linkFor('kei'), consent: 'yes' }, { name: 'IMG_0001.jpg', type: 'image/jpeg', bytes: upload });
    assert.equal(res.statusCode, 200, res.body);
    const { mediaId } = (await app.inject({ method: 'GET', url: `/v1/ugc/entries/${res.json().id}`, headers: staff })).json();
    const { rows } = await t.db.query<{ bytes: Buffer; size: number; sha256: string }>('SELECT bytes, size, sha256 FROM ugc_media WHERE id = $1', [mediaId]);
    const stored = rows[0]!.bytes;
    assert.equal(await exifr.gps(stored), undefined, 'no position in the stored bytes');
    assert.deepEqual(await exifr.parse(stored, { tiff: true, xmp: true, iptc: true, mergeOutput: false }), { ifd0: { Orientation: 'Rotate 90 CW' } });
    assert.ok(stored.length < upload.length && !stored.includes('ns.adobe.com') && !stored.includes('Photoshop 3.0'));
    assert.equal(rows[0]!.size, stored.length);
    assert.equal(rows[0]!.sha256, createHash('sha256').update(stored).digest('hex'));

    const damaged = await enter({ t: await linkFor('yui'), consent: 'yes' }, { name: 'cut.jpg', type: 'image/jpeg', bytes: upload.subarray(0, 400) });
    assert.equal(damaged.statusCode, 400, damaged.body);
    assert.deepEqual(damaged.json().issues[0].path, ['photo']);
  });

  test('a forged, expired or foreign token is refused', async () => {
    const { services, workspace, linkFor, enter, photo } = await setup();
    const valid = await linkFor('kei');
    const [payload, signature] = valid.split('.');
    const forgedPayload = Buffer.from(JSON.stringify({ ...JSON.parse(Buffer.from(payload!, 'base64url').toString()), c: (await services.customers.find(workspace.id, 'yui')).id })).toString('base64url');
    assert.equal((await enter({ t: `${forgedPayload}.${signature}`, consent: 'yes' }, photo)).statusCode, 401);
    assert.equal((await enter({ t: `${payload}.${signature!.slice(0, -2)}xx`, consent: 'yes' }, photo)).statusCode, 401);
    const expired = await services.loyalty.issueToken(workspace.id, 'kei', 60, new Date(Date.now() - 3_600_000), 'ugc');
    assert.equal((await enter({ t: expired.token, consent: 'yes' }, photo)).statusCode, 401);
    const other = await setup();
    assert.equal((await other.enter({ t: valid, consent: 'yes' }, photo)).statusCode, 401);
    assert.equal((await enter({ t: valid, consent: 'yes' }, photo)).statusCode, 200);
  });

  test('entries per customer are capped; a rejection frees a place; rejection needs a reason', async () => {
    const { app, staff, linkFor, enter, photo } = await setup();
    const token = await linkFor('kei');
    const first = await enter({ t: token, consent: 'yes' }, photo);
    assert.equal((await enter({ t: token, consent: 'yes', postUrl: 'https://www.instagram.com/p/C0abc/' })).statusCode, 200);
    const third = await enter({ t: token, consent: 'yes' }, photo);
    assert.equal(third.statusCode, 409);
    assert.equal(third.json().error, 'entry_cap_reached');
    assert.equal((await app.inject({ method: 'POST', url: `/v1/ugc/entries/${first.json().id}/reject`, headers: staff, payload: { reason: ' ' } })).statusCode, 400);
    const rejected = await app.inject({ method: 'POST', url: `/v1/ugc/entries/${first.json().id}/reject`, headers: staff, payload: { reason: 'ハッシュタグがありません' } });
    assert.equal(rejected.json().status, 'rejected');
    assert.equal((await enter({ t: token, consent: 'yes' }, photo)).statusCode, 200);

    // Several at once: refused whole when one id is unknown or (for rejection) already approved.
    const yui = await linkFor('yui');
    const batch = [(await enter({ t: yui, consent: 'yes' }, photo)).json().id, (await enter({ t: yui, consent: 'yes' }, photo)).json().id] as string[];
    const unknown = await app.inject({ method: 'POST', url: '/v1/ugc/entries/approve', headers: staff, payload: { ids: [...batch, '00000000-0000-4000-8000-000000000000'] } });
    assert.deepEqual(unknown.json().issues[0].path, ['ids', 2]);
    assert.equal((await app.inject({ method: 'GET', url: `/v1/ugc/entries/${batch[0]}`, headers: staff })).json().status, 'pending');
    const many = await app.inject({ method: 'POST', url: '/v1/ugc/entries/approve', headers: staff, payload: { ids: [batch[0]] } });
    assert.deepEqual(many.json().data.map((e: { status: string }) => e.status), ['approved']);
    const mixed = await app.inject({ method: 'POST', url: '/v1/ugc/entries/reject', headers: staff, payload: { ids: batch, reason: 'ぼやけています' } });
    assert.deepEqual(mixed.json().issues[0].path, ['ids', 0]);
    const rejectedMany = await app.inject({ method: 'POST', url: '/v1/ugc/entries/reject', headers: staff, payload: { ids: [batch[1]], reason: 'ぼやけています' } });
    assert.deepEqual(rejectedMany.json().data.map((e: { status: string; rejectReason: string }) => [e.status, e.rejectReason]), [['rejected', 'ぼやけています']]);
  });

  test('approval grants the points once, within the reward cap; the worker finishes an interrupted grant', async () => {
    const { app, services, workspace, staff, linkFor, enter, photo } = await setup();
    const token = await linkFor('kei');
    const a = (await enter({ t: token, consent: 'yes' }, photo)).json().id as string;
    const b = (await enter({ t: token, consent: 'yes', postUrl: 'https://x.com/kei/status/1' })).json().id as string;
    const balance = async () => {
      const account = await services.loyalty.account(workspace.id, (await services.customers.find(workspace.id, 'kei')).id);
      return account.balance + account.pending;
    };
    const approveA = await Promise.all([1, 2, 3].map(() => app.inject({ method: 'POST', url: `/v1/ugc/entries/${a}/approve`, headers: staff })));
    assert.ok(approveA.every((r) => r.statusCode === 200));
    const approved = (await app.inject({ method: 'GET', url: `/v1/ugc/entries/${a}`, headers: staff })).json();
    assert.equal(approved.rewardStatus, 'granted');
    assert.ok(approved.rewardRef);
    assert.equal(await balance(), 100);
    const second = (await app.inject({ method: 'POST', url: `/v1/ugc/entries/${b}/approve`, headers: staff })).json();
    assert.equal(second.rewardStatus, 'capped');
    assert.equal(await balance(), 100);
    assert.equal((await app.inject({ method: 'POST', url: `/v1/ugc/entries/${a}/reject`, headers: staff, payload: { reason: 'late' } })).statusCode, 409);
    // On the timeline once each, for segments and journeys.
    const { rows: events } = await t.db.query<{ name: string; n: number }>(
      `SELECT name, count(*)::int AS n FROM events WHERE workspace_id = $1 AND customer_id = $2 GROUP BY name ORDER BY name`,
      [workspace.id, approved.customerId],
    );
    assert.deepEqual(events.map((e) => [e.name, e.n]), [['UGC Entry Approved', 2], ['UGC Entry Submitted', 2]]);

    // A crash between approval and grant leaves the reward pending: the job grants it, once.
    const yuiToken = await linkFor('yui');
    const c = (await enter({ t: yuiToken, consent: 'yes' }, photo)).json().id as string;
    await t.db.query(`UPDATE ugc_entries SET status = 'approved', reward_status = 'pending' WHERE workspace_id = $1 AND id = $2`, [workspace.id, c]);
    assert.equal(await services.ugc.grantPendingRewards(workspace.id), 1);
    assert.equal(await services.ugc.grantPendingRewards(workspace.id), 0);
    const yui = await services.loyalty.account(workspace.id, (await services.customers.find(workspace.id, 'yui')).id);
    assert.equal(yui.balance + yui.pending, 100);
  });

  test('a coupon reward issues one code on approval; an ended coupon campaign marks it failed, retry after', async () => {
    const kit = await open();
    const { services, workspace } = kit;
    await services.customers.upsertMany(workspace.id, [customerInput.parse({ externalId: 'kei', email: 'kei@example.jp' })]);
    const coupon = await services.coupons.createCampaign(workspace.id, couponCampaignInput.parse({ name: 'UGC thanks', kind: 'amount', value: 500 }));
    assert.equal((await kit.app.inject({ method: 'POST', url: '/v1/ugc/campaigns', headers: await kit.headers('admin'), payload: campaignBody({ reward: { kind: 'coupon', couponCampaignId: coupon.id }, maxRewardsPerCustomer: 2 }) })).json().issues[0].path.join('.'), 'body.maxRewardsPerCustomer');
    const campaign = await services.ugc.createCampaign(workspace.id, campaignBody({ reward: { kind: 'coupon', couponCampaignId: coupon.id } }));
    const { token } = await services.loyalty.issueToken(workspace.id, 'kei', 600, new Date(), 'ugc');
    const entry = await services.ugc.submitEntry(campaign.id, { token, consent: true, locale: 'ja', photo: PNG });
    await services.coupons.updateCampaign(workspace.id, coupon.id, { status: 'ended' });
    const failed = await services.ugc.approve(workspace.id, entry.id, 'test');
    assert.equal(failed.rewardStatus, 'failed');
    assert.match(failed.rewardError ?? '', /ended/);
    await services.coupons.updateCampaign(workspace.id, coupon.id, { status: 'active' });
    const granted = await services.ugc.retryReward(workspace.id, entry.id);
    assert.equal(granted.rewardStatus, 'granted');
    assert.equal((await services.coupons.lookup(workspace.id, granted.rewardRef!)).customerId, entry.customerId);
  });

  test('anonymous entries by email: matched or new customer; limited per IP address', async () => {
    const { app, services, workspace, staff, enter } = await setup({ acceptsPhoto: false, maxEntriesPerCustomer: 5 });
    const known = await enter({ email: 'Kei@Example.jp', consent: 'yes', postUrl: 'https://www.tiktok.com/@kei/video/1' });
    assert.equal(known.statusCode, 200, known.body);
    assert.equal(known.json().platform, 'tiktok');
    const fresh = await enter({ email: 'new.fan@example.com', consent: 'yes', postUrl: 'https://voom.line.me/post/123' });
    assert.equal(fresh.statusCode, 200, fresh.body);
    const entries = (await app.inject({ method: 'GET', url: '/v1/ugc/entries', headers: staff })).json().data as { customerExternalId: string; customerEmail: string; platform: string }[];
    assert.deepEqual(entries.map((e) => [e.customerExternalId, e.customerEmail, e.platform]), [['kei', 'kei@example.jp', 'tiktok'], ['email:new.fan@example.com', 'new.fan@example.com', 'line_voom']]);
    assert.equal((await enter({ email: 'not-an-email', consent: 'yes', postUrl: 'https://x.com/a/status/1' })).json().issues[0].path[0], 'email');
    assert.equal((await enter({ email: 'a@example.com', consent: 'yes', postUrl: 'https://example.com/post/1' })).json().issues[0].path[0], 'postUrl');
    const statuses: number[] = [];
    for (let i = 0; i < 8; i++) statuses.push((await enter({ email: `f${i}@example.com`, consent: 'yes', postUrl: 'https://x.com/f/status/1' })).statusCode);
    assert.deepEqual(statuses, [200, 200, 200, 200, 200, 200, 429, 429]);
    const other = await enter({ email: 'f9@example.com', consent: 'yes', postUrl: 'https://x.com/f/status/1' }, undefined, '198.51.100.1');
    assert.equal(other.statusCode, 200);
    assert.equal((await services.customers.find(workspace.id, 'email:f9@example.com')).email, 'f9@example.com');
  });

  test('winners: a seeded draw is reproducible, one per customer; manual picks; CSV exports', async () => {
    const { app, services, workspace, staff, campaign, enter } = await setup({ acceptsPhoto: false, maxEntriesPerCustomer: 3 });
    const emails = ['a@example.com', 'b@example.com', 'c@example.com', 'd@example.com'];
    const ids: string[] = [];
    for (const email of emails) {
      for (let i = 0; i < 2; i++) ids.push((await enter({ email, consent: 'yes', postUrl: `https://www.instagram.com/p/${email[0]}${i}/` }, undefined, `192.0.2.${ids.length}`)).json().id);
    }
    for (const id of ids.slice(0, 6)) await services.ugc.approve(workspace.id, id, 'test');
    const draw = async (seed: string) => (await app.inject({ method: 'POST', url: `/v1/ugc/campaigns/${campaign.id}/winners/draw`, headers: staff, payload: { count: 2, seed } })).json();
    const first = await draw('2026-summer');
    assert.equal(first.winners.length, 2);
    assert.notEqual(first.winners[0].customerId, first.winners[1].customerId);
    for (const w of first.winners) await app.inject({ method: 'DELETE', url: `/v1/ugc/campaigns/${campaign.id}/winners/${w.entryId}`, headers: staff });
    assert.deepEqual((await draw('2026-summer')).winners.map((w: { entryId: string }) => w.entryId), first.winners.map((w: { entryId: string }) => w.entryId));
    // Three customers have approved entries; two won; only one is left to draw.
    assert.equal((await draw('again')).winners.length, 1);
    assert.equal((await draw('more')).winners.length, 0);
    assert.equal((await app.inject({ method: 'POST', url: `/v1/ugc/campaigns/${campaign.id}/winners`, headers: staff, payload: { entryId: ids[7] } })).statusCode, 409);

    const csv = await app.inject({ method: 'GET', url: `/v1/ugc/campaigns/${campaign.id}/entries.csv?lang=en`, headers: staff });
    assert.equal(csv.statusCode, 200);
    assert.match(String(csv.headers['content-type']), /text\/csv/);
    assert.ok(csv.body.startsWith('\uFEFF'));
    const rows = parse(csv.body.slice(1), { columns: true }) as Record<string, string>[];
    assert.equal(rows.length, 8);
    assert.equal(rows.filter((r) => r.Status === 'approved').length, 6);
    assert.equal(rows.filter((r) => r.Winner === 'yes').length, 3);
    assert.equal(rows[0]!['Consent text'], '投稿された写真を当社のウェブサイトやSNSで紹介することに同意します。');
    const pendingOnly = parse((await app.inject({ method: 'GET', url: `/v1/ugc/campaigns/${campaign.id}/entries.csv?status=pending&lang=en`, headers: staff })).body.slice(1), { columns: true });
    assert.equal(pendingOnly.length, 2);
    const winners = parse((await app.inject({ method: 'GET', url: `/v1/ugc/campaigns/${campaign.id}/winners.csv?lang=en`, headers: staff })).body.slice(1), { columns: true }) as Record<string, string>[];
    assert.equal(winners.length, 3);
    assert.ok(winners.every((w) => emails.includes(w.Email!)));
    const sjis = await app.inject({ method: 'GET', url: `/v1/ugc/campaigns/${campaign.id}/winners.csv?encoding=shift_jis&lang=ja`, headers: staff });
    assert.match(String(sjis.headers['content-type']), /charset=shift_jis/);
    assert.ok(iconv.decode(sjis.rawPayload, 'cp932').startsWith('応募ID,顧客ID,'));
  });

  test('the entry page: language by Accept-Language and ?lang, escaped texts, no script, clear errors', async () => {
    const { app, campaign, linkFor } = await setup({
      texts: { ja: { title: '<script>alert(1)</script>夏', consent: '同意します' }, en: { title: 'Summer', consent: 'I agree' } },
    });
    const get = (url: string, lang?: string) => app.inject({ method: 'GET', url, headers: { accept: 'text/html', ...(lang ? { 'accept-language': lang } : {}) } });
    const ja = await get(`/enter/${campaign.id}`);
    assert.equal(ja.statusCode, 200);
    assert.match(ja.body, /<html lang="ja">/);
    assert.ok(ja.body.includes('&lt;script&gt;alert(1)&lt;/script&gt;夏'));
    assert.ok(!ja.body.includes('<script>'));
    assert.match(String(ja.headers['content-security-policy']), /default-src 'none'/);
    assert.equal(ja.headers['referrer-policy'], 'no-referrer');
    const en = await get(`/enter/${campaign.id}`, 'en-US,en;q=0.9,ja;q=0.8');
    assert.match(en.body, /<html lang="en">/);
    assert.match(en.body, /<h1>Summer<\/h1>/);
    assert.ok(en.body.includes('Approved entries receive 100 points. Up to 2 entries per person.'));
    assert.ok(ja.body.includes('承認された応募に100ポイントを進呈します。'));
    assert.match((await get(`/enter/${campaign.id}?lang=ja`, 'en')).body, /<html lang="ja">/);
    assert.equal((await get(`/enter/${campaign.id}?t=forged.token`)).statusCode, 401);
    const token = await linkFor('kei');
    assert.match((await get(`/enter/${campaign.id}?t=${encodeURIComponent(token)}`)).body, /k\*\*\*@example\.jp/);
    assert.equal((await get('/enter/00000000-0000-4000-8000-000000000000')).statusCode, 404);

    const { payload, headers } = multipart({ t: token, lang: 'ja' }, { name: 'a.png', type: 'image/png', bytes: PNG });
    const refused = await app.inject({ method: 'POST', url: `/enter/${campaign.id}`, payload, headers });
    assert.equal(refused.statusCode, 400);
    assert.ok(refused.body.includes('コンテンツの利用に同意いただける場合はチェックを入れてください。'));
    const good = multipart({ t: token, lang: 'en', consent: 'yes' }, { name: 'a.png', type: 'image/png', bytes: PNG });
    const done = await app.inject({ method: 'POST', url: `/enter/${campaign.id}`, payload: good.payload, headers: good.headers });
    assert.equal(done.statusCode, 200);
    assert.match(done.body, /Thank you for your entry/);
  });

  test("a survey campaign: its survey's answers enter once each, within its dates and the cap, and are rewarded on approval", async () => {
    const { app, services, workspace, staff } = await setup();
    await services.surveys.create(workspace.id, { slug: 'ugc-nps', kind: 'nps', title: { ja: 'ご満足度アンケート', en: 'How did we do?' } });
    const survey = await services.surveys.get(workspace.id, 'ugc-nps');
    const unknown = await app.inject({ method: 'POST', url: '/v1/ugc/campaigns', headers: staff, payload: campaignBody({ kind: 'survey', surveyId: '00000000-0000-4000-8000-000000000000' }) });
    assert.deepEqual(unknown.json().issues[0].path, ['surveyId']);
    const created = await app.inject({ method: 'POST', url: '/v1/ugc/campaigns', headers: staff, payload: campaignBody({ kind: 'survey', surveyId: survey.id, reward: { kind: 'points', points: 50 } }) });
    assert.equal(created.statusCode, 200, created.body);
    const campaign = created.json() as { id: string };
    const answer = async (customer: string, score: number, at: Date) => {
      const [link] = await services.surveys.mintLinks(workspace.id, 'ugc-nps', [customer], { now: at });
      await services.surveys.answerLink(link!.url.slice(link!.url.lastIndexOf('/') + 1), { score, reason: `score ${score}` }, 'ja', at);
    };
    await answer('kei', 3, new Date(Date.now() - 2 * 3_600_000)); // before the campaign started
    await answer('kei', 9, new Date());
    await answer('yui', 10, new Date());
    const sync = () => app.inject({ method: 'POST', url: `/v1/ugc/campaigns/${campaign.id}/sync`, headers: staff });
    assert.deepEqual((await sync()).json(), { added: 2, skipped: 0 });
    assert.deepEqual((await sync()).json(), { added: 0, skipped: 2 });
    const entries = (await app.inject({ method: 'GET', url: `/v1/ugc/entries?campaignId=${campaign.id}`, headers: staff })).json().data as { id: string; kind: string; caption: string; consentText: string | null; customerExternalId: string }[];
    assert.deepEqual(entries.map((e) => [e.kind, e.customerExternalId, e.caption, e.consentText]).sort(), [['survey', 'kei', 'score 9', null], ['survey', 'yui', 'score 10', null]]);
    const approved = (await app.inject({ method: 'POST', url: `/v1/ugc/entries/${entries[0]!.id}/approve`, headers: staff })).json();
    assert.equal(approved.rewardStatus, 'granted');
    // A post entry on a survey campaign is refused, naming the survey.
    const { token } = await services.loyalty.issueToken(workspace.id, 'kei', 600, new Date(), 'ugc');
    await assert.rejects(services.ugc.submitEntry(campaign.id, { token, consent: true, locale: 'ja', photo: PNG }), /survey/);
  });

  test("erasure removes a person's photos, captions and post URLs, keeping the entries' counts", async () => {
    const { app, services, workspace, staff, linkFor, enter, photo } = await setup();
    const token = await linkFor('kei');
    const withPhoto = (await enter({ t: token, consent: 'yes', caption: '家族で' }, photo)).json().id as string;
    await enter({ t: token, consent: 'yes', postUrl: 'https://x.com/kei/status/9' });
    const mediaId = (await services.ugc.getEntry(workspace.id, withPhoto)).mediaId!;
    await services.ugc.eraseCustomer(workspace.id, (await services.customers.find(workspace.id, 'kei')).id);
    const entries = (await app.inject({ method: 'GET', url: '/v1/ugc/entries?customer=kei', headers: staff })).json().data as { mediaId: string | null; caption: string | null; postUrl: string | null }[];
    assert.deepEqual(entries.map((e) => [e.mediaId, e.caption, e.postUrl]), [[null, null, null], [null, null, null]]);
    assert.equal((await app.inject({ method: 'GET', url: `/v1/ugc/media/${mediaId}`, headers: staff })).statusCode, 404);
    // Once erased, the person's old link no longer enters.
    await services.customers.eraseCustomer(workspace.id, (await services.customers.find(workspace.id, 'kei')).id);
    assert.equal((await enter({ t: token, consent: 'yes' }, photo)).statusCode, 401);
  });

  test('campaign settings are validated; a campaign with entries cannot be deleted; closed campaigns take no entry', async () => {
    const { app, staff, campaign, linkFor, enter, photo } = await setup();
    const bad = await app.inject({ method: 'POST', url: '/v1/ugc/campaigns', headers: staff, payload: campaignBody({ defaultLocale: 'en', texts: { ja: { title: 'x', consent: 'y' } } }) });
    assert.equal(bad.statusCode, 400);
    assert.deepEqual(bad.json().issues[0].path, ['body', 'texts', 'en']);
    const unknownCoupon = await app.inject({ method: 'POST', url: '/v1/ugc/campaigns', headers: staff, payload: campaignBody({ reward: { kind: 'coupon', couponCampaignId: '00000000-0000-4000-8000-000000000000' } }) });
    assert.deepEqual(unknownCoupon.json().issues[0].path, ['reward', 'couponCampaignId']);
    assert.equal((await enter({ t: await linkFor('kei'), consent: 'yes' }, photo)).statusCode, 200);
    assert.equal((await app.inject({ method: 'DELETE', url: `/v1/ugc/campaigns/${campaign.id}`, headers: staff })).statusCode, 409);
    const closed = await app.inject({ method: 'PATCH', url: `/v1/ugc/campaigns/${campaign.id}`, headers: staff, payload: { status: 'closed' } });
    assert.equal(closed.json().status, 'closed');
    const late = await enter({ t: await linkFor('yui'), consent: 'yes' }, photo);
    assert.equal(late.statusCode, 409);
    assert.equal(late.json().error, 'campaign_not_open');
    const listed = (await app.inject({ method: 'GET', url: '/v1/ugc/campaigns', headers: staff })).json().data;
    assert.deepEqual(listed[0].counts, { pending: 1, approved: 0, rejected: 0, winners: 0 });
    const spec = (await app.inject({ method: 'GET', url: '/openapi.json' })).json();
    assert.ok(spec.paths['/v1/ugc/entries/{id}/approve']);
    assert.ok(spec.paths['/v1/public/ugc/campaigns/{id}/entries']);
  });
});
