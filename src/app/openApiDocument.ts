/**
 * The OpenAPI document of this build, made in-process: the routes are registered on a server whose
 * pool points nowhere and is never used, so the web app's types (scripts/apiTypes.ts) come from
 * the same zod schemas that validate requests, on a fresh clone and without a running server.
 */
import { connect } from '../db/database.ts';
import { loadConfig } from '../config.ts';
import { buildServer } from './server.ts';
import { createServices } from './services.ts';

export async function openApiDocument(): Promise<Record<string, unknown>> {
  // Port 1 on the loopback: nothing connects here, and a query by mistake would fail at once.
  const db = connect('postgres://unused@127.0.0.1:1/unused', { max: 1 });
  const app = await buildServer(createServices(db), loadConfig({ logLevel: 'silent' }));
  try {
    await app.ready();
    return app.swagger() as unknown as Record<string, unknown>;
  } finally {
    await app.close();
    await db.close();
  }
}
