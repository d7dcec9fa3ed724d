import type { FastifyInstance, RouteOptions } from 'fastify';
import type { Scope } from '../modules/workspaces/service.ts';

/**
 * Who may call a route: an API-key scope, or one of the ways in that need no key. `public` routes
 * are authorised by what the request carries (a signed token in the path, a password, nothing for
 * health checks), `session` ones by the sign-in cookie alone, `storefront` ones by a customer token.
 */
export type Access = Scope | 'public' | 'session' | 'storefront';

declare module 'fastify' {
  interface FastifyContextConfig {
    /** Declares a route that takes no API key; every other route has a `requireScope` pre-handler. */
    access?: Exclude<Access, Scope>;
  }
}

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

export interface RouteEntry {
  method: string;
  url: string;
  access: Access | undefined;
}

const tables = new WeakMap<FastifyInstance, RouteEntry[]>();

/** Records every route registered after this call, with its declared access (for the scope-matrix test). */
export function trackRoutes(app: FastifyInstance): void {
  const table: RouteEntry[] = [];
  tables.set(app, table);
  app.addHook('onRoute', (route) => {
    for (const method of [route.method].flat()) {
      // Fastify adds a HEAD twin to every GET; it runs the same handlers.
      if (method !== 'HEAD') table.push({ method, url: route.url, access: accessOf(route) });
    }
  });
}

/** The routes `trackRoutes` saw on this app. */
export function routeTable(app: FastifyInstance): RouteEntry[] {
  return tables.get(app) ?? [];
}
