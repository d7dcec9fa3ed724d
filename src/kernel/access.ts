import type { FastifyReply, FastifyRequest, RouteOptions } from 'fastify';
import { AuthError } from './errors.ts';

/**
 * What an API key may do (docs/security.md, "Scopes and roles"): `ingest` only writes customer data
 * (safe in browser and app code), `read` reads, `messaging` is the marketer's work that reaches
 * customers (campaigns, journeys, coupons, grants), `admin` implies all of them.
 */
export const SCOPES = ['ingest', 'read', 'messaging', 'admin'] as const;
export type Scope = (typeof SCOPES)[number];

/** Who is calling: an API key, or a person signed in to the web app (whose role decides the scopes). */
export interface KeyPrincipal {
  workspaceId: string;
  keyId: string;
  scopes: Scope[];
}

export interface UserPrincipal {
  workspaceId: string;
  userId: string;
  sessionId: string;
  role: string;
  scopes: Scope[];
}

export type RequestPrincipal = KeyPrincipal | UserPrincipal;

declare module 'fastify' {
  interface FastifyRequest {
    principal?: RequestPrincipal;
  }
  interface FastifyContextConfig {
    /** Declares a route that takes no API key; every other route has a `requireScope` pre-handler. */
    access?: Exclude<Access, Scope>;
  }
}

/**
 * Turns a request's credentials into a principal. The users module implements it (keys through the
 * workspaces service, cookies through sessions); the composition root hands it to every route.
 */
export interface Authenticator {
  principalOf(request: FastifyRequest): Promise<RequestPrincipal>;
}

/**
 * Who may call a route: an API-key scope, or one of the ways in that need no key. `public` routes
 * are authorised by what the request carries (a signed token in the path, a password, nothing for
 * health checks), `session` ones by the sign-in cookie alone, `storefront` ones by a customer token.
 */
export type Access = Scope | 'public' | 'session' | 'storefront';

const ACCESS = Symbol('kizuna.access');
type Marked = { [ACCESS]?: Access };

/** Tags a pre-handler with the access it enforces, so the route table can be checked against docs/security.md. */
export function declareAccess<F extends (...args: never[]) => unknown>(handler: F, access: Access): F {
  (handler as F & Marked)[ACCESS] = access;
  return handler;
}

/** The access a route declares: its pre-handlers' tag, or `config.access`; undefined when it declares none. */
export function accessOf(route: Pick<RouteOptions, 'preHandler' | 'config'>): Access | undefined {
  const handlers = route.preHandler === undefined ? [] : Array.isArray(route.preHandler) ? route.preHandler : [route.preHandler];
  const tagged = handlers.map((h) => (h as Marked)[ACCESS]).filter((a): a is Access => a !== undefined);
  const configured = (route.config as { access?: Access } | undefined)?.access;
  return tagged[0] ?? configured;
}

/**
 * The pre-handler of every keyed route: Bearer API key (Segment's libraries send the write key as
 * Basic auth user name; both are accepted), or, without an Authorization header, the web app's
 * session cookie (mutations then need the CSRF token). The workspace always comes from the key or
 * session, never from the request body.
 */
export function requireScope(deps: { authenticator: Authenticator }, scope: Scope) {
  return declareAccess(async (request: FastifyRequest, _reply: FastifyReply): Promise<void> => {
    const principal = await deps.authenticator.principalOf(request);
    // admin implies the others; read, ingest and messaging are separate so a tracking key can
    // neither read PII nor reach customers.
    if (!principal.scopes.includes(scope) && !principal.scopes.includes('admin')) {
      throw new AuthError('role' in principal ? `Your role (${principal.role}) does not allow this` : `This API key lacks the "${scope}" scope`, 403);
    }
    request.principal = principal;
  }, scope);
}

/** The authenticated workspace; routes behind `requireScope` always have one. */
export function workspaceOf(request: FastifyRequest): string {
  if (!request.principal) throw new AuthError();
  return request.principal.workspaceId;
}
