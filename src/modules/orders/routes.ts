import { z } from 'zod';
import { type Authenticator, requireScope, workspaceOf } from '../../kernel/access.ts';
import { NotFoundError, ValidationError, type FieldIssue } from '../../kernel/errors.ts';
import { oneOrMany } from '../../kernel/oneOrMany.ts';
import { instant, page, pageQuery } from '../../kernel/listQuery.ts';
import type { ZodApp } from '../../kernel/http.ts';
import type { CustomerService } from '../customers/index.ts';
import type { Db } from '../../db/database.ts';
import type { OrderService } from './service.ts';
import type { Queryable } from '../../db/database.ts';
import { idempotency } from '../../kernel/idempotency.ts';
import type { WorkspaceService } from '../workspaces/index.ts';
import { orderInput, refundInput, type OrderInput } from './types.ts';

/** The services these handlers use (the composition root passes them in). */
interface RouteServices {
  authenticator: Authenticator;
  customers: CustomerService;
  db: Db;
  orders: OrderService;
  workspaces: WorkspaceService;
}

const ORDER_STATUSES = ['pending', 'completed', 'cancelled'] as const;
const minor = z.number().int();

export const orderView = z.object({
  id: z.string(),
  externalId: z.string(),
  customerId: z.string(),
  status: z.enum(ORDER_STATUSES),
  currency: z.string(),
  subtotalMinor: minor,
  discountMinor: minor,
  taxMinor: minor,
  shippingMinor: minor,
  totalMinor: minor,
  refundedMinor: minor,
  netMinor: minor.describe('total − refunds, 0 when cancelled: what KPIs count'),
  couponCode: z.string().nullable(),
  orderedAt: z.date(),
  attributes: z.record(z.string(), z.unknown()),
  lines: z.array(
    z.object({
      lineNo: z.number().int(),
      productId: z.string().nullable(),
      sku: z.string().nullable(),
      name: z.string().nullable(),
      category: z.string().nullable(),
      quantity: z.number().int(),
      unitPriceMinor: minor,
      totalMinor: minor,
    }),
  ),
  createdAt: z.date(),
  updatedAt: z.date(),
});

export const refundView = z.object({
  id: z.string(),
  externalId: z.string(),
  orderId: z.string(),
  amountMinor: minor,
  reason: z.string().nullable(),
  refundedAt: z.date(),
  createdAt: z.date(),
});

const idParams = z.object({ id: z.string().min(1).max(255).describe('our id or your external id') });

export async function orderRoutes(app: ZodApp, services: RouteServices): Promise<void> {
  const { orders } = services;
  const read = requireScope(services, 'read');
  const ingest = requireScope(services, 'ingest');
  const idem = idempotency(services.workspaces.idempotencyKeys);

  app.get(
    '/v1/orders',
    {
      preHandler: read,
      schema: {
        tags: ['orders'],
        summary: 'List orders, oldest first',
        querystring: pageQuery.extend({
          customerId: z.uuid().optional(),
          status: z.enum(ORDER_STATUSES).optional(),
          from: instant().optional().describe('ordered at or after'),
          to: instant().optional().describe('ordered before'),
        }),
        response: { 200: page(orderView) },
      },
    },
    async (request) => orders.list(workspaceOf(request), request.query),
  );

  app.get(
    '/v1/orders/:id',
    { preHandler: read, schema: { tags: ['orders'], summary: 'One order with its lines', params: idParams, response: { 200: orderView } } },
    async (request) => orders.get(workspaceOf(request), request.params.id),
  );

  app.post(
    '/v1/orders',
    {
      preHandler: [ingest, idem.preHandler],
      onSend: idem.onSend,
      schema: {
        tags: ['orders'],
        summary: 'Create or replace orders by externalId (lines too); amounts in minor units; a batch is all-or-nothing',
        body: oneOrMany('orders', orderInput),
        response: { 200: z.object({ created: z.number().int(), updated: z.number().int() }) },
      },
    },
    async (request) => {
      const ws = workspaceOf(request);
      return services.db.tx(async (tx) => {
        await assertCustomersExist(services, ws, request.body, tx);
        return orders.upsertMany(ws, request.body, tx);
      });
    },
  );

  app.post(
    '/v1/orders/:id/refunds',
    {
      preHandler: [ingest, idem.preHandler],
      onSend: idem.onSend,
      schema: {
        tags: ['orders'],
        summary: 'Record refunds of an order; a refund already recorded (same externalId) is skipped',
        params: idParams,
        body: oneOrMany('refunds', refundInput.omit({ orderExternalId: true })),
        response: { 200: z.object({ created: z.number().int(), duplicates: z.number().int(), order: orderView }) },
      },
    },
    async (request) => {
      const ws = workspaceOf(request);
      return services.db.tx(async (tx) => {
        const order = await orders.get(ws, request.params.id, tx);
        const result = await orders.refundMany(ws, request.body.map((r) => ({ ...r, orderExternalId: order.externalId })), tx);
        return { ...result, order: await orders.get(ws, order.id, tx) };
      });
    },
  );
}

/** `customerId` is ours: one from another workspace, or made up, is the client's mistake, not a foreign-key 500. */
async function assertCustomersExist(services: RouteServices, ws: string, inputs: OrderInput[], tx: Queryable): Promise<void> {
  const known = new Map<string, boolean>();
  const issues: FieldIssue[] = [];
  for (const [index, { customerId }] of inputs.entries()) {
    if (!customerId) continue;
    if (!known.has(customerId)) {
      const found = await services.customers.get(ws, customerId, tx).then(
        () => true,
        (err: unknown) => {
          if (err instanceof NotFoundError) return false;
          throw err;
        },
      );
      known.set(customerId, found);
    }
    if (!known.get(customerId)) issues.push({ path: [index, 'customerId'], message: `customer ${customerId} not found` });
  }
  if (issues.length > 0) throw new ValidationError('Some orders name an unknown customer', issues);
}
