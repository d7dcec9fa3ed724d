import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { dkimVerify } from 'mailauth';
import { createServices, type Services } from '../../app/services.ts';
import { cliOn } from '../../cli/cliTestKit.ts';
import { describeEachDatabase } from '../../db/testDatabase.ts';
import { SecretBox } from '../../kernel/secretBox.ts';
import { DkimKeys, spfValue, zoneValue } from './dkim.ts';
import { nextTokyoNoon, NEWSLETTER_MJML, seedAudience, settingsFor, startSmtpSink, type SmtpSink } from './testKit.ts';

const KEY = randomBytes(32).toString('base64');

test('secret box: sealed values open only with the same key and context', () => {
  const box = new SecretBox(undefined, { KIZUNA_SECRET_KEY: KEY });
  const sealed = box.seal('private', 'dkim:a');
  assert.doesNotMatch(sealed, /private/);
  assert.equal(box.open(sealed, 'dkim:a'), 'private');
  assert.throws(() => box.open(sealed, 'dkim:b'), /does not open here/);
  const other = new SecretBox(undefined, { KIZUNA_SECRET_KEY: randomBytes(32).toString('hex') });
  assert.throws(() => other.open(sealed, 'dkim:a'), /KIZUNA_SECRET_KEY changed/);
  assert.throws(() => new SecretBox(undefined, { KIZUNA_SECRET_KEY: 'short' }).seal('x', 'c'), /must be 32 bytes/);
});

test('secret box without KIZUNA_SECRET_KEY: production refuses, development keeps a key file in the data dir', () => {
  assert.throws(() => new SecretBox('/nonexistent', { NODE_ENV: 'production' }).seal('x', 'c'), /KIZUNA_SECRET_KEY is not set/);
  const dir = mkdtempSync(path.join(tmpdir(), 'kizuna-secret-'));
  try {
    const sealed = new SecretBox(dir, {}).seal('x', 'c');
    const file = path.join(dir, 'secret.key');
    assert.equal(statSync(file).mode & 0o777, 0o600);
    // A second process on the same data dir reads the same key.
    assert.equal(new SecretBox(dir, {}).open(sealed, 'c'), 'x');
    assert.equal(new SecretBox(undefined, { KIZUNA_SECRET_KEY: readFileSync(file, 'utf8').trim() }).open(sealed, 'c'), 'x');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('DNS helpers: long TXT values are cut into 255-character strings; SPF follows the SMTP host', () => {
  const value = 'a'.repeat(300);
  assert.equal(zoneValue(value), `"${'a'.repeat(255)}" "${'a'.repeat(45)}"`);
  assert.equal(spfValue('smtps://u:p@email-smtp.ap-northeast-1.amazonaws.com:465'), 'v=spf1 include:amazonses.com ~all');
  assert.equal(spfValue('smtp://apikey:x@smtp.sendgrid.net:587'), 'v=spf1 include:sendgrid.net ~all');
  assert.equal(spfValue('smtp://relay.example.jp:25'), 'v=spf1 a:relay.example.jp ~all');
});

describeEachDatabase('messaging: DKIM signing', (t) => {
  let sink: SmtpSink;
  let services: Services;
  let ws: string;
  const secrets = new SecretBox(undefined, { KIZUNA_SECRET_KEY: KEY });

  before(async () => {
    sink = await startSmtpSink();
    services = createServices(t.db);
    // The same database, read with the test's own server key.
    Object.assign(services.messaging, { dkim: new DkimKeys(t.db, secrets) });
    ws = (await services.workspaces.create({ name: 'messaging-dkim' })).workspace.id;
    await services.messaging.putSettings(ws, settingsFor(sink.url));
  });
  after(async () => {
    await services?.messaging.close();
    await sink?.close();
  });

  test('a key is created per domain, stored sealed, and every message from that domain carries a signature that verifies', async () => {
    const key = await services.messaging.dkim.create(ws, { domain: 'Kizuna-Shop.example.jp', selector: 'kz1' });
    assert.equal(key.domain, 'kizuna-shop.example.jp');
    assert.equal(key.dnsRecord.name, 'kz1._domainkey.kizuna-shop.example.jp');
    assert.match(key.dnsRecord.value, /^v=DKIM1; k=rsa; p=[A-Za-z0-9+/=]{390,}$/);
    assert.equal(key.readable, true);
    const stored = await t.db.query<{ private_key_sealed: string }>('SELECT private_key_sealed FROM messaging_dkim_keys WHERE workspace_id = $1', [ws]);
    assert.doesNotMatch(stored.rows[0]!.private_key_sealed, /PRIVATE KEY|MII/);
    await assert.rejects(services.messaging.dkim.create(ws, { domain: 'kizuna-shop.example.jp', selector: 'kz1' }), /already has a key/);
    await assert.rejects(services.messaging.dkim.create(ws, { domain: 'not a domain' }), /Invalid DKIM key/);

    const { segmentId } = await seedAudience(services, ws, 2, { cohort: 'dkim' });
    const campaign = await services.messaging.createCampaign(ws, { name: '署名', segmentId, template: { channel: 'email', subject: '冬のセール', mjml: NEWSLETTER_MJML } });
    await services.messaging.send(ws, campaign.id);
    assert.equal((await services.messaging.drain({ now: nextTokyoNoon(), workspaceId: ws })).sent, 2);
    await sink.waitFor(2);

    const queried: string[] = [];
    const resolver = async (name: string, type: string) => {
      queried.push(`${type} ${name}`);
      if (type === 'TXT' && name === key.dnsRecord.name) return [[key.dnsRecord.value]];
      throw Object.assign(new Error('no such record'), { code: 'ENOTFOUND' });
    };
    for (const received of sink.received) {
      const result = await dkimVerify(received.raw, { resolver });
      assert.equal(result.results.length, 1);
      assert.equal(result.results[0]!.status.result, 'pass', JSON.stringify(result.results[0]!.status));
      assert.equal(result.results[0]!.signingDomain, 'kizuna-shop.example.jp');
      assert.equal(result.results[0]!.selector, 'kz1');
      // RFC 8058 §4: one-click unsubscribe counts only when both List-Unsubscribe headers are signed.
      const signed = /\bh=([^;]+)/.exec(received.raw.toString().replace(/\r?\n[ \t]+/g, ' '))![1]!.toLowerCase().replace(/\s+/g, '').split(':');
      assert.ok(received.raw.toString().includes('List-Unsubscribe-Post:'), 'the campaign message has one-click unsubscribe');
      assert.ok(signed.includes('list-unsubscribe') && signed.includes('list-unsubscribe-post'), signed.join(':'));
    }
    assert.ok(queried.includes('TXT kz1._domainkey.kizuna-shop.example.jp'));
    // The signature covers the content: an altered subject fails.
    const altered = Buffer.from(sink.received[0]!.raw.toString('latin1').replace(/^Subject: .*$/m, 'Subject: altered'), 'latin1');
    assert.equal((await dkimVerify(altered, { resolver })).results[0]!.status.result, 'fail');

    // A proof to the seed list is signed like the campaign it previews.
    await services.messaging.seedList.set(ws, { addresses: ['qa@team.example.jp'] });
    await services.messaging.proof(ws, campaign.id);
    await sink.waitFor(3);
    const proof = sink.received[2]!;
    assert.match(proof.raw.toString(), /X-Kizuna-Proof/i);
    assert.equal((await dkimVerify(proof.raw, { resolver })).results[0]!.status.result, 'pass');

    const status = await services.messaging.dkim.domainStatus(ws, (await services.messaging.settingsOf(ws)).settings);
    assert.equal(status.hasKey, true);
    assert.deepEqual(status.records.map((r) => `${r.purpose} ${r.name}`), ['spf kizuna-shop.example.jp', 'dkim kz1._domainkey.kizuna-shop.example.jp', 'dmarc _dmarc.kizuna-shop.example.jp']);
    assert.match(status.records[2]!.value, /^v=DMARC1; p=none; rua=mailto:/);
  });

  test('a key the server key no longer opens is shown unreadable and signs nothing; deleting the key stops signing', async () => {
    const other = new DkimKeys(t.db, new SecretBox(undefined, { KIZUNA_SECRET_KEY: randomBytes(32).toString('base64') }));
    const keys = await other.list(ws);
    assert.ok(keys.length > 0 && keys.every((k) => !k.readable));
    assert.deepEqual(await other.signingKeys(ws, 'kizuna-shop.example.jp'), []);

    for (const k of await services.messaging.dkim.list(ws)) await services.messaging.dkim.delete(ws, k.id);
    await assert.rejects(services.messaging.dkim.delete(ws, keys[0]!.id), /not found/);
    const count = sink.received.length;
    const { segmentId } = await seedAudience(services, ws, 1, { cohort: 'unsigned' });
    const campaign = await services.messaging.createCampaign(ws, { name: '無署名', segmentId, template: { channel: 'email', subject: 'お知らせ', mjml: NEWSLETTER_MJML } });
    await services.messaging.send(ws, campaign.id);
    await services.messaging.drain({ now: nextTokyoNoon(), workspaceId: ws });
    await sink.waitFor(count + 1);
    assert.doesNotMatch(sink.received[count]!.raw.toString('latin1'), /^DKIM-Signature:/im);
  });

  test('kizuna email dkim create prints the TXT record (and JSON); the API lists it with the SPF and DMARC records', async () => {
    const previous = process.env.KIZUNA_SECRET_KEY;
    process.env.KIZUNA_SECRET_KEY = KEY;
    try {
      const cli = cliOn(t.db.url, 'email');
      const human = await cli('dkim', 'create', '--workspace', ws, '--domain', 'kizuna-shop.example.jp', '--selector', 'cli1');
      assert.equal(human.code, 0, human.stderr);
      assert.match(human.stdout, /cli1\._domainkey\.kizuna-shop\.example\.jp\. IN TXT "v=DKIM1; k=rsa; p=[^"]+" "[^"]+"/);
      assert.match(human.stdout, /Publish SPF and DMARC too/);
      const elsewhere = await cli('dkim', 'create', '--workspace', ws, '--domain', 'other-brand.example', '--selector', 'cli3');
      assert.match(elsewhere.stdout, /this workspace sends from kizuna-shop\.example\.jp, not other-brand\.example/);
      assert.equal((await cli('dkim', 'delete', '--workspace', ws, 'notanid')).code, 2, 'a malformed id is "not found", not a database error');
      const json = await cli('dkim', 'create', '--workspace', ws, '--domain', 'kizuna-shop.example.jp', '--selector', 'cli2', '--json');
      const key = JSON.parse(json.stdout) as { id: string; readable: boolean; dnsRecord: { name: string } };
      assert.equal(key.dnsRecord.name, 'cli2._domainkey.kizuna-shop.example.jp');
      assert.equal(key.readable, true);
      const bad = await cli('dkim', 'create', '--workspace', ws, '--domain', 'kizuna-shop.example.jp', '--selector', 'cli2');
      assert.equal(bad.code, 2);
      // The server (this process' key is the same) signs with the keys the CLI made.
      const listed = await services.messaging.dkim.list(ws);
      assert.deepEqual(listed.map((k) => `${k.selector} ${k.readable}`).sort(), ['cli1 true', 'cli2 true', 'cli3 true']);
      const deleted = await cli('dkim', 'delete', '--workspace', ws, key.id);
      assert.equal(deleted.code, 0, deleted.stderr);
      assert.equal((await services.messaging.dkim.list(ws)).length, 2);
    } finally {
      if (previous === undefined) delete process.env.KIZUNA_SECRET_KEY;
      else process.env.KIZUNA_SECRET_KEY = previous;
    }
  });
});
