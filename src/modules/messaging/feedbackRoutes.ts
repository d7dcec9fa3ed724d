import { z } from 'zod';
import { type Authenticator, requireScope, workspaceOf } from '../../kernel/access.ts';
import { instant } from '../../kernel/listQuery.ts';
import type { ZodApp } from '../../kernel/http.ts';
import type { MessagingService } from './service.ts';
import { COMPLAINT_WARNING_RATE } from './bounces/feedback.ts';

const ingestView = z.object({
  received: z.number().int(),
  recorded: z.number().int(),
  matched: z.number().int(),
  suppressed: z.number().int(),
  retried: z.number().int(),
  paused: z.array(z.string()).describe('campaigns paused by this report for their complaint rate'),
});
/** The services these handlers use (the composition root passes them in). */
interface FeedbackRouteServices {
  authenticator: Authenticator;
  messaging: MessagingService;
}

const workspaceParams = z.object({ workspaceId: z.uuid() });
/** The period of the daily rates when none is asked for. */
const DEFAULT_RATE_DAYS = 30;
/** Reports are small; a DSN quoting a whole message with attachments is cut off here. */
const RAW_LIMIT = 2 * 1024 * 1024;

/**
 * Bounce and complaint intake (bounces/feedback.ts) and the rates. The provider webhooks are
 * public: SES's are authorised by the SNS signature and the workspace's topic list, SendGrid's by
 * its ECDSA signature under the workspace's key. Bodies are taken raw (a signature covers the
 * bytes; a DSN is MIME), so this scope has its own body parsers.
 */
export async function feedbackRoutes(app: ZodApp, services: FeedbackRouteServices): Promise<void> {
  const { messaging } = services;
  const read = requireScope(services, 'read');
  const write = requireScope(services, 'messaging');

  app.removeAllContentTypeParsers();
  app.addContentTypeParser('*', { parseAs: 'buffer', bodyLimit: RAW_LIMIT }, (_req, body, done) => done(null, body));

  app.post(
    '/v1/messaging/inbound/email',
    {
      preHandler: write,
      schema: {
        tags: ['messaging'],
        summary: 'A bounce (DSN, RFC 3464) or complaint (ARF, RFC 5965) as the raw MIME message (Content-Type message/rfc822)',
        response: { 200: ingestView.extend({ format: z.enum(['dsn', 'arf']) }) },
      },
    },
    async (request) => messaging.feedback.ingestEmail(workspaceOf(request), (request.body as Buffer).toString('utf8')),
  );
  app.post(
    '/v1/messaging/feedback/ses/:workspaceId',
    {
      config: { access: 'public' },
      schema: { tags: ['messaging'], summary: 'Amazon SES bounce and complaint notifications through SNS (signature and topic checked)', security: [], params: workspaceParams, response: { 200: ingestView.extend({ type: z.string() }) } },
    },
    async (request) => {
      let body: unknown;
      try {
        body = JSON.parse((request.body as Buffer).toString('utf8'));
      } catch {
        body = undefined;
      }
      return messaging.feedback.ingestSes(request.params.workspaceId, body);
    },
  );
  app.post(
    '/v1/messaging/feedback/sendgrid/:workspaceId',
    {
      config: { access: 'public' },
      schema: { tags: ['messaging'], summary: "SendGrid's signed Event Webhook: bounces and spam reports", security: [], params: workspaceParams, response: { 200: ingestView } },
    },
    async (request) => messaging.feedback.ingestSendgrid(request.params.workspaceId, request.body as Buffer, request.headers),
  );

  const rateRow = z.object({
    sent: z.number().int(),
    hardBounces: z.number().int(),
    softBounces: z.number().int(),
    complaints: z.number().int(),
    bounceRate: z.number().nullable(),
    complaintRate: z.number().nullable(),
  });
  app.get(
    '/v1/messaging/deliverability',
    {
      preHandler: read,
      schema: {
        tags: ['messaging'],
        summary: 'Email sent, bounces and complaints per UTC day, with rates; `complaintWarning` when the period passes 0.1 % (default: the last 30 days)',
        querystring: z.object({ from: instant().optional().describe('default: 30 days before `to`'), to: instant().optional().describe('default: now') }),
        response: { 200: z.object({ data: z.array(rateRow.extend({ day: z.string() })), total: rateRow, complaintWarning: z.boolean(), warningRate: z.number() }) },
      },
    },
    async (request) => {
      const to = request.query.to ?? new Date();
      const from = request.query.from ?? new Date(to.getTime() - DEFAULT_RATE_DAYS * 86_400_000);
      const days = await messaging.feedback.dailyRates(workspaceOf(request), from, to);
      const sum = (k: 'sent' | 'hardBounces' | 'softBounces' | 'complaints') => days.reduce((a, d) => a + d[k], 0);
      const sent = sum('sent');
      const total = {
        sent,
        hardBounces: sum('hardBounces'),
        softBounces: sum('softBounces'),
        complaints: sum('complaints'),
        bounceRate: sent > 0 ? (sum('hardBounces') + sum('softBounces')) / sent : null,
        complaintRate: sent > 0 ? sum('complaints') / sent : null,
      };
      return { data: days, total, complaintWarning: (total.complaintRate ?? 0) > COMPLAINT_WARNING_RATE, warningRate: COMPLAINT_WARNING_RATE };
    },
  );
  app.post(
    '/v1/campaigns/:id/resume',
    { preHandler: write, schema: { tags: ['messaging'], summary: 'Resume a campaign paused for its complaint rate: its waiting deliveries are due again', params: z.object({ id: z.uuid() }) } },
    async (request) => {
      const campaign = await messaging.getCampaign(workspaceOf(request), request.params.id);
      await messaging.feedback.resume(workspaceOf(request), campaign.id);
      return messaging.report(workspaceOf(request), request.params.id).then((r) => r.deliverability);
    },
  );
}
