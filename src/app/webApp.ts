import { existsSync } from 'node:fs';
import path from 'node:path';
import fastifyStatic from '@fastify/static';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { PROJECT_ROOT } from '../kernel/projectRoot.ts';
import { WEB_APP_CSP } from './securityHeaders.ts';

/** Where `vite build` writes the SPA (webBuild.ts). */
export const WEB_DIST = path.join(PROJECT_ROOT, 'web', 'dist') + path.sep;

/** Paths that belong to the API: never answered with the SPA, whatever the Accept header says. */
const API_PATHS = /^\/(v1(\/|$)|docs(\/|$)|openapi\.json$|healthz$)/;

/** Vite's own stylesheet and script files only (securityHeaders.ts); the app makes no calls to other origins. */
const SECURITY_HEADERS: Record<string, string> = {
  'content-security-policy': WEB_APP_CSP,
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'same-origin',
  'x-frame-options': 'DENY',
};

/**
 * Serves the built SPA at `/`: files from web/dist (hashed assets cached for a year, the rest
 * revalidated), and index.html for any other page a browser asks for, so that deep links such as
 * /customers/123 work. Unknown API paths keep their JSON 404.
 */
export async function registerWebApp(app: FastifyInstance, dist: string = WEB_DIST): Promise<void> {
  const built = existsSync(path.join(dist, 'index.html'));
  if (built) {
    await app.register(fastifyStatic, {
      root: dist,
      setHeaders: (reply, file) => {
        const hashed = file.startsWith(path.join(dist, 'assets') + path.sep);
        reply.headers(SECURITY_HEADERS).header('cache-control', hashed ? 'public, max-age=31536000, immutable' : 'no-cache');
      },
    });
  }

  app.setNotFoundHandler((request: FastifyRequest, reply: FastifyReply) => {
    const url = request.url.split('?', 1)[0]!;
    const page = (request.method === 'GET' || request.method === 'HEAD') && !API_PATHS.test(url) && (request.headers.accept ?? '').includes('text/html');
    if (!page) {
      return reply.code(404).send({ statusCode: 404, error: 'not_found', message: `Route ${request.method} ${url} not found` });
    }
    if (!built) {
      return reply
        .code(503)
        .type('text/html; charset=utf-8')
        .send('<!doctype html><title>Kizuna</title><p>The web app has not been built yet: run <code>npm run build:web</code> (<code>npm start</code> builds it by itself).</p>');
    }
    return reply.headers(SECURITY_HEADERS).header('cache-control', 'no-cache').sendFile('index.html');
  });
}
