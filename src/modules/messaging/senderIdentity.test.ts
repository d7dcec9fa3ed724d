import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { simpleParser, type ParsedMail } from 'mailparser';
import { createServices, type Services } from '../../app/services.ts';
import { describeEachDatabase } from '../../db/testDatabase.ts';
import { KizunaError } from '../../kernel/errors.ts';
import { JOURNEY_TEMPLATES } from '../journeys/templates.ts';
import { NEWSLETTER_MJML, nextTokyoNoon, seedAudience, SENDER, settingsFor, startSmtpSink, type SmtpSink } from './testKit.ts';

const template = { channel: 'email' as const, subject: '冬のセール / Winter sale', mjml: NEWSLETTER_MJML };
const SITE = 'https://kizuna-shop.example.jp/contact';

/** The stable code and status a refused call ends with (undefined when it went through). */
const refusal = (p: Promise<unknown>) => p.then(() => undefined, (e: unknown) => (e instanceof KizunaError ? `${e.status} ${e.code}: ${e.message}` : Promise.reject(e)));

describeEachDatabase('messaging: the legal footer and the sender identity it needs', (t) => {
  let sink: SmtpSink;
  let services: Services;
  const noon = nextTokyoNoon();

  before(async () => {
    sink = await startSmtpSink();
    services = createServices(t.db);
  });
  after(async () => {
    await services?.messaging.close();
    await sink?.close();
  });

  test('a ja and an en customer each find name, 〒 and address, contacts and the unsubscribe link in their language', async () => {
    const ws = (await services.workspaces.create({ name: 'footer-lang' })).workspace.id;
    await services.messaging.putSettings(ws, settingsFor(sink.url, { sender: { ...SENDER, contactUrl: SITE, contactPhone: '03-1234-5678' } }));
    const { segmentId } = await seedAudience(services, ws, 2, { cohort: 'fl', extra: (i) => ({ locale: i === 0 ? 'ja-JP' : 'en-US' }) });
    const campaign = await services.messaging.createCampaign(ws, { name: 'footer', segmentId, template });
    await services.messaging.send(ws, campaign.id);
    assert.equal((await services.messaging.drain({ now: noon, workspaceId: ws })).sent, 2);
    await sink.waitFor(2);
    const mails = await Promise.all(sink.received.slice(-2).map((r) => simpleParser(r.raw)));
    const to = (address: string) => mails.find((m) => m.to && 'text' in m.to && m.to.text === address)!;

    const check = (mail: ParsedMail, labels: { from: string; address: string; contact: string; link: string }, other: string) => {
      const html = mail.html as string;
      const unsubscribe = mail.headerLines.find((h) => h.key === 'list-unsubscribe')!.line.match(/<(https:[^>]+)>/)![1]!;
      assert.equal(mail.headerLines.find((h) => h.key === 'list-unsubscribe-post')?.line.replace(/^[^:]+:\s*/, ''), 'List-Unsubscribe=One-Click');
      assert.match(html, new RegExp(`${labels.from}: ${SENDER.name}`));
      assert.match(html, new RegExp(`${labels.address}: 〒100-0005 ${SENDER.postalAddress}`));
      // Contact links go through the click redirect like any link; their text is the address itself.
      assert.match(html, new RegExp(`${labels.contact}: <a href="[^"]+">${SITE}</a>`));
      assert.match(html, /href="mailto:support@kizuna-shop\.example\.jp"/);
      assert.match(html, /TEL 03-1234-5678/);
      // The footer's own link is the one in the header (not wrapped in the click redirect).
      assert.ok(html.includes(`<a href="${unsubscribe}">${labels.link}</a>`), `the unsubscribe link ${unsubscribe} is in the footer`);
      assert.match(mail.text!, new RegExp(`${labels.link} \\[${unsubscribe.replace(/[.?]/g, '\\$&')}\\]`));
      assert.doesNotMatch(html, new RegExp(other));
    };
    check(to('fl-0@example.jp'), { from: '配信元', address: '住所', contact: 'お問い合わせ', link: '配信停止はこちら' }, 'Sent by');
    check(to('fl-1@example.jp'), { from: 'Sent by', address: 'Address', contact: 'Contact', link: 'Unsubscribe' }, '配信元');
  });

  test('marketing email is refused (409) until name, 〒 and address, and a contact are set; drafts and transactional mail are not', async () => {
    const ws = (await services.workspaces.create({ name: 'footer-incomplete' })).workspace.id;
    const { name, email, postalAddress } = SENDER;
    await services.messaging.putSettings(ws, settingsFor(sink.url, { sender: { name, email, postalAddress } }));
    const { segmentId } = await seedAudience(services, ws, 1, { cohort: 'fi' });

    const draft = await services.messaging.createCampaign(ws, { name: 'draft', segmentId, template });
    const refused = await refusal(services.messaging.send(ws, draft.id));
    assert.match(refused ?? '', /^409 sender_identity_incomplete: .*sender\.postalCode, sender\.contactUrl\|contactEmail\|contactPhone/);
    assert.equal((await services.messaging.getCampaign(ws, draft.id)).status, 'draft', 'nothing was started');
    assert.match((await refusal(services.messaging.createCampaign(ws, { name: 'later', segmentId, template, scheduledAt: new Date(Date.now() + 86_400_000).toISOString() }))) ?? '', /^409 sender_identity_incomplete/);

    const journey = await services.journeys.enableTemplate(ws, JOURNEY_TEMPLATES[0]!.key);
    assert.match((await refusal(services.journeys.activate(ws, journey.id))) ?? '', /^409 sender_identity_incomplete/);

    const receipt = await services.messaging.createCampaign(ws, { name: 'receipt', segmentId, class: 'transactional', template });
    assert.equal(await refusal(services.messaging.send(ws, receipt.id)), undefined, 'transactional mail is not held');

    // Completed, the same draft goes.
    await services.messaging.putSettings(ws, settingsFor(sink.url, { sender: { name, email, postalAddress, postalCode: '1000005', contactPhone: '03-1234-5678' } }));
    assert.equal(await refusal(services.messaging.send(ws, draft.id)), undefined);
    assert.equal((await services.journeys.activate(ws, journey.id)).status, 'active');
  });
});
