import { createReadStream } from 'node:fs';
import type { preHandlerHookHandler } from 'fastify';
import { z } from 'zod';
import { workspaceOf } from '../../kernel/access.ts';
import type { ZodApp } from '../../kernel/http.ts';
import type { MessagingService } from './service.ts';

/** The services these handlers use (the composition root passes them in). */
interface Uses {
  messaging: MessagingService;
}

const batchView = z.object({
  id: z.string(),
  createdAt: z.date(),
  files: z.array(z.object({ kind: z.enum(['pdf', 'csv']), bytes: z.number().int() })),
});

/**
 * Paper DM batches (postcard PDF and mail-house CSV) as the workers wrote them under the data
 * directory: listed and downloaded by the people who run campaigns (`allowed`), never reachable
 * by path. They hold names and postal addresses, so they are not public links.
 */
export function dmBatchRoutes(app: ZodApp, services: Uses, allowed: preHandlerHookHandler): void {
  const store = services.messaging.dmBatches;
  app.get(
    '/v1/messaging/dm-batches',
    { preHandler: allowed, schema: { tags: ['messaging'], summary: 'Paper DM batches written by the workers, newest first', response: { 200: z.object({ data: z.array(batchView) }) } } },
    async (request) => ({ data: await store.list(workspaceOf(request)) }),
  );
  app.get(
    '/v1/messaging/dm-batches/:id/download',
    {
      preHandler: allowed,
      schema: {
        tags: ['messaging'],
        summary: "Download a batch's postcard PDF (default) or its mail-house CSV",
        params: z.object({ id: z.string().min(1).max(100) }),
        querystring: z.object({ file: z.enum(['pdf', 'csv']).default('pdf') }),
      },
    },
    async (request, reply) => {
      const file = await store.file(workspaceOf(request), request.params.id, request.query.file);
      return reply
        .type(file.contentType)
        .header('content-disposition', `attachment; filename="${file.name}"`)
        .header('cache-control', 'private, no-store')
        .send(createReadStream(file.path));
    },
  );
}
