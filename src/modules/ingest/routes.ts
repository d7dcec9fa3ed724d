import type { FastifyRequest } from 'fastify';
import { z } from 'zod';
import { type Authenticator, requireScope, workspaceOf } from '../../kernel/access.ts';
import type { ZodApp } from '../../kernel/http.ts';
import type { Db } from '../../db/database.ts';
import type { IngestService } from './service.ts';
import { idempotency } from '../../kernel/idempotency.ts';
import type { WorkspaceService } from '../workspaces/index.ts';
import { PhaseTimer } from './phases.ts';
import { batchValidatorCompiler } from './batchValidator.ts';
import {
  aliasMessage,
  batchRequest,
  groupMessage,
  identifyMessage,
  pageMessage,
  screenMessage,
  trackMessage,
  withoutType,
  type SegmentMessage,
} from './segmentSpec.ts';

/** The services these handlers use (the composition root passes them in). */
interface RouteServices {
  authenticator: Authenticator;
  db: Db;
  ingest: IngestService;
  workspaces: WorkspaceService;
}

declare module 'fastify' {
  interface FastifyRequest {
    ingestTimer?: PhaseTimer;
  }
}

/** Hooks that charge body parsing, schema validation and the API key check to their phases of the batch's Server-Timing. */
const timed = {
  onRequest: async (request: FastifyRequest) => {
    request.ingestTimer = new PhaseTimer();
  },
  preValidation: async (request: FastifyRequest) => request.ingestTimer?.mark('parse'),
  validated: async (request: FastifyRequest) => request.ingestTimer?.mark('validate'),
  authorised: async (request: FastifyRequest) => request.ingestTimer?.mark('auth'),
};

const ingestResponse = z.object({
  success: z.literal(true),
  events: z.object({ inserted: z.number(), duplicates: z.number() }),
  customers: z.number(),
  orders: z.number(),
  refunds: z.number(),
});

/** Segment HTTP tracking API: point Segment, RudderStack or Jitsu at Kizuna with an ingest key. */
export async function ingestRoutes(app: ZodApp, services: RouteServices): Promise<void> {
  const auth = requireScope(services, 'ingest');
  const { preHandler, onSend } = idempotency(services.workspaces.idempotencyKeys);
  const single = [
    ['identify', identifyMessage, 'Identify a person and set traits'],
    ['track', trackMessage, 'Record an event (ecommerce events also write orders, refunds, products)'],
    ['page', pageMessage, 'Record a page view'],
    ['screen', screenMessage, 'Record a screen view'],
    ['group', groupMessage, 'Link a person to a B2B account'],
    ['alias', aliasMessage, 'Merge a previous id into a user id'],
  ] as const;

  for (const [type, schema, summary] of single) {
    app.post(
      `/v1/${type}`,
      {
        onRequest: timed.onRequest,
        preValidation: timed.preValidation,
        preHandler: [timed.validated, auth, timed.authorised, preHandler],
        onSend,
        schema: { tags: ['ingest'], summary, body: withoutType(schema), response: { 200: ingestResponse } },
      },
      async (request, reply) => {
        const message = { ...(request.body as object), type } as SegmentMessage;
        const timer = request.ingestTimer!;
        timer.mark('idempotency'); // the Idempotency-Key claim
        const result = await services.ingest.ingest(workspaceOf(request), [message], [], timer);
        reply.header('server-timing', timer.header());
        return { success: true as const, ...result };
      },
    );
  }

  app.post(
    '/v1/batch',
    {
      onRequest: timed.onRequest,
      preValidation: timed.preValidation,
      preHandler: [timed.validated, auth, timed.authorised, preHandler],
      onSend,
      validatorCompiler: batchValidatorCompiler,
      schema: {
        tags: ['ingest'],
        summary: 'Many messages at once; all-or-nothing (one invalid message rejects the batch)',
        body: batchRequest,
        response: { 200: ingestResponse },
      },
    },
    async (request, reply) => {
      const timer = request.ingestTimer!;
      timer.mark('idempotency'); // the Idempotency-Key claim
      const { batch, context } = request.body;
      // Batch-level context applies to every message that has none of its own (Segment's behaviour).
      const messages = context ? batch.map((m) => ({ ...m, context: m.context ?? context })) : batch;
      const result = await services.ingest.ingest(workspaceOf(request), messages, ['batch'], timer);
      reply.header('server-timing', timer.header());
      return { success: true as const, ...result };
    },
  );
}
