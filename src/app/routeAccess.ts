import type { FastifyInstance } from 'fastify';
import { accessOf, type Access } from '../kernel/access.ts';

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
