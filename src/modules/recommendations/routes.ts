import { z } from 'zod';
import { type Authenticator, requireScope, workspaceOf } from '../../kernel/access.ts';
import { NotFoundError } from '../../kernel/errors.ts';
import type { ZodApp } from '../../kernel/http.ts';
import type { RecommendationService } from './service.ts';

/** The services these handlers use (the composition root passes them in). */
interface RouteServices {
  authenticator: Authenticator;
  recommendations: RecommendationService;
}

const listView = z.object({
  builtAt: z.date().nullable().describe('when the model was built; null before the first build (the list is then empty)'),
  data: z.array(
    z.object({
      product: z.object({
        id: z.string(),
        sku: z.string(),
        name: z.string().nullable(),
        category: z.string().nullable(),
        priceMinor: z.number().int().nullable(),
        currency: z.string().nullable(),
      }),
      score: z.number(),
      source: z.enum(['similar', 'repeat', 'popular']).describe('similar: near what the customer bought or viewed; repeat: bought before and usually re-bought; popular: the fill'),
    }),
  ),
});

const limit = z.coerce.number().int().min(1).max(100).default(10);

export async function recommendationRoutes(app: ZodApp, services: RouteServices): Promise<void> {
  const { recommendations } = services;
  const read = requireScope(services, 'read');

  app.get(
    '/v1/customers/:id/recommendations',
    {
      preHandler: read,
      schema: {
        tags: ['recommendations'],
        summary: 'Personal top-N: products near what the customer bought and viewed, not already bought (unless re-bought often), then popular ones',
        params: z.object({ id: z.string().min(1).max(255).describe('our id or your external id') }),
        querystring: z.object({ limit }),
        response: { 200: listView },
      },
    },
    async (request) => recommendations.forCustomer(workspaceOf(request), request.params.id, request.query.limit),
  );

  app.get(
    '/v1/products/:id/related',
    {
      preHandler: read,
      schema: {
        tags: ['recommendations'],
        summary: "A product's neighbours: related (bought or viewed by the same customers, filled up with popular products) or bought_together (in the same orders)",
        params: z.object({ id: z.string().min(1).max(255).describe('SKU or our id') }),
        querystring: z.object({ kind: z.enum(['related', 'bought_together']).default('related'), limit }),
        response: { 200: listView },
      },
    },
    async (request) => recommendations.related(workspaceOf(request), request.params.id, request.query.kind, request.query.limit),
  );

  const modelView = z.object({
    builtAt: z.date(),
    orders: z.number().int(),
    customers: z.number().int(),
    products: z.number().int(),
    pairs: z.number().int(),
    seconds: z.number(),
  });

  app.get(
    '/v1/recommendations/model',
    { preHandler: read, schema: { tags: ['recommendations'], summary: 'When the model was last built, and from what', response: { 200: modelView } } },
    async (request) => {
      const info = await recommendations.status(workspaceOf(request));
      if (!info) throw new NotFoundError('no model yet: it is built daily, or now by POST /v1/recommendations/rebuild');
      return info;
    },
  );

  app.post(
    '/v1/recommendations/rebuild',
    {
      preHandler: requireScope(services, 'admin'),
      schema: {
        tags: ['recommendations'],
        summary: 'Rebuild the model from all completed orders and product views now (it is also rebuilt on a schedule)',
        response: { 200: modelView },
      },
    },
    async (request) => recommendations.rebuild(workspaceOf(request)),
  );
}
