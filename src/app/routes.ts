import type { ZodApp } from './server.ts';
import type { Services } from './services.ts';
import { workspaceRoutes } from '../modules/workspaces/routes.ts';
import { importRoutes } from '../modules/ingest/csv/routes.ts';
import { ingestRoutes } from '../modules/ingest/routes.ts';
import { customerRoutes } from '../modules/customers/routes.ts';
import { orderRoutes } from '../modules/orders/routes.ts';
import { catalogRoutes } from '../modules/catalog/routes.ts';

/** Each module contributes its routes here; they are thin: validate, call one service method, shape. */
export async function registerRoutes(app: ZodApp, services: Services): Promise<void> {
  await app.register(async (scope) => workspaceRoutes(scope.withTypeProvider(), services));
  await app.register(async (scope) => importRoutes(scope.withTypeProvider(), services));
  await app.register(async (scope) => ingestRoutes(scope.withTypeProvider(), services));
  await app.register(async (scope) => customerRoutes(scope.withTypeProvider(), services));
  await app.register(async (scope) => orderRoutes(scope.withTypeProvider(), services));
  await app.register(async (scope) => catalogRoutes(scope.withTypeProvider(), services));
}
