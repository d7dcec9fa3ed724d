import path from 'node:path';
import { z } from 'zod';

/** Every setting, read once from the environment; CLI flags override through `loadConfig(overrides)`. */
const configSchema = z.object({
  databaseUrl: z.string().url().optional(),
  /** A read replica for heavy read-only work (KPIs, exports, segment previews); unset: the primary. */
  databaseReadUrl: z.string().url().optional(),
  dataDir: z.string().min(1),
  port: z.coerce.number().int().min(0).max(65535),
  host: z.string().min(1),
  logLevel: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']),
  /** Largest accepted HTTP body; Segment's batch limit is 500 KB, ours is roomier for CSV uploads. */
  bodyLimitBytes: z.coerce.number().int().positive(),
  /**
   * Behind a load balancer, the proxies whose X-Forwarded-For is believed (`true`, or their
   * addresses/CIDRs comma-separated): per-client limits (sign-in, anonymous surveys and entries)
   * then count clients, not the proxy. Empty: the connection's address.
   */
  trustProxy: z.string(),
  /**
   * Prometheus metrics (`/metrics`) on their own port, for the operators' network only (docs/security.md);
   * unset: not served.
   */
  metricsPort: z.coerce.number().int().min(0).max(65535).optional(),
  metricsHost: z.string().min(1),
  /** How long a stopping process waits for in-flight requests and the job in hand before it releases the job. */
  shutdownGraceMs: z.coerce.number().int().min(0),
  /** Statement timeout of segment queries (preview, refresh), a guard against a runaway rule; 0: none; unset: SegmentService's default. */
  segmentTimeoutMs: z.coerce.number().int().min(0).optional(),
});

export type Config = z.infer<typeof configSchema>;

export function loadConfig(overrides: Partial<Config> = {}, env: NodeJS.ProcessEnv = process.env): Config {
  return configSchema.parse({
    databaseUrl: env.DATABASE_URL || undefined,
    databaseReadUrl: env.DATABASE_READ_URL || undefined,
    dataDir: path.resolve(env.KIZUNA_DATA_DIR || '.kizuna'),
    port: env.PORT ?? 3000,
    host: env.HOST ?? '127.0.0.1',
    logLevel: env.LOG_LEVEL ?? 'info',
    bodyLimitBytes: env.KIZUNA_BODY_LIMIT ?? 8 * 1024 * 1024,
    trustProxy: env.KIZUNA_TRUST_PROXY ?? '',
    metricsPort: env.KIZUNA_METRICS_PORT || undefined,
    metricsHost: env.KIZUNA_METRICS_HOST || '127.0.0.1',
    shutdownGraceMs: env.KIZUNA_SHUTDOWN_GRACE_MS ?? 25_000,
    segmentTimeoutMs: env.KIZUNA_SEGMENT_TIMEOUT_MS || undefined,
    ...Object.fromEntries(Object.entries(overrides).filter(([, v]) => v !== undefined)),
  });
}
