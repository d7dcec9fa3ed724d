import { createHash } from 'node:crypto';
import type { FastifyReply, FastifyRequest, onSendHookHandler, preHandlerHookHandler } from 'fastify';
import { workspaceOf } from './access.ts';
import { ConflictError, ValidationError } from './errors.ts';

declare module 'fastify' {
  interface FastifyRequest {
    idempotencyKey?: string;
  }
}

/** The first answer stored under a key: `statusCode` 0 while that request is still running. */
export interface StoredResponse {
  requestHash: string;
  statusCode: number;
  response: unknown;
}

/** Where keys are claimed and answers kept (the workspaces module owns the table). */
export interface IdempotencyStore {
  /** Claims the key for a new request; when it is taken, the first request's record (undefined if it just vanished). */
  claimIdempotencyKey(workspaceId: string, key: string, requestHash: string): Promise<{ claimed: true } | { claimed: false; first: StoredResponse | undefined }>;
  storeIdempotentResponse(workspaceId: string, key: string, statusCode: number, responseJson: string): Promise<void>;
  releaseIdempotencyKey(workspaceId: string, key: string): Promise<void>;
}

/**
 * `Idempotency-Key` on POSTs: the first response (status and body) is stored and replayed for a
 * retry with the same key. The key is claimed before the handler runs, by a unique row, so two
 * concurrent retries cannot both execute; a reused key with a different body is a 409.
 */
export function idempotency(store: IdempotencyStore): { preHandler: preHandlerHookHandler; onSend: onSendHookHandler } {
  const preHandler = async (request: FastifyRequest, reply: FastifyReply) => {
    const header = request.headers['idempotency-key'];
    if (header === undefined) return;
    const key = Array.isArray(header) ? header[0] : header;
    if (!key || key.length > 255) {
      throw new ValidationError('Invalid Idempotency-Key', [{ path: ['headers', 'idempotency-key'], message: 'must be 1 to 255 characters' }]);
    }
    const hash = requestHash(request);
    const claim = await store.claimIdempotencyKey(workspaceOf(request), key, hash);
    if (claim.claimed) {
      request.idempotencyKey = key;
      return;
    }
    const first = claim.first;
    if (!first) throw new ConflictError('Idempotency-Key is being reused concurrently; retry shortly');
    if (first.requestHash !== hash) throw new ConflictError('Idempotency-Key was already used with a different request');
    if (first.statusCode === 0) throw new ConflictError('A request with this Idempotency-Key is still in progress');
    reply.header('idempotent-replayed', 'true');
    return reply.code(first.statusCode).send(first.response);
  };

  const onSend = async (request: FastifyRequest, reply: FastifyReply, payload: unknown) => {
    const key = request.idempotencyKey;
    if (!key) return payload;
    const ws = workspaceOf(request);
    // Our own failures are not remembered: the client's retry should get a real second attempt.
    if (reply.statusCode >= 500) await store.releaseIdempotencyKey(ws, key);
    else await store.storeIdempotentResponse(ws, key, reply.statusCode, asJson(payload));
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
