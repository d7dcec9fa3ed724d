/**
 * Log output for people and for machines. On a terminal: short human lines (`12:03:04 message`,
 * warnings and errors marked). `KIZUNA_LOG=json`, or stdout not being a terminal (a service
 * manager, a pipe, a container's log driver): JSON lines only, one object per line in pino's shape
 * (`level`, `time`, `msg`), the same as the HTTP server's own lines. `KIZUNA_LOG=human` forces lines.
 */
import type { Writable } from 'node:stream';

export type LogFormat = 'json' | 'human';

const LEVELS: Record<string, number> = { trace: 10, debug: 20, info: 30, warn: 40, error: 50, fatal: 60 };
const NAMES = Object.fromEntries(Object.entries(LEVELS).map(([k, v]) => [v, k]));

export function logFormat(env: NodeJS.ProcessEnv = process.env, isTty = Boolean(process.stdout.isTTY)): LogFormat {
  if (env.KIZUNA_LOG === 'json') return 'json';
  if (env.KIZUNA_LOG === 'human') return 'human';
  return isTty ? 'human' : 'json';
}

/** One log record as a line in the given format. */
export function formatLog(format: LogFormat, level: keyof typeof LEVELS, msg: string, fields: Record<string, unknown> = {}, time = new Date()): string {
  if (format === 'json') return `${JSON.stringify({ level: LEVELS[level], time: time.getTime(), msg, ...fields })}\n`;
  return humanLine(LEVELS[level]!, time, msg, fields);
}

function humanLine(level: number, time: Date, msg: string, fields: Record<string, unknown>): string {
  const clock = time.toTimeString().slice(0, 8);
  const mark = level >= 50 ? 'ERROR ' : level >= 40 ? 'warn ' : '';
  const err = fields.err as { message?: string } | undefined;
  return `${clock} ${mark}${msg}${err?.message ? `: ${err.message}` : ''}\n`;
}

/** Writes a record to stdout. */
export function log(level: keyof typeof LEVELS, msg: string, fields?: Record<string, unknown>): void {
  process.stdout.write(formatLog(logFormat(), level, msg, fields));
}

/**
 * The stream the HTTP server's logger writes to: its JSON lines as they are, or each turned into a
 * human line (requests, logged at debug level, as `GET /v1/x` and `→ 200 in 12 ms`).
 */
export function serverLogStream(format: LogFormat, out: Writable = process.stdout): { write(line: string): void } {
  if (format === 'json') return { write: (line) => void out.write(line) };
  return {
    write(line) {
      let rec: Record<string, unknown>;
      try {
        rec = JSON.parse(line) as Record<string, unknown>;
      } catch {
        out.write(line);
        return;
      }
      const { level, time, msg, req, res, responseTime, ...fields } = rec as {
        level: number;
        time: number;
        msg?: string;
        req?: { method?: string; url?: string };
        res?: { statusCode?: number };
        responseTime?: number;
      } & Record<string, unknown>;
      const text = req
        ? `${req.method} ${req.url}`
        : res && typeof responseTime === 'number'
          ? `→ ${res.statusCode} in ${Math.round(responseTime)} ms`
          : (msg ?? NAMES[level] ?? '');
      out.write(humanLine(level, new Date(time), text, fields));
    },
  };
}
