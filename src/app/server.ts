import fastifyCookie from '@fastify/cookie';
import fastifySwagger from '@fastify/swagger';
import fastifySwaggerUi from '@fastify/swagger-ui';
import Fastify, { LogController, type FastifyInstance } from 'fastify';
import { hasZodFastifySchemaValidationErrors, serializerCompiler, type ZodTypeProvider } from 'fastify-type-provider-zod';
import type { Config } from '../config.ts';
import { KizunaError, ValidationError, type FieldIssue } from '../kernel/errors.ts';
import { guardHostileInput } from './hostileInput.ts';
import { bodyAbsentAsUndefined, transformDocument, transformRoute } from './optionalBodies.ts';
import { trackRoutes } from './routeAccess.ts';
import { registerRoutes } from './routes.ts';
import type { Services } from './services.ts';
import { registerWebApp } from './webApp.ts';
import { logFormat, serverLogStream } from '../kernel/log.ts';
import { registerSecurityHeaders } from './securityHeaders.ts';
import { instrumentRequests, type Metrics } from './metrics.ts';
import { checkReadiness } from '../db/readiness.ts';

export type App = FastifyInstance;

export interface ServerOptions {
  /** Request latencies go here (metrics.ts); without it, none are recorded. */
  metrics?: Metrics;
  /** Set when the process is stopping: `/readyz` answers 503 so the balancer sends no new requests. */
  draining?: () => boolean;
}

/** Assembles the HTTP server: validation, OpenAPI (`/openapi.json`, `/docs`), error mapping, module routes. */
export async function buildServer(services: Services, config: Config, options: ServerOptions = {}): Promise<App> {
  const app = Fastify({
    logger: config.logLevel === 'silent' ? false : { level: config.logLevel, stream: serverLogStream(logFormat()) },
    bodyLimit: config.bodyLimitBytes,
    // `true` believes every hop; otherwise the proxies' addresses or CIDRs, comma-separated.
    ...(config.trustProxy ? { trustProxy: config.trustProxy === 'true' ? true : config.trustProxy } : {}),
    // One log line per request would dominate a busy ingest pipeline; debug/trace turn them on.
    logController: new LogController({ disableRequestLogging: config.logLevel !== 'debug' && config.logLevel !== 'trace' }),
  });
  app.setValidatorCompiler(bodyAbsentAsUndefined);
  app.setSerializerCompiler(serializerCompiler);
  guardHostileInput(app);
  registerSecurityHeaders(app);
  trackRoutes(app);
  if (options.metrics) instrumentRequests(app, options.metrics);
  // A response finished while stopping closes its connection: a kept-alive one would hold the close open.
  if (options.draining) {
    const draining = options.draining;
    app.addHook('onSend', async (_request, reply) => {
      if (draining()) reply.header('connection', 'close');
    });
  }
  app.setErrorHandler((err, request, reply) => {
    const body = errorBody(err);
    if (body.statusCode >= 500) request.log.error({ err }, 'request failed');
    return reply.code(body.statusCode).send(body);
  });

  await app.register(fastifySwagger, {
    openapi: {
      info: { title: 'Kizuna API', description: 'Retention marketing platform', version: '0.1.0' },
      components: { securitySchemes: { apiKey: { type: 'http', scheme: 'bearer' } } },
      security: [{ apiKey: [] }],
    },
    transform: transformRoute,
    // Schemas named with `.meta({ id })` become components; recursive ones (segment conditions) need it.
    transformObject: transformDocument,
  });
  await app.register(fastifySwaggerUi, { routePrefix: '/docs' });
  app.get('/openapi.json', { config: { access: 'public' }, schema: { hide: true } }, async () => app.swagger());
  app.get('/healthz', { config: { access: 'public' }, schema: { hide: true } }, async () => {
    await services.db.query('SELECT 1');
    return { ok: true };
  });
  // Readiness, unlike liveness, fails while the schema is behind this build or the process stops.
  app.get('/readyz', { config: { access: 'public' }, schema: { hide: true } }, async (_request, reply) => {
    const state = options.draining?.() ? { ready: false as const, reason: 'shutting_down' } : await checkReadiness(services.db, { readDb: services.readDb });
    return reply.code(state.ready ? 200 : 503).send(state);
  });

  await app.register(fastifyCookie);
  await registerRoutes(app.withTypeProvider<ZodTypeProvider>(), services);
  await registerWebApp(app);
  return app;
}

interface ErrorBody {
  statusCode: number;
  error: string;
  message: string;
  issues?: FieldIssue[];
}

/** Client mistakes keep their 4xx; only our own faults become 500, and those never leak internals. */
function errorBody(err: unknown): ErrorBody {
  if (hasZodFastifySchemaValidationErrors(err)) {
    const where = (err as { validationContext?: string }).validationContext ?? 'body';
    const issues: FieldIssue[] = err.validation.map((v) => ({
      path: [where, ...v.instancePath.split('/').filter(Boolean).map((p) => (/^\d+$/.test(p) ? Number(p) : p))],
      message: v.message ?? 'invalid',
      code: v.keyword,
    }));
    return { statusCode: 400, error: 'validation_failed', message: `Invalid request ${where}`, issues };
  }
  if (err instanceof ValidationError) {
    return { statusCode: 400, error: err.code, message: err.message, issues: err.issues };
  }
  if (err instanceof KizunaError) return { statusCode: err.status, error: err.code, message: err.message };
  const e = err as { statusCode?: number; code?: string; message?: string };
  // Postgres rejecting a malformed value (class 22, data exception: an id that is not a uuid, an
  // impossible date, a NUL byte in text) is the client's mistake: requests carry all our data.
  if (e.code?.startsWith('22')) {
    return { statusCode: 400, error: 'validation_failed', message: 'A value in the request has an invalid format' };
  }
  if (typeof e.statusCode === 'number' && e.statusCode >= 400 && e.statusCode < 500) {
    return { statusCode: e.statusCode, error: e.code ?? 'bad_request', message: e.message ?? 'Bad request' };
  }
  return { statusCode: 500, error: 'internal', message: 'Internal server error' };
}
