import type { ZodApp } from './server.ts';
import type { Services } from './services.ts';
import { workspaceRoutes } from '../modules/workspaces/routes.ts';
import { ingestRoutes } from '../modules/ingest/routes.ts';

/** Each module contributes its routes here; they are thin: validate, call one service method, shape. */
export async function registerRoutes(app: ZodApp, services: Services): Promise<void> {
  await app.register(async (scope) => workspaceRoutes(scope.withTypeProvider(), services));
  await app.register(async (scope) => ingestRoutes(scope.withTypeProvider(), services));
}
