import { z } from 'zod';
import { type Authenticator, requireScope, workspaceOf } from '../../kernel/access.ts';
import { page, pageQuery } from '../../kernel/listQuery.ts';
import type { ZodApp } from '../../kernel/http.ts';
import { itemRoutes } from '../../kernel/itemRoutes.ts';
import type { CouponService } from './service.ts';
import type { CustomerService } from '../customers/index.ts';
import type { Db } from '../../db/database.ts';
import { idempotency } from '../../kernel/idempotency.ts';
import type { WorkspaceService } from '../workspaces/index.ts';
import { CAMPAIGN_STATUSES, COUPON_KINDS, campaignInput, campaignPatch, issueInputUpTo, redeemInput } from './types.ts';

/** The services these handlers use (the composition root passes them in). */
interface RouteServices {
  authenticator: Authenticator;
  coupons: CouponService;
  customers: CustomerService;
  db: Db;
  workspaces: WorkspaceService;
}

const minor = z.number().int();
const when = z.date().nullable();

const campaignView = z.object({
  id: z.string(),
  name: z.string(),
  kind: z.enum(COUPON_KINDS),
  value: minor,
  currency: z.string(),
  minSpendMinor: minor,
  startsAt: z.date(),
  endsAt: when,
  validDays: minor.nullable(),
  perCustomerLimit: minor.nullable(),
  budgetMinor: minor.nullable(),
  maxRedemptions: minor.nullable(),
  spentMinor: minor.describe('discount given so far'),
  redemptions: minor,
  codePrefix: z.string(),
  codeLength: minor,
  status: z.enum(CAMPAIGN_STATUSES),
  createdAt: z.date(),
  updatedAt: z.date(),
});

const codeView = z.object({ code: z.string(), customerId: z.string().nullable(), expiresAt: when });

const redemptionView = z.object({
  id: z.string(),
  code: z.string(),
  campaignId: z.string(),
  customerId: z.string(),
  orderExternalId: z.string(),
  orderTotalMinor: minor,
  discountMinor: minor,
  currency: z.string(),
  redeemedAt: z.date(),
  replayed: z.boolean().describe('true when this repeats the result of an earlier request with the same idempotencyKey'),
});

const idParams = z.object({ id: z.string().min(1).max(100) });
const codeStatusView = z.enum(['available', 'redeemed', 'expired', 'not_started', 'inactive']);
const campaignTermsView = campaignView.pick({ id: true, name: true, kind: true, value: true, currency: true, minSpendMinor: true, status: true, startsAt: true, endsAt: true });
const customerCodeView = z.object({
  code: z.string(),
  campaign: campaignTermsView,
  customerId: z.string().nullable(),
  issuedAt: z.date(),
  expiresAt: when,
  redeemedAt: when,
  status: codeStatusView,
});

export async function couponRoutes(app: ZodApp, services: RouteServices): Promise<void> {
  const { coupons } = services;
  const read = requireScope(services, 'read');
  // Campaigns and redemptions move money: admin keys only (ingest keys may sit in browsers).
  const admin = requireScope(services, 'admin');
  const idem = idempotency(services.workspaces.idempotencyKeys);
  const tags = ['coupons'];

  app.post(
    '/v1/coupon-campaigns',
    {
      preHandler: [admin, idem.preHandler],
      onSend: idem.onSend,
      schema: { tags, summary: 'Create a coupon campaign', body: campaignInput, response: { 200: campaignView } },
    },
    async (request) => coupons.createCampaign(workspaceOf(request), request.body),
  );

  app.get(
    '/v1/coupon-campaigns',
    {
      preHandler: read,
      schema: { tags, summary: 'List coupon campaigns, oldest first', querystring: pageQuery.extend({ status: z.enum(CAMPAIGN_STATUSES).optional() }), response: { 200: page(campaignView) } },
    },
    async (request) => coupons.listCampaigns(workspaceOf(request), request.query),
  );

  const campaign = itemRoutes(app, '/v1/coupon-campaigns/:id', { tags, params: idParams, view: campaignView });
  campaign.get(read, 'One coupon campaign', (ws, { id }) => coupons.getCampaign(ws, id));
  campaign.patch(admin, 'Change the name, status (active, paused, ended) or limits of a campaign', campaignPatch, (ws, { id }, body) => coupons.updateCampaign(ws, id, body));
  campaign.delete(admin, 'Delete a campaign nobody redeemed yet, with its codes', (ws, { id }) => coupons.deleteCampaign(ws, id));

  app.post(
    '/v1/coupon-campaigns/:id/codes',
    {
      preHandler: [admin, idem.preHandler],
      onSend: idem.onSend,
      schema: {
        tags,
        summary: 'Issue codes: `count` unassigned ones (up to 100,000 per request; the CLI does a million), or one to each of `customers` or of the members of `segmentId` who has none yet',
        params: idParams,
        body: issueInputUpTo(100_000),
        response: { 200: z.object({ issued: minor, skipped: minor.describe('customers who already held a code'), codes: z.array(codeView) }) },
      },
    },
    async (request) => coupons.issue(workspaceOf(request), request.params.id, request.body),
  );

  app.get(
    '/v1/coupon-campaigns/:id/codes',
    {
      preHandler: read,
      schema: {
        tags,
        summary: "A campaign's codes, in code order",
        params: idParams,
        querystring: pageQuery.extend({ limit: z.coerce.number().int().min(1).max(10_000).default(1000) }),
        response: { 200: page(codeView.extend({ issuedAt: z.date(), redeemedAt: when })) },
      },
    },
    async (request) => coupons.listCodes(workspaceOf(request), request.params.id, request.query),
  );

  app.get(
    '/v1/coupon-campaigns/:id/stats',
    {
      preHandler: read,
      schema: {
        tags,
        summary: 'Issued, redeemed, expired, discount given, and the orders that used the codes with their net revenue',
        params: idParams,
        response: {
          200: z.object({
            campaignId: z.string(),
            issued: minor,
            assigned: minor,
            redeemed: minor,
            expired: minor,
            redemptionRate: z.number(),
            discountMinor: minor,
            budgetRemainingMinor: minor.nullable(),
            orders: minor,
            revenueMinor: minor,
            currency: z.string(),
          }),
        },
      },
    },
    async (request) => coupons.stats(workspaceOf(request), request.params.id),
  );

  app.post(
    '/v1/coupons/redeem',
    {
      preHandler: admin,
      schema: {
        tags,
        summary: 'Redeem a code for an order: at most once per code, within the campaign window, minimum spend, per-customer limit and budget; the same idempotencyKey returns the same result',
        body: redeemInput,
        response: { 200: redemptionView },
      },
    },
    async (request) => coupons.redeem(workspaceOf(request), request.body),
  );

  app.get(
    '/v1/customers/:id/coupons',
    {
      preHandler: read,
      schema: {
        tags: [...tags, 'customers'],
        summary: "The codes a customer holds, newest first, with each campaign's terms and the code's status",
        params: z.object({ id: z.string().min(1).max(255).describe('our id or your external id') }),
        response: { 200: z.object({ data: z.array(customerCodeView) }) },
      },
    },
    async (request) => {
      const ws = workspaceOf(request);
      const customer = await services.customers.find(ws, request.params.id);
      return { data: await coupons.codesOfCustomer(ws, customer.id) };
    },
  );

  app.get(
    '/v1/coupons/:code',
    {
      preHandler: read,
      schema: {
        tags,
        summary: 'A code: its campaign, owner, validity and redemption (spaces, hyphens and full-width characters are ignored)',
        params: z.object({ code: z.string().min(1).max(100) }),
        response: {
          200: customerCodeView.extend({ redemption: redemptionView.omit({ code: true, campaignId: true, replayed: true }).nullable() }),
        },
      },
    },
    async (request) => coupons.lookup(workspaceOf(request), request.params.code),
  );
}
