import type { ZodApp } from '../../app/server.ts';
import type { Services } from '../../app/services.ts';

export async function surveysRoutes(_app: ZodApp, _services: Services): Promise<void> {}
