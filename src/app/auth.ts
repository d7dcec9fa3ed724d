import type { FastifyReply, FastifyRequest } from 'fastify';
import { AuthError } from '../kernel/errors.ts';
import type { Principal, Scope } from '../modules/workspaces/service.ts';
import { ROLE_SCOPES, type Role } from '../modules/users/service.ts';
import { sessionOf } from '../modules/users/session.ts';
import { declareAccess } from './routeAccess.ts';
import type { Services } from './services.ts';

/** A person signed in to the web app; their role decides the scopes. */
export interface UserPrincipal {
  workspaceId: string;
  userId: string;
  sessionId: string;
  role: Role;
  scopes: Scope[];
}

declare module 'fastify' {
  interface FastifyRequest {
    principal?: Principal | UserPrincipal;
  }
}

/**
 * Bearer API key (Segment's libraries send the write key as Basic auth user name; both are accepted),
 * or, without an Authorization header, the web app's session cookie (mutations then need the CSRF
 * token). The workspace always comes from the key or session, never from the request body.
 */
export function requireScope(services: Services, scope: Scope) {
  return declareAccess(async (request: FastifyRequest, _reply: FastifyReply): Promise<void> => {
    const principal = request.headers.authorization === undefined ? await userPrincipal(services, request) : await keyPrincipal(services, request);
    // admin implies the others; read, ingest and messaging are separate so a tracking key can
    // neither read PII nor reach customers.
    if (!principal.scopes.includes(scope) && !principal.scopes.includes('admin')) {
      throw new AuthError('role' in principal ? `Your role (${principal.role}) does not allow this` : `This API key lacks the "${scope}" scope`, 403);
    }
    request.principal = principal;
  }, scope);
}

async function keyPrincipal(services: Services, request: FastifyRequest): Promise<Principal> {
  const key = readKey(request.headers.authorization);
  if (!key) throw new AuthError('Send an API key as "Authorization: Bearer <key>"');
  return services.workspaces.authenticate(key);
}

async function userPrincipal(services: Services, request: FastifyRequest): Promise<UserPrincipal> {
  const { user, session } = await sessionOf(services, request);
  return { workspaceId: user.workspaceId, userId: user.id, sessionId: session.id, role: user.role, scopes: ROLE_SCOPES[user.role] };
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
