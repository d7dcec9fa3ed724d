import { z } from 'zod';
import { type Authenticator, requireScope, workspaceOf } from '../../kernel/access.ts';
import { oneOrMany } from '../../kernel/oneOrMany.ts';
import { page, pageQuery } from '../../kernel/listQuery.ts';
import type { ZodApp } from '../../kernel/http.ts';
import type { CatalogService } from './service.ts';
import type { Db } from '../../db/database.ts';
import { idempotency } from '../../kernel/idempotency.ts';
import type { WorkspaceService } from '../workspaces/index.ts';
import { productInput } from './types.ts';

/** The services these handlers use (the composition root passes them in). */
interface RouteServices {
  authenticator: Authenticator;
  catalog: CatalogService;
  db: Db;
  workspaces: WorkspaceService;
}

const productView = z.object({
  id: z.string(),
  sku: z.string(),
  name: z.string().nullable(),
  category: z.string().nullable(),
  priceMinor: z.number().int().nullable(),
  currency: z.string().nullable(),
  attributes: z.record(z.string(), z.unknown()),
  createdAt: z.date(),
  updatedAt: z.date(),
});

export async function catalogRoutes(app: ZodApp, services: RouteServices): Promise<void> {
  const { catalog } = services;
  const read = requireScope(services, 'read');
  const idem = idempotency(services.workspaces.idempotencyKeys);

  app.get(
    '/v1/products',
    {
      preHandler: read,
      schema: {
        tags: ['products'],
        summary: 'List products, oldest first',
        querystring: pageQuery.extend({
          category: z.string().trim().min(1).max(255).optional(),
          search: z.string().trim().min(1).max(200).optional().describe('part of the SKU or name'),
        }),
        response: { 200: page(productView) },
      },
    },
    async (request) => catalog.list(workspaceOf(request), request.query),
  );

  app.get(
    '/v1/products/:sku',
    {
      preHandler: read,
      schema: { tags: ['products'], summary: 'One product by SKU', params: z.object({ sku: z.string().min(1).max(255) }), response: { 200: productView } },
    },
    async (request) => catalog.get(workspaceOf(request), request.params.sku),
  );

  app.post(
    '/v1/products',
    {
      preHandler: [requireScope(services, 'ingest'), idem.preHandler],
      onSend: idem.onSend,
      schema: {
        tags: ['products'],
        summary: 'Create or update products by SKU; absent fields keep their value; a batch is all-or-nothing',
        body: oneOrMany('products', productInput),
        response: {
          200: z.object({ created: z.number().int(), updated: z.number().int(), ids: z.record(z.string(), z.string()).describe('our id for each SKU') }),
        },
      },
    },
    async (request) => {
      const result = await services.db.tx((tx) => catalog.upsertMany(workspaceOf(request), request.body, tx));
      return { created: result.created, updated: result.updated, ids: Object.fromEntries(result.ids) };
    },
  );
}
