import { createHash } from 'node:crypto';
import type { FastifyReply, FastifyRequest, onSendHookHandler, preHandlerHookHandler } from 'fastify';
import { ConflictError, ValidationError } from '../../kernel/errors.ts';
import { workspaceOf } from '../../app/auth.ts';
import type { Queryable } from '../../db/database.ts';

declare module 'fastify' {
  interface FastifyRequest {
    idempotencyKey?: string;
  }
}

/** A claim older than this belongs to a request that died (crash, timeout) and may be retried. */
const ABANDONED_AFTER = '2 minutes';

/**
 * `Idempotency-Key` on POSTs: the first response (status and body) is stored and replayed for a
 * retry with the same key. The key is claimed before the handler runs, by a unique row, so two
 * concurrent retries cannot both execute; a reused key with a different body is a 409.
 */
export function idempotency(db: Queryable): { preHandler: preHandlerHookHandler; onSend: onSendHookHandler } {
  const preHandler = async (request: FastifyRequest, reply: FastifyReply) => {
    const header = request.headers['idempotency-key'];
    if (header === undefined) return;
    const key = Array.isArray(header) ? header[0] : header;
    if (!key || key.length > 255) {
      throw new ValidationError('Invalid Idempotency-Key', [{ path: ['headers', 'idempotency-key'], message: 'must be 1 to 255 characters' }]);
    }
    const ws = workspaceOf(request);
    const hash = requestHash(request);
    await db.query(
      `DELETE FROM idempotency_keys WHERE workspace_id = $1 AND key = $2 AND status_code = 0 AND created_at < now() - interval '${ABANDONED_AFTER}'`,
      [ws, key],
    );
    const claimed = await db.query(
      `INSERT INTO idempotency_keys (workspace_id, key, request_hash, status_code, response)
       VALUES ($1, $2, $3, 0, 'null') ON CONFLICT (workspace_id, key) DO NOTHING`,
      [ws, key, hash],
    );
    if (claimed.rowCount === 1) {
      request.idempotencyKey = key;
      return;
    }
    const { rows } = await db.query<{ request_hash: string; status_code: number; response: unknown }>(
      'SELECT request_hash, status_code, response FROM idempotency_keys WHERE workspace_id = $1 AND key = $2',
      [ws, key],
    );
    const first = rows[0];
    if (!first) throw new ConflictError('Idempotency-Key is being reused concurrently; retry shortly');
    if (first.request_hash !== hash) throw new ConflictError('Idempotency-Key was already used with a different request');
    if (first.status_code === 0) throw new ConflictError('A request with this Idempotency-Key is still in progress');
    reply.header('idempotent-replayed', 'true');
    return reply.code(first.status_code).send(first.response);
  };

  const onSend = async (request: FastifyRequest, reply: FastifyReply, payload: unknown) => {
    const key = request.idempotencyKey;
    if (!key) return payload;
    const ws = workspaceOf(request);
    // Our own failures are not remembered: the client's retry should get a real second attempt.
    if (reply.statusCode >= 500) {
      await db.query('DELETE FROM idempotency_keys WHERE workspace_id = $1 AND key = $2', [ws, key]);
    } else {
      await db.query('UPDATE idempotency_keys SET status_code = $3, response = $4 WHERE workspace_id = $1 AND key = $2', [
        ws,
        key,
        reply.statusCode,
        asJson(payload),
      ]);
    }
    return payload;
  };
  return { preHandler, onSend };
}

/** The payload is already serialised JSON for our routes; anything else is kept as a JSON string. */
function asJson(payload: unknown): string {
  if (typeof payload !== 'string') return JSON.stringify(payload ?? null);
  try {
    JSON.parse(payload);
    return payload;
  } catch {
    return JSON.stringify(payload);
  }
}

function requestHash(request: FastifyRequest): string {
  return createHash('sha256').update(`${request.method} ${request.url}\n${JSON.stringify(request.body ?? null)}`).digest('hex');
}

/**
 * Erasure: stored responses that name the person (a customers batch answers with its ids) are
 * forgotten; a retry with such a key runs again, as a new request would.
 */
export async function forgetResponsesAbout(q: Queryable, workspaceId: string, customerId: string): Promise<void> {
  await q.query('DELETE FROM idempotency_keys WHERE workspace_id = $1 AND strpos(response::text, $2) > 0', [workspaceId, customerId]);
}
