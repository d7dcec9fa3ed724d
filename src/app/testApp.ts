import type { Db } from '../db/database.ts';
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
