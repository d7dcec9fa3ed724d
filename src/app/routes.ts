import type { ZodApp } from '../kernel/http.ts';
import type { Services } from './services.ts';
import { workspaceRoutes } from '../modules/workspaces/routes.ts';
import { importRoutes } from '../modules/ingest/csv/routes.ts';
import { ingestRoutes } from '../modules/ingest/routes.ts';
import { customerRoutes } from '../modules/customers/routes.ts';
import { orderRoutes } from '../modules/orders/routes.ts';
import { catalogRoutes } from '../modules/catalog/routes.ts';
import { couponRoutes } from '../modules/coupons/routes.ts';
import { recommendationRoutes } from '../modules/recommendations/routes.ts';
import { userRoutes } from '../modules/users/routes.ts';
import { teamRoutes } from '../modules/users/teamRoutes.ts';
import { segmentRoutes } from '../modules/segments/routes.ts';
import { webhookRoutes } from '../modules/webhooks/routes.ts';
import { intelligenceRoutes } from '../modules/intelligence/routes.ts';
import { loyaltyRoutes } from '../modules/loyalty/routes.ts';
import { messagingRoutes } from '../modules/messaging/routes.ts';
import { journeysRoutes } from '../modules/journeys/routes.ts';
import { surveysRoutes } from '../modules/surveys/routes.ts';
import { ugcRoutes } from '../modules/ugc/routes.ts';
import { mediaRoutes } from '../modules/media/routes.ts';
import { privacyRoutes } from '../flows/privacyRoutes.ts';

/** Each module contributes its routes here; they are thin: validate, call one service method, shape. */
export async function registerRoutes(app: ZodApp, services: Services): Promise<void> {
  await app.register(async (scope) => workspaceRoutes(scope.withTypeProvider(), services));
  await app.register(async (scope) => importRoutes(scope.withTypeProvider(), services));
  await app.register(async (scope) => ingestRoutes(scope.withTypeProvider(), services));
  await app.register(async (scope) => customerRoutes(scope.withTypeProvider(), services));
  await app.register(async (scope) => orderRoutes(scope.withTypeProvider(), services));
  await app.register(async (scope) => catalogRoutes(scope.withTypeProvider(), services));
  await app.register(async (scope) => userRoutes(scope.withTypeProvider(), services));
  await app.register(async (scope) => teamRoutes(scope.withTypeProvider(), services));
  await app.register(async (scope) => recommendationRoutes(scope.withTypeProvider(), services));
  await app.register(async (scope) => couponRoutes(scope.withTypeProvider(), services));
  await app.register(async (scope) => segmentRoutes(scope.withTypeProvider(), services));
  await app.register(async (scope) => webhookRoutes(scope.withTypeProvider(), services));
  await app.register(async (scope) => intelligenceRoutes(scope.withTypeProvider(), services));
  await app.register(async (scope) => loyaltyRoutes(scope.withTypeProvider(), services));
  await app.register(async (scope) => messagingRoutes(scope.withTypeProvider(), services));
  await app.register(async (scope) => journeysRoutes(scope.withTypeProvider(), services));
  await app.register(async (scope) => surveysRoutes(scope.withTypeProvider(), services));
  await app.register(async (scope) => ugcRoutes(scope.withTypeProvider(), services));
  await app.register(async (scope) => mediaRoutes(scope.withTypeProvider(), services));
  await app.register(async (scope) => privacyRoutes(scope.withTypeProvider(), services));
}
