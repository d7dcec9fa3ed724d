import { z } from 'zod';
import { type Authenticator, requireScope, workspaceOf } from '../../kernel/access.ts';
import type { ZodApp } from '../../kernel/http.ts';
import type { WorkspaceService } from './service.ts';
import { SCOPES } from './service.ts';

/** The services these handlers use (the composition root passes them in). */
interface RouteServices {
  authenticator: Authenticator;
  workspaces: WorkspaceService;
}

const apiKeyView = z.object({
  id: z.string(),
  name: z.string(),
  prefix: z.string(),
  scopes: z.array(z.enum(SCOPES)),
  createdAt: z.date(),
  lastUsedAt: z.date().nullable(),
  revokedAt: z.date().nullable(),
});

export async function workspaceRoutes(app: ZodApp, services: RouteServices): Promise<void> {
  const { workspaces } = services;

  app.get(
    '/v1/workspace',
    {
      preHandler: requireScope(services, 'read'),
      schema: {
        tags: ['workspace'],
        summary: 'The workspace of the API key',
        response: {
          200: z.object({ id: z.string(), name: z.string(), currency: z.string(), timeZone: z.string(), locale: z.string(), createdAt: z.date() }),
        },
      },
    },
    async (request) => workspaces.get(workspaceOf(request)),
  );

  app.get(
    '/v1/api-keys',
    {
      preHandler: requireScope(services, 'admin'),
      schema: {
        tags: ['workspace'],
        summary: 'List API keys (secrets are never shown again), and the scopes a key may have',
        response: { 200: z.object({ data: z.array(apiKeyView), scopes: z.array(z.enum(SCOPES)) }) },
      },
    },
    async (request) => ({ data: await workspaces.listApiKeys(workspaceOf(request)), scopes: [...SCOPES] }),
  );

  app.post(
    '/v1/api-keys',
    {
      preHandler: requireScope(services, 'admin'),
      schema: {
        tags: ['workspace'],
        summary: 'Create an API key; the secret is in this response only',
        body: z.object({ name: z.string().trim().min(1).max(100), scopes: z.array(z.enum(SCOPES)).min(1) }),
        response: { 201: z.object({ key: z.string(), apiKey: apiKeyView }) },
      },
    },
    async (request, reply) => {
      const { info, key } = await workspaces.createApiKey(workspaceOf(request), request.body);
      return reply.code(201).send({ key, apiKey: info });
    },
  );

  app.delete(
    '/v1/api-keys/:id',
    {
      preHandler: requireScope(services, 'admin'),
      schema: { tags: ['workspace'], summary: 'Revoke an API key', params: z.object({ id: z.uuid() }), response: { 204: z.null() } },
    },
    async (request, reply) => {
      await workspaces.revokeApiKey(workspaceOf(request), request.params.id);
      return reply.code(204).send(null);
    },
  );
}
