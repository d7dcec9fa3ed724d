import type { FastifyReply, FastifyRequest } from 'fastify';
import { AuthError } from './errors.ts';
import type { Principal, Scope } from '../modules/workspaces/service.ts';
import type { Services } from './services.ts';

declare module 'fastify' {
  interface FastifyRequest {
    principal?: Principal;
  }
}

/**
 * Bearer API key (Segment's libraries send the write key as Basic auth user name; both are accepted).
 * The workspace always comes from the key, never from the request body.
 */
export function requireScope(services: Services, scope: Scope) {
  return async (request: FastifyRequest, _reply: FastifyReply): Promise<void> => {
    const key = readKey(request.headers.authorization);
    if (!key) throw new AuthError('Send an API key as "Authorization: Bearer <key>"');
    const principal = await services.workspaces.authenticate(key);
    // admin implies the others; read and ingest are separate so a tracking key cannot read PII.
    if (!principal.scopes.includes(scope) && !principal.scopes.includes('admin')) {
      throw new AuthError(`This API key lacks the "${scope}" scope`, 403);
    }
    request.principal = principal;
  };
}

function readKey(header: string | undefined): string | undefined {
  if (!header) return undefined;
  const [kind, value] = header.split(' ', 2);
  if (!value) return undefined;
  if (kind?.toLowerCase() === 'bearer') return value.trim();
  if (kind?.toLowerCase() === 'basic') return Buffer.from(value, 'base64').toString('utf8').split(':')[0];
  return undefined;
}

/** The authenticated workspace; routes behind `requireScope` always have one. */
export function workspaceOf(request: FastifyRequest): string {
  if (!request.principal) throw new AuthError();
  return request.principal.workspaceId;
}
