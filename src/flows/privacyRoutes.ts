import { z } from 'zod';
import { type Authenticator, requireScope, workspaceOf } from '../kernel/access.ts';
import type { ZodApp } from '../kernel/http.ts';
import type { PrivacyFlows } from './privacy.ts';
import { consentView, customerView, idParams } from '../modules/customers/routes.ts';
import { orderView, refundView } from '../modules/orders/routes.ts';

/** The services these handlers use (the composition root passes them in). */
interface RouteServices {
  authenticator: Authenticator;
  privacy: PrivacyFlows;
}

const text = z.string().nullable();
const json = z.record(z.string(), z.unknown());
/** Rows as each module stores them (every column, camelCase): an export must not drop what a schema forgot. */
const rows = z.array(json);

const exportView = z.object({
  exportedAt: z.date(),
  customer: customerView,
  aliases: z.array(z.object({ alias: z.string(), createdAt: z.date() })),
  consents: z.array(consentView),
  account: z
    .object({ id: z.string(), externalId: z.string(), name: text, domain: text, attributes: json, createdAt: z.date(), updatedAt: z.date() })
    .nullable(),
  subscriptions: z.array(
    z.object({
      id: z.string(),
      externalId: z.string(),
      plan: z.string(),
      seats: z.number().int(),
      mrrMinor: z.number().int(),
      currency: z.string(),
      status: z.string(),
      startedAt: z.date(),
      renewsAt: z.date().nullable(),
      canceledAt: z.date().nullable(),
    }),
  ),
  orders: z.array(orderView),
  refunds: z.array(refundView),
  events: z.array(
    z.object({
      id: z.string(),
      messageId: z.string(),
      name: z.string(),
      properties: json,
      context: json.nullable(),
      occurredAt: z.date(),
      receivedAt: z.date(),
    }),
  ),
  scores: rows,
  scoreHistory: rows,
  purchaseDays: rows.describe('purchases per local day (KPI rollup), derived from the orders'),
  segmentMemberships: rows,
  segmentHistory: rows,
  coupons: rows.describe('codes issued to the person'),
  couponRedemptions: rows,
  couponUsage: rows,
  loyaltyMember: json.nullable(),
  pointsBalance: json.nullable(),
  pointsLedger: rows,
  pointsLots: rows,
  tierChanges: rows,
  rewardClaims: rows,
  referrals: rows.describe('as referrer or as referee'),
  messages: rows.describe('every message queued for the person, with sent/opened/clicked times'),
  messageLog: rows,
  outbox: rows.describe('messages the outbox channel kept, as rendered, instead of handing them to a provider'),
  bounceReports: rows.describe('bounce and complaint reports about messages to the person'),
  journeyRuns: rows,
  journeySteps: rows,
  surveyResponses: rows,
  surveyCases: rows,
  surveyCaseNotes: rows,
  ugcEntries: rows,
  ugcPhotos: rows.describe('each photo is downloadable at /v1/ugc/media/{id}'),
  ugcWins: rows,
  webhookDeliveries: rows.describe("what was sent (or is due) to the workspace's webhook endpoints about the person"),
});

/** APPI/GDPR: a person's export and erasure, through the privacy flows over every module. */
export async function privacyRoutes(app: ZodApp, services: RouteServices): Promise<void> {
  const read = requireScope(services, 'read');
  // Erasure cannot be undone: not for a tracking key in a web page, nor a read-only dashboard key.
  const admin = requireScope(services, 'admin');

  app.delete(
    '/v1/customers/:id',
    {
      preHandler: admin,
      schema: {
        tags: ['customers', 'privacy'],
        summary: 'Erase a person (APPI/GDPR): personal data goes from every module, amounts and counts stay anonymous, the email/phone is suppressed',
        params: idParams,
        response: { 204: z.null() },
      },
    },
    async (request, reply) => {
      await services.privacy.eraseCustomer(workspaceOf(request), request.params.id);
      return reply.code(204).send(null);
    },
  );

  app.get(
    '/v1/customers/:id/export',
    {
      preHandler: read,
      schema: { tags: ['customers', 'privacy'], summary: 'Everything held on a person, from every module (APPI/GDPR access request)', params: idParams, response: { 200: exportView } },
    },
    async (request) => services.privacy.exportCustomer(workspaceOf(request), request.params.id),
  );
}
