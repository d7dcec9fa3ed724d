import { after } from 'node:test';
import type { InjectOptions } from 'fastify';
import type { Db } from '../db/database.ts';
import type { TestDatabase } from '../db/testDatabase.ts';
import { loadConfig, type Config } from '../config.ts';
import { buildServer, type App } from './server.ts';
import { createServices, type Services } from './services.ts';
import type { Scope } from '../modules/workspaces/index.ts';

/** An app over a test database with one fresh workspace; `headers(scope)` gives a key of that scope. */
export async function testApp(db: Db, overrides: Partial<Config> = {}) {
  const services: Services = createServices(db);
  const app: App = await buildServer(services, loadConfig({ logLevel: 'silent', ...overrides }));
  const { workspace, apiKey } = await services.workspaces.create({ name: `test-${Math.random().toString(36).slice(2)}` });
  const keys = new Map<Scope, string>([['admin', apiKey]]);
  const headers = async (scope: Scope = 'admin') => {
    if (!keys.has(scope)) keys.set(scope, (await services.workspaces.createApiKey(workspace.id, { name: scope, scopes: [scope] })).key);
    return { authorization: `Bearer ${keys.get(scope)}` };
  };
  return { app, services, workspace, headers };
}

export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

/**
 * The set-up of an API test suite, called in its `describeEachDatabase` body: each call of the
 * returned function opens a `testApp` (closed after the suite) with `call`, a request under a key
 * of `scope` (admin unless told) plus any `extra` headers. `ownPool` gives each app a pool of its
 * own (closed after its app), for tests that need more connections than the suite's.
 */
export function suiteApps(t: TestDatabase, ownPool?: (suiteDb: Db) => Db) {
  const closing: { close(): Promise<unknown> }[] = [];
  after(async () => {
    for (const c of closing) await c.close();
  });
  return async (overrides: Partial<Config> = {}) => {
    const db = ownPool?.(t.db);
    const ctx = await testApp(db ?? t.db, overrides);
    closing.push(ctx.app, ...(db ? [db] : []));
    const call = async (method: HttpMethod, url: string, payload?: unknown, scope: Scope = 'admin', extra: Record<string, string> = {}) =>
      ctx.app.inject({ method, url, payload: payload as InjectOptions['payload'], headers: { ...(await ctx.headers(scope)), ...extra } });
    return { ...ctx, call };
  };
}
