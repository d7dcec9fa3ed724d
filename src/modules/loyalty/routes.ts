import type { FastifyRequest } from 'fastify';
import { z } from 'zod';
import { type Authenticator, declareAccess, requireScope, workspaceOf } from '../../kernel/access.ts';
import { AuthError } from '../../kernel/errors.ts';
import { instant, page, pageQuery } from '../../kernel/listQuery.ts';
import type { ZodApp } from '../../kernel/http.ts';
import type { CustomerService } from '../customers/index.ts';
import type { LoyaltyService } from './service.ts';
import { REWARD_KINDS, rewardInput, rewardPatch, surpriseRuleInput } from './rewards.ts';
import { loyaltySettingsSchema } from './settings.ts';

/** The services these handlers use (the composition root passes them in). */
interface RouteServices {
  authenticator: Authenticator;
  customers: CustomerService;
  loyalty: LoyaltyService;
}

const int = z.number().int();
const when = z.date().nullable();

const accountView = z.object({
  customerId: z.string(),
  balance: int,
  pending: int.describe('points inside the return window, not yet spendable'),
  tier: z.string().nullable(),
  tierSince: when,
  tierReviewAt: when.describe('when the tier is next reviewed for a downgrade'),
  qualifying: int.describe("rolling-window spend (minor units) or points earned, by the programme's tier basis"),
  nextTier: z.string().nullable(),
  neededForNextTier: int,
  benefits: z.object({ earnMultiplier: z.number(), earlyAccess: z.boolean(), exclusiveEvents: z.boolean() }),
  expiringSoon: z.array(z.object({ points: int, expiresAt: z.date() })),
  referralCode: z.string(),
  referralLink: z.string().nullable(),
});

const entryView = z.object({
  id: z.string(),
  customerId: z.string(),
  kind: z.enum(['earn', 'pending', 'confirm', 'redeem', 'expire', 'adjust', 'reverse']),
  points: int.describe('change of the available balance'),
  pending: int.describe('change of the pending points'),
  lotId: z.string().nullable(),
  sourceType: z.string(),
  sourceId: z.string(),
  reason: z.string().nullable(),
  availableAt: when,
  expiresAt: when,
  createdAt: z.date(),
});

const rewardView = z.object({
  id: z.string(),
  name: z.string(),
  kind: z.enum(REWARD_KINDS),
  costPoints: int,
  couponCampaignId: z.string().nullable(),
  stock: int.nullable(),
  minTier: z.string().nullable(),
  eventAt: when,
  active: z.boolean(),
  createdAt: z.date(),
});

const claimView = z.object({
  id: z.string(),
  customerId: z.string(),
  rewardId: z.string(),
  points: int,
  status: z.enum(['claimed', 'failed']),
  couponCode: z.string().nullable(),
  createdAt: z.date(),
  replayed: z.boolean(),
});

const referralView = z.object({
  id: z.string(),
  referrerId: z.string(),
  refereeId: z.string(),
  status: z.enum(['pending', 'completed', 'rejected', 'reversed']),
  rejectReason: z.string().nullable().describe('self_referral, same_email, same_phone, same_address, same_payment, existing_customer, referrer_cap'),
  firstOrderId: z.string().nullable(),
  createdAt: z.date(),
  completedAt: when,
});

const referralStatsView = z.object({
  referrers: int,
  referred: int,
  completed: int,
  rejected: z.record(z.string(), int),
  reversed: int,
  conversion: z.number(),
  kFactor: z.number(),
  revenueMinor: int,
});

const reportView = z.object({
  currency: z.string(),
  outstandingPoints: int.describe('available points outstanding'),
  liabilityMinor: int.describe('what the outstanding points cost if all were redeemed (points × pointValueMinor)'),
  pendingPoints: int.describe('points still inside the return window'),
  pendingLiabilityMinor: int,
  earnedPoints: int.describe('all-time totals by kind of entry; issued = earned + points added by hand'),
  issuedPoints: int,
  redeemedPoints: int,
  expiredPoints: int,
  reversedPoints: int,
  adjustedPoints: int,
  breakageRate: z.number().describe('expired / issued'),
  redemptionRate: z.number().describe('redeemed / issued'),
  members: int,
  membersByTier: z.array(z.object({ tier: z.string().nullable(), members: int })),
  topEarners: z.array(z.object({ customerId: z.string(), externalId: z.string().nullable(), points: int })).describe('the ten customers who earned most in the last 12 months'),
  referrals: referralStatsView,
});

const surpriseRuleView = z.object({
  id: z.string(),
  name: z.string(),
  rewardId: z.string(),
  segmentId: z.string(),
  period: z.enum(['month', 'quarter', 'year']),
  active: z.boolean(),
  createdAt: z.date(),
});

const syncView = z.object({ earnedEntries: int, earnedPoints: int, reversedEntries: int, reversedPoints: int, tierChanges: int });

const customerParams = z.object({ customer: z.string().min(1).max(255).describe('our id or your external id') });
const redeemBody = z.object({
  rewardId: z.uuid(),
  idempotencyKey: z.string().trim().min(1).max(255).describe('the same key returns the same claim instead of redeeming again'),
});

declare module 'fastify' {
  interface FastifyRequest {
    loyaltyCustomer?: { workspaceId: string; customerId: string };
  }
}

/**
 * Admin endpoints under /v1/loyalty (API keys: read for reports, admin for changes) and storefront
 * endpoints under /v1/storefront/loyalty, authorised by a customer token from
 * POST /v1/loyalty/customers/:customer/token (docs/loyalty.md).
 */
export async function loyaltyRoutes(app: ZodApp, services: RouteServices): Promise<void> {
  const { loyalty } = services;
  const read = requireScope(services, 'read');
  const admin = requireScope(services, 'admin');
  const tags = ['loyalty'];
  const customerOf = async (request: FastifyRequest, given: string) => (await services.customers.find(workspaceOf(request), given)).id;

  app.get('/v1/loyalty/settings', { preHandler: read, schema: { tags, summary: 'The effective programme settings', response: { 200: loyaltySettingsSchema } } }, async (request) =>
    loyalty.settings(workspaceOf(request)),
  );

  app.put(
    '/v1/loyalty/settings',
    { preHandler: admin, schema: { tags, summary: 'Replace the programme settings (absent keys take the defaults; see docs/loyalty.md)', body: z.record(z.string(), z.unknown()), response: { 200: loyaltySettingsSchema } } },
    async (request) => loyalty.updateSettings(workspaceOf(request), request.body),
  );

  app.post(
    '/v1/loyalty/sync',
    {
      preHandler: admin,
      schema: { tags, summary: 'Earn points for new orders and events, reverse refunds and cancellations (idempotent)', body: z.object({ since: instant().optional() }).default({}), response: { 200: syncView } },
    },
    async (request) => loyalty.syncOrders(workspaceOf(request), { since: request.body.since }),
  );

  app.post(
    '/v1/loyalty/process',
    {
      preHandler: admin,
      schema: {
        tags,
        summary: 'Sync, then confirm pending points, expire lots, announce expiring points, complete referrals, review tiers, grant surprises',
        response: {
          200: syncView.extend({ confirmedPoints: int, expiredPoints: int, expiringSoonEvents: int, referralsCompleted: int, referralsReversed: int, surprisesGranted: int }),
        },
      },
    },
    async (request) => loyalty.process(workspaceOf(request)),
  );

  app.get('/v1/loyalty/report', { preHandler: read, schema: { tags, summary: 'Liability, breakage, redemption rate, members by tier, top earners, referral stats', response: { 200: reportView } } }, async (request) =>
    loyalty.report(workspaceOf(request)),
  );

  app.get(
    '/v1/loyalty/members',
    {
      preHandler: read,
      schema: {
        tags,
        summary: 'Members with their tier and balance, in id order',
        querystring: pageQuery.extend({ tier: z.string().min(1).max(50).optional() }),
        response: { 200: page(z.object({ customerId: z.string(), externalId: z.string().nullable(), tier: z.string().nullable(), balance: int, pending: int })) },
      },
    },
    async (request) => loyalty.members(workspaceOf(request), request.query),
  );

  app.get(
    '/v1/loyalty/customers/:customer',
    { preHandler: read, schema: { tags, summary: "A customer's balance, tier, progress and referral link", params: customerParams, response: { 200: accountView } } },
    async (request) => loyalty.account(workspaceOf(request), await customerOf(request, request.params.customer)),
  );

  app.get(
    '/v1/loyalty/customers/:customer/history',
    { preHandler: read, schema: { tags, summary: "A customer's ledger, newest first", params: customerParams, querystring: pageQuery, response: { 200: page(entryView) } } },
    async (request) => loyalty.history(workspaceOf(request), await customerOf(request, request.params.customer), request.query),
  );

  app.post(
    '/v1/loyalty/customers/:customer/adjustments',
    {
      preHandler: admin,
      schema: {
        tags,
        summary: 'Add or take points by hand',
        params: customerParams,
        body: z.object({ points: int.refine((n) => n !== 0, 'not 0'), reason: z.string().trim().min(1).max(500), idempotencyKey: z.string().trim().min(1).max(255).optional() }),
        response: { 200: z.object({ entry: entryView, replayed: z.boolean() }) },
      },
    },
    async (request) => loyalty.adjust(workspaceOf(request), { customer: request.params.customer, ...request.body }),
  );

  app.post(
    '/v1/loyalty/customers/:customer/redemptions',
    { preHandler: admin, schema: { tags, summary: 'Redeem points for a reward on behalf of a customer', params: customerParams, body: redeemBody, response: { 200: claimView } } },
    async (request) => loyalty.redeem(workspaceOf(request), await customerOf(request, request.params.customer), request.body.rewardId, request.body.idempotencyKey),
  );

  app.post(
    '/v1/loyalty/customers/:customer/token',
    {
      preHandler: admin,
      schema: {
        tags,
        summary: 'A signed storefront token for this customer (send it as "Authorization: Bearer <token>" to /v1/storefront/loyalty)',
        params: customerParams,
        body: z.object({ ttlSeconds: int.min(60).max(30 * 86_400).default(3_600) }).default({ ttlSeconds: 3_600 }),
        response: { 200: z.object({ token: z.string(), customerId: z.string(), expiresAt: z.date() }) },
      },
    },
    async (request) => loyalty.issueToken(workspaceOf(request), request.params.customer, request.body.ttlSeconds),
  );

  app.get('/v1/loyalty/rewards', { preHandler: read, schema: { tags, summary: 'The rewards catalog', response: { 200: z.object({ data: z.array(rewardView) }) } } }, async (request) => ({
    data: await loyalty.listRewards(workspaceOf(request)),
  }));

  app.post('/v1/loyalty/rewards', { preHandler: admin, schema: { tags, summary: 'Add a reward to the catalog', body: rewardInput, response: { 201: rewardView } } }, async (request, reply) =>
    reply.code(201).send(await loyalty.createReward(workspaceOf(request), request.body)),
  );

  app.patch(
    '/v1/loyalty/rewards/:id',
    { preHandler: admin, schema: { tags, summary: 'Change the stock, cost or availability of a reward', params: z.object({ id: z.uuid() }), body: rewardPatch, response: { 200: rewardView } } },
    async (request) => loyalty.updateReward(workspaceOf(request), request.params.id, request.body),
  );

  app.get('/v1/loyalty/surprise-rules', { preHandler: read, schema: { tags, summary: 'Surprise-and-delight rules', response: { 200: z.object({ data: z.array(surpriseRuleView) }) } } }, async (request) => ({
    data: await loyalty.listSurpriseRules(workspaceOf(request)),
  }));

  app.post('/v1/loyalty/surprise-rules', { preHandler: admin, schema: { tags, summary: 'Grant a reward to a segment once per period', body: surpriseRuleInput, response: { 201: surpriseRuleView } } }, async (request, reply) =>
    reply.code(201).send(await loyalty.createSurpriseRule(workspaceOf(request), request.body)),
  );

  app.post(
    '/v1/loyalty/surprise-rules/run',
    { preHandler: admin, schema: { tags, summary: 'Run the surprise-and-delight rules now (each member is granted once per period)', response: { 200: z.object({ granted: int, skipped: int }) } } },
    async (request) => loyalty.runSurprises(workspaceOf(request)),
  );

  app.post(
    '/v1/loyalty/referrals',
    {
      preHandler: admin,
      schema: {
        tags,
        summary: 'Record a referral by code for a new customer (fraud checks apply)',
        body: z.object({ referee: z.string().min(1).max(255).describe('our id or your external id'), code: z.string().trim().min(1).max(50), paymentFingerprint: z.string().trim().min(1).max(255).optional() }),
        response: { 200: referralView },
      },
    },
    async (request) => loyalty.attachReferral(workspaceOf(request), request.body),
  );

  app.get('/v1/loyalty/referrals/stats', { preHandler: read, schema: { tags, summary: 'Referred customers, conversion, K-factor, revenue', response: { 200: referralStatsView } } }, async (request) =>
    loyalty.referralStats(workspaceOf(request)),
  );

  // The storefront: every route acts for the one customer named in the token.
  const storefront = declareAccess(async (request: FastifyRequest) => {
    const [kind, token] = (request.headers.authorization ?? '').split(' ', 2);
    if (kind?.toLowerCase() !== 'bearer' || !token) throw new AuthError('Send a customer token as "Authorization: Bearer <token>"');
    const claims = await loyalty.verifyToken(token);
    // The customer may have been erased or merged away since the token was issued.
    const customer = await services.customers.get(claims.workspaceId, claims.customerId);
    if (customer.erasedAt) throw new AuthError('This customer no longer exists', 403);
    request.loyaltyCustomer = claims;
  }, 'storefront');
  const me = (request: FastifyRequest) => {
    if (!request.loyaltyCustomer) throw new AuthError();
    return request.loyaltyCustomer;
  };
  const shop = ['storefront'];

  app.get('/v1/storefront/loyalty/me', { preHandler: storefront, schema: { tags: shop, summary: 'Balance, tier progress, benefits, points expiring soon', response: { 200: accountView } } }, async (request) =>
    loyalty.account(me(request).workspaceId, me(request).customerId),
  );

  app.get(
    '/v1/storefront/loyalty/history',
    { preHandler: storefront, schema: { tags: shop, summary: 'Points history, newest first', querystring: pageQuery, response: { 200: page(entryView) } } },
    async (request) => loyalty.history(me(request).workspaceId, me(request).customerId, request.query),
  );

  app.get(
    '/v1/storefront/loyalty/rewards',
    { preHandler: storefront, schema: { tags: shop, summary: 'Rewards open to this customer', response: { 200: z.object({ data: z.array(rewardView.extend({ affordable: z.boolean() })) }) } } },
    async (request) => ({ data: await loyalty.availableRewards(me(request).workspaceId, me(request).customerId) }),
  );

  app.post('/v1/storefront/loyalty/redemptions', { preHandler: storefront, schema: { tags: shop, summary: 'Redeem points for a reward', body: redeemBody, response: { 200: claimView } } }, async (request) =>
    loyalty.redeem(me(request).workspaceId, me(request).customerId, request.body.rewardId, request.body.idempotencyKey),
  );

  app.get(
    '/v1/storefront/loyalty/referral',
    { preHandler: storefront, schema: { tags: shop, summary: "This customer's referral code and link", response: { 200: z.object({ code: z.string(), link: z.string().nullable() }) } } },
    async (request) => loyalty.referral(me(request).workspaceId, me(request).customerId),
  );

  app.post(
    '/v1/storefront/loyalty/referral',
    {
      preHandler: storefront,
      schema: {
        tags: shop,
        summary: 'Enter a friend’s referral code (a new customer, once)',
        body: z.object({ code: z.string().trim().min(1).max(50), paymentFingerprint: z.string().trim().min(1).max(255).optional() }),
        response: { 200: referralView },
      },
    },
    async (request) => loyalty.attachReferral(me(request).workspaceId, { referee: me(request).customerId, ...request.body }),
  );
}
