import { z } from 'zod';
import { type Authenticator, requireScope, workspaceOf } from '../../kernel/access.ts';
import { NotFoundError } from '../../kernel/errors.ts';
import { instant, page, pageQuery } from '../../kernel/listQuery.ts';
import type { ZodApp } from '../../kernel/http.ts';
import type { CustomerService } from '../customers/index.ts';
import type { MessagingService } from './service.ts';
import { dmBatchRoutes } from './dmBatchRoutes.ts';
import { feedbackRoutes } from './feedbackRoutes.ts';
import { dkimKeyInput } from './dkim.ts';
import { seedListInput } from './seedList.ts';
import { smsSegments } from './channels/smsSegments.ts';
import { starterRoutes } from './starterRoutes.ts';
import { unsubscribePage } from './unsubscribePage.ts';
import { CAMPAIGN_STATUSES, campaignInput, CHANNELS, DELIVERY_STATES, liftReportView, MESSAGE_CLASSES, performanceView, type Template } from './types.ts';
import { campaignReportView } from './reportView.ts';

/** The services these handlers use (the composition root passes them in). */
interface RouteServices {
  authenticator: Authenticator;
  customers: CustomerService;
  messaging: MessagingService;
}

const idParams = z.object({ id: z.uuid() });
const customerParams = z.object({ id: z.string().min(1).max(255).describe('our id or your external id') });
const tokenParams = z.object({ token: z.string().min(10).max(200) });
/** A 1×1 transparent GIF. */
const PIXEL = Buffer.from('R0lGODlhAQABAIAAAAAAAP///yH5BAEAAAAALAAAAAABAAEAAAIBRAA7', 'base64');

const campaignView = z.object({
  id: z.string(),
  name: z.string(),
  channel: z.enum(CHANNELS),
  class: z.enum(MESSAGE_CLASSES),
  segmentId: z.string(),
  template: z.record(z.string(), z.unknown()),
  holdoutPercent: z.number(),
  couponCampaignId: z.string().nullable(),
  conversionWindowDays: z.number().int(),
  status: z.enum(CAMPAIGN_STATUSES),
  scheduledAt: z.date().nullable(),
  startedAt: z.date().nullable(),
  finishedAt: z.date().nullable(),
  createdAt: z.date(),
  abTest: z.record(z.string(), z.unknown()).nullable().describe('the A/B test (variants, test share, metric, decision time), as created'),
  sendTime: z.record(z.string(), z.unknown()).nullable().describe("the send-time option (`usual_hour`: each customer's usual hour)"),
  abDecideAt: z.date().nullable().describe('when the A/B test is decided (set at the launch)'),
  abDecision: z.record(z.string(), z.unknown()).nullable().describe('the winner decision once taken: winner (null: no significant winner), reason, interval, the variant sent to the rest'),
});

const messageView = z.object({
  deliveryId: z.string(),
  campaignId: z.string(),
  campaignName: z.string(),
  channel: z.enum(CHANNELS),
  class: z.enum(MESSAGE_CLASSES),
  arm: z.enum(['treatment', 'holdout', 'global_control']),
  state: z.enum(DELIVERY_STATES),
  reason: z.string().nullable().describe('why: the gate rule that suppressed or deferred, or the provider error'),
  createdAt: z.date(),
  sentAt: z.date().nullable(),
  openedAt: z.date().nullable(),
  clickedAt: z.date().nullable(),
  log: z.array(z.object({ at: z.date(), kind: z.string(), reason: z.string().nullable() })),
});

const seedListView = z.object({ addresses: z.array(z.string()) });
const outboxView = z.object({
  id: z.string(),
  campaignId: z.string().nullable(),
  campaignName: z.string().nullable(),
  customerId: z.string().nullable(),
  channel: z.enum(CHANNELS),
  class: z.enum(MESSAGE_CLASSES),
  to: z.string(),
  subject: z.string().nullable(),
  text: z.string().nullable(),
  headers: z.record(z.string(), z.string()),
  createdAt: z.date(),
});

/**
 * A stored email is shown as the customer would see it, but it is content we did not write
 * (templates, customer data): the CSP sandboxes it (no script, no forms, no same-origin access),
 * lets only https and inline images and styles load, and lets only our own app frame it.
 */
export const OUTBOX_HTML_HEADERS = {
  'content-security-policy': "sandbox; default-src 'none'; img-src https: data:; style-src 'unsafe-inline'; font-src https: data:; base-uri 'none'; form-action 'none'; frame-ancestors 'self'",
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
  'cache-control': 'private, no-store',
};

export async function messagingRoutes(app: ZodApp, services: RouteServices): Promise<void> {
  const { messaging } = services;
  const read = requireScope(services, 'read');
  // Marketers (the messaging scope) run campaigns; provider credentials are for admins. A provider's
  // bounce reports are data about addresses, so the ingest scope may post them.
  const write = requireScope(services, 'messaging');
  const ingest = requireScope(services, 'ingest');
  const admin = requireScope(services, 'admin');

  // RFC 8058 one-click posts are form-encoded; mail providers may send any content type.
  app.addContentTypeParser(['application/x-www-form-urlencoded', 'multipart/form-data', 'text/plain'], { parseAs: 'string' }, (_req, body, done) => {
    done(null, Object.fromEntries(new URLSearchParams(String(body))));
  });

  dmBatchRoutes(app, services, write);
  starterRoutes(app, read);
  // Raw bodies (signed webhooks, MIME reports): their own scope and parsers.
  await app.register(async (scope) => feedbackRoutes(scope.withTypeProvider(), services));

  app.put(
    '/v1/messaging/settings',
    { preHandler: admin, schema: { tags: ['messaging'], summary: 'Set sender identity, provider credentials and the delivery gate policy', body: z.record(z.string(), z.unknown()) } },
    async (request) => messaging.putSettings(workspaceOf(request), request.body),
  );
  app.get(
    '/v1/messaging/settings',
    { preHandler: admin, schema: { tags: ['messaging'], summary: 'The messaging settings, secrets redacted' } },
    async (request) => messaging.getSettings(workspaceOf(request)),
  );

  const dnsRecordView = z.object({ type: z.literal('TXT'), name: z.string(), value: z.string(), zoneValue: z.string() });
  const dkimKeyView = z.object({
    id: z.string(),
    domain: z.string(),
    selector: z.string(),
    algorithm: z.literal('rsa-sha256'),
    bits: z.number().int(),
    createdAt: z.date(),
    readable: z.boolean().describe('false when the server key (KIZUNA_SECRET_KEY) no longer opens the private key: mail goes unsigned'),
    dnsRecord: dnsRecordView,
  });
  app.get(
    '/v1/messaging/dkim-keys',
    {
      preHandler: admin,
      schema: {
        tags: ['messaging'],
        summary: "DKIM keys, and the SPF, DKIM and DMARC records to publish for the sender's domain",
        response: {
          200: z.object({
            data: z.array(dkimKeyView),
            senderDomain: z.string().nullable(),
            hasKey: z.boolean().describe("whether the sender's domain has a usable key"),
            records: z.array(dnsRecordView.extend({ purpose: z.enum(['spf', 'dkim', 'dmarc']) })),
          }),
        },
      },
    },
    async (request) => {
      const ws = workspaceOf(request);
      const settings = await messaging.settingsOf(ws).then((s) => s.settings, () => undefined);
      const { keys, ...status } = await messaging.dkim.domainStatus(ws, settings);
      return { data: keys, ...status };
    },
  );
  app.post(
    '/v1/messaging/dkim-keys',
    { preHandler: admin, schema: { tags: ['messaging'], summary: 'Generate a DKIM key (RSA 2048) for a sending domain; the answer holds the TXT record to publish', body: dkimKeyInput, response: { 200: dkimKeyView } } },
    async (request) => messaging.dkim.create(workspaceOf(request), request.body),
  );
  app.delete(
    '/v1/messaging/dkim-keys/:id',
    { preHandler: admin, schema: { tags: ['messaging'], summary: 'Delete a DKIM key: mail is no longer signed with it', params: idParams } },
    async (request, reply) => {
      await messaging.dkim.delete(workspaceOf(request), request.params.id);
      return reply.code(204).send();
    },
  );

  app.get(
    '/v1/messaging/seed-list',
    { preHandler: admin, schema: { tags: ['messaging'], summary: "Addresses test sends may go to, besides the workspace's users' emails", response: { 200: seedListView } } },
    async (request) => messaging.seedList.get(workspaceOf(request)),
  );
  app.put(
    '/v1/messaging/seed-list',
    { preHandler: admin, schema: { tags: ['messaging'], summary: 'Replace the seed list (emails, phone numbers, LINE ids, device tokens)', body: seedListInput, response: { 200: seedListView } } },
    async (request) => messaging.seedList.set(workspaceOf(request), request.body),
  );
  app.get(
    '/v1/messaging/outbox',
    {
      preHandler: read,
      schema: {
        tags: ['messaging'],
        summary: 'Messages the outbox channel stored instead of sending, newest first',
        querystring: pageQuery.extend({ campaignId: z.uuid().optional(), customerId: z.uuid().optional() }),
        response: { 200: page(outboxView) },
      },
    },
    async (request) => messaging.listOutbox(workspaceOf(request), request.query),
  );
  app.get(
    '/v1/messaging/outbox/:id',
    {
      preHandler: read,
      schema: {
        tags: ['messaging'],
        summary: "One outbox message with its html and the channel's whole content",
        params: idParams,
        response: { 200: outboxView.extend({ html: z.string().nullable(), content: z.record(z.string(), z.unknown()) }) },
      },
    },
    async (request) => messaging.getOutboxMessage(workspaceOf(request), request.params.id),
  );
  app.get(
    '/v1/messaging/outbox/:id/html',
    { preHandler: read, schema: { tags: ['messaging'], summary: 'An outbox email as the customer sees it (sandboxed: no script runs)', params: idParams } },
    async (request, reply) => {
      const message = await messaging.getOutboxMessage(workspaceOf(request), request.params.id);
      if (message.html === null) throw new NotFoundError(`outbox message ${message.id} is a ${message.channel} message and has no HTML`);
      return reply.headers(OUTBOX_HTML_HEADERS).type('text/html; charset=utf-8').send(message.html);
    },
  );

  app.post(
    '/v1/campaigns',
    { preHandler: write, schema: { tags: ['messaging'], summary: 'Create a campaign to a segment (a draft, or scheduled with scheduledAt)', body: campaignInput, response: { 200: campaignView } } },
    async (request) => messaging.createCampaign(workspaceOf(request), request.body),
  );
  app.get(
    '/v1/campaigns',
    { preHandler: read, schema: { tags: ['messaging'], summary: 'Campaigns, newest first, with delivery counts by state', response: { 200: z.object({ data: z.array(campaignView.extend({ counts: z.record(z.string(), z.number()) })) }) } } },
    async (request) => ({ data: await messaging.listCampaigns(workspaceOf(request)) }),
  );
  app.get(
    '/v1/campaigns/:id',
    { preHandler: read, schema: { tags: ['messaging'], summary: 'One campaign', params: idParams, response: { 200: campaignView } } },
    async (request) => messaging.getCampaign(workspaceOf(request), request.params.id),
  );
  app.post(
    '/v1/campaigns/:id/send',
    { preHandler: write, schema: { tags: ['messaging'], summary: 'Send now: enqueue a delivery per segment member (the workers send them)', params: idParams } },
    async (request) => messaging.send(workspaceOf(request), request.params.id),
  );
  app.post(
    '/v1/campaigns/:id/cancel',
    { preHandler: write, schema: { tags: ['messaging'], summary: 'Stop a campaign; unsent deliveries are suppressed as cancelled', params: idParams, response: { 200: campaignView } } },
    async (request) => messaging.cancel(workspaceOf(request), request.params.id),
  );
  app.post(
    '/v1/campaigns/:id/preview',
    { preHandler: read, schema: { tags: ['messaging'], summary: 'Render the campaign for a real customer (an SMS also gets `sms`: its encoding and segment count)', params: idParams, body: z.object({ customer: z.string().min(1).max(255) }) } },
    async (request) => {
      const content = await messaging.preview(workspaceOf(request), request.params.id, request.body.customer);
      return content.channel === 'sms' ? { ...content, sms: smsSegments(content.text) } : content;
    },
  );
  app.post(
    '/v1/campaigns/preview',
    {
      preHandler: read,
      schema: {
        tags: ['messaging'],
        summary: 'Render a template not saved yet for a real customer (the editor’s live preview); checked as a save checks it, 400 names the field',
        body: z.object({ customer: z.string().min(1).max(255), template: z.record(z.string(), z.unknown()), class: z.enum(MESSAGE_CLASSES).default('marketing'), couponCampaignId: z.uuid().optional(), name: z.string().max(200).optional() }),
      },
    },
    async (request) => {
      const { customer, template, ...draft } = request.body;
      return messaging.previewDraft(workspaceOf(request), { ...draft, template: template as Template }, customer);
    },
  );
  app.post(
    '/v1/campaigns/:id/test',
    {
      preHandler: write,
      schema: { tags: ['messaging'], summary: "Send the preview for a customer to a staff address ('[TEST]'): a user of the workspace or an address on the seed list", params: idParams, body: z.object({ customer: z.string().min(1).max(255), to: z.string().min(1).max(320) }) },
    },
    async (request) => messaging.testSend(workspaceOf(request), request.params.id, request.body),
  );
  app.post(
    '/v1/campaigns/:id/proof',
    {
      preHandler: write,
      schema: {
        tags: ['messaging'],
        summary: "Send the campaign's message to every seed address of its channel, marked '[PROOF]': for `customer` when given, else for a sample recipient",
        params: idParams,
        body: z.object({ customer: z.string().min(1).max(255).optional() }),
        response: { 200: z.object({ sent: z.array(z.object({ to: z.string(), providerId: z.string() })) }) },
      },
    },
    async (request) => messaging.proof(workspaceOf(request), request.params.id, request.body),
  );
  app.get(
    '/v1/campaigns/:id/performance',
    {
      preHandler: read,
      schema: {
        tags: ['messaging'],
        summary: 'Delivered, opens (machine opens apart), clicks, unsubscribes, bounces, complaints; revenue by last touch and incremental against the holdout, with 95 % intervals',
        params: idParams,
        response: { 200: performanceView.extend({ campaignId: z.string() }) },
      },
    },
    async (request) => messaging.performance(workspaceOf(request), request.params.id),
  );
  app.get(
    '/v1/campaigns/:id/report',
    {
      preHandler: read,
      schema: {
        tags: ['messaging'],
        summary: 'Conversions and revenue per arm; lift with 95 % intervals (Newcombe for rates, Welch for revenue per recipient)',
        params: idParams,
        querystring: z.object({ windowDays: z.coerce.number().int().min(1).max(365).optional() }),
        response: { 200: campaignReportView },
      },
    },
    async (request) => messaging.report(workspaceOf(request), request.params.id, { windowDays: request.query.windowDays }),
  );
  app.get(
    '/v1/messaging/global-control',
    {
      preHandler: read,
      schema: {
        tags: ['messaging'],
        summary: 'The global control group against everyone targeted, month by month',
        querystring: z.object({ from: instant(), to: instant() }),
        response: { 200: z.object({ data: z.array(z.object({ month: z.string().describe('YYYY-MM (UTC)'), lift: liftReportView })) }) },
      },
    },
    async (request) => ({ data: await messaging.globalControlReport(workspaceOf(request), request.query.from, request.query.to) }),
  );
  app.get(
    '/v1/customers/:id/messages',
    {
      preHandler: read,
      schema: { tags: ['messaging', 'customers'], summary: "A customer's messages and every gate decision about them, newest first", params: customerParams, response: { 200: z.object({ data: z.array(messageView) }) } },
    },
    async (request) => {
      const ws = workspaceOf(request);
      const customer = await services.customers.find(ws, request.params.id);
      return { data: await messaging.messagesFor(ws, customer.id) };
    },
  );
  app.post(
    '/v1/messaging/reports',
    {
      preHandler: ingest,
      schema: {
        tags: ['messaging'],
        summary: "A provider's bounce or complaint: hard bounces and complaints add suppressions",
        body: z.object({ type: z.enum(['hard_bounce', 'soft_bounce', 'complaint']), email: z.email().optional(), phone: z.string().max(20).optional(), deliveryId: z.uuid().optional() }),
      },
    },
    async (request) => messaging.tracking.report(workspaceOf(request), request.body),
  );

  // Public: what recipients' mail clients and browsers reach, authorised by the signed token alone.
  app.get('/m/o/:token', { config: { access: 'public' }, schema: { hide: true, params: tokenParams } }, async (request, reply) => {
    await messaging.tracking.open(request.params.token.replace(/\.gif$/, ''), { userAgent: request.headers['user-agent'] });
    return reply.header('content-type', 'image/gif').header('cache-control', 'no-store').send(PIXEL);
  });
  app.get('/m/c/:token', { config: { access: 'public' }, schema: { hide: true, params: tokenParams, querystring: z.object({ u: z.url() }) } }, async (request, reply) => {
    return reply.redirect(await messaging.tracking.click(request.params.token, request.query.u), 302);
  });
  app.get('/m/u/:token', { config: { access: 'public' }, schema: { hide: true, params: tokenParams } }, async (request, reply) => {
    const valid = await messaging.tracking.check(request.params.token, 'unsubscribe');
    return reply.code(valid ? 200 : 400).type('text/html; charset=utf-8').send(unsubscribePage(valid ? 'confirm' : 'invalid'));
  });
  app.post('/m/u/:token', { config: { access: 'public' }, schema: { hide: true, params: tokenParams } }, async (request, reply) => {
    // RFC 8058: the mail client posts "List-Unsubscribe=One-Click"; our page's button posts the same.
    await messaging.tracking.unsubscribe(request.params.token);
    return reply.type('text/html; charset=utf-8').send(unsubscribePage('done'));
  });
}
