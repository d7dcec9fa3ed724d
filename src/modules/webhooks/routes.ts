import { z } from 'zod';
import { type Authenticator, requireScope, workspaceOf } from '../../kernel/access.ts';
import { referenceIn } from '../../kernel/references.ts';
import type { ZodApp } from '../../kernel/http.ts';
import { itemRoutes } from '../../kernel/itemRoutes.ts';
import type { SegmentService } from '../segments/index.ts';
import type { WebhookService } from './service.ts';
import { WEBHOOK_EVENTS, webhookInput } from './types.ts';

/** The services these handlers use (the composition root passes them in). */
interface RouteServices {
  authenticator: Authenticator;
  segments: SegmentService;
  webhooks: WebhookService;
}

const webhookView = z.object({
  id: z.string(),
  url: z.string(),
  events: z.array(z.enum(WEBHOOK_EVENTS)),
  segmentIds: z.array(z.string()).nullable(),
  description: z.string().nullable(),
  active: z.boolean(),
  secretPrefix: z.string(),
  createdAt: z.date(),
});

const deliveryView = z.object({
  id: z.string(),
  webhookId: z.string(),
  eventType: z.string(),
  status: z.enum(['pending', 'delivered', 'failed']),
  attempts: z.number().int(),
  nextAttemptAt: z.date(),
  lastStatus: z.number().int().nullable(),
  lastError: z.string().nullable(),
  createdAt: z.date(),
  deliveredAt: z.date().nullable(),
});

const idParams = z.object({ id: z.uuid({ error: 'a webhook id' }) });

export async function webhookRoutes(app: ZodApp, services: RouteServices): Promise<void> {
  const { webhooks } = services;
  // Endpoints receive customer identifiers (hashed) and their secrets sign for us: admin only.
  const admin = requireScope(services, 'admin');
  const tags = ['webhooks'];

  app.post(
    '/v1/webhooks',
    {
      preHandler: admin,
      schema: {
        tags,
        summary: 'Register an endpoint; the signing secret is in this response only (docs/segments.md shows how to verify)',
        body: webhookInput,
        response: { 201: z.object({ webhook: webhookView, secret: z.string() }) },
      },
    },
    async (request, reply) => {
      const ws = workspaceOf(request);
      // Segment ids must be this workspace's (the webhook module cannot see segments: they depend on it).
      for (const [i, id] of (request.body.segmentIds ?? []).entries()) await referenceIn(['segmentIds', i], () => services.segments.get(ws, id));
      return reply.code(201).send(await webhooks.create(ws, request.body));
    },
  );

  app.get(
    '/v1/webhooks',
    { preHandler: admin, schema: { tags, summary: 'Registered endpoints', response: { 200: z.object({ data: z.array(webhookView) }) } } },
    async (request) => ({ data: await webhooks.list(workspaceOf(request)) }),
  );

  const webhook = itemRoutes(app, '/v1/webhooks/:id', { tags, params: idParams, view: z.null() });
  webhook.delete(admin, 'Remove an endpoint and its pending deliveries', (ws, { id }) => webhooks.remove(ws, id));

  app.get(
    '/v1/webhooks/:id/deliveries',
    {
      preHandler: admin,
      schema: {
        tags,
        summary: 'The latest deliveries to an endpoint, with their attempts and errors',
        params: idParams,
        querystring: z.object({ limit: z.coerce.number().int().min(1).max(500).default(50) }),
        response: { 200: z.object({ data: z.array(deliveryView) }) },
      },
    },
    async (request) => ({ data: await webhooks.deliveries(workspaceOf(request), request.params.id, request.query.limit) }),
  );
}
