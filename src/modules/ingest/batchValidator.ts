import type { FastifyRouteSchemaDef, FastifyValidationResult } from 'fastify/types/schema.js';
import { validatorCompiler } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { MAX_BATCH_MESSAGES, TIMESTAMP_FORMAT } from './segmentSpec.ts';

/**
 * The body validator of `/v1/batch`. Zod walks and copies every message generically, a visible
 * share of a 500-event batch's CPU; the messages of tracking traffic (track, page, screen) are
 * checked here by hand against the rules of segmentSpec.ts, and a body that passes is used as it
 * came (ids sent as numbers become strings, as zod's transform makes them). Anything this check
 * does not pass, another message type or anything invalid, goes to zod unchanged, so a bad batch
 * is answered by zod's issues (`batch.N.field`) word for word. batchValidator.test.ts holds the two
 * to the same verdicts and output.
 */
export function batchValidatorCompiler<S>(route: FastifyRouteSchemaDef<S>): FastifyValidationResult {
  // Fastify's route-level type is the route's whole schema; what it passes is the part's, a zod type.
  const zod = validatorCompiler(route as unknown as FastifyRouteSchemaDef<z.core.$ZodType>);
  if (route.httpPart !== 'body') return zod;
  return (data) => (acceptsBatch(data) ? { value: stringifyIds(data) } : zod(data));
}

/** Whether zod would accept the body with no issue, for bodies of track, page and screen messages only. */
export function acceptsBatch(body: unknown): body is { batch: Message[] } {
  if (!isRecord(body)) return false;
  const { batch, context, sentAt } = body;
  if (!Array.isArray(batch) || batch.length < 1 || batch.length > MAX_BATCH_MESSAGES) return false;
  if (!optional(context, isRecord) || !optional(sentAt, isTimestamp)) return false;
  for (const message of batch) if (!acceptsMessage(message)) return false;
  return true;
}

type Message = Record<string, unknown>;

/** The rules segmentSpec.ts declares for these three types; other types are zod's alone. */
function acceptsMessage(m: unknown): boolean {
  if (!isRecord(m)) return false;
  const common =
    optional(m.messageId, isText255) && optional(m.userId, isId) && optional(m.anonymousId, isId) &&
    optional(m.timestamp, isTimestamp) && optional(m.originalTimestamp, isTimestamp) && optional(m.sentAt, isTimestamp) &&
    optional(m.context, isRecord) && optional(m.integrations, isRecord) && optional(m.properties, isRecord);
  if (!common) return false;
  switch (m.type) {
    case 'track':
      return isText255(m.event);
    case 'page':
      return optional(m.name, isString255) && optional(m.category, isString);
    case 'screen':
      return optional(m.name, isString255);
    default:
      return false;
  }
}

/** Zod's `id` transform: a userId or anonymousId sent as a number is a string from here on. */
function stringifyIds(body: { batch: Message[] }): { batch: Message[] } {
  for (const m of body.batch) {
    if (typeof m.userId === 'number') m.userId = String(m.userId);
    if (typeof m.anonymousId === 'number') m.anonymousId = String(m.anonymousId);
  }
  return body;
}

const DATETIME = z.regexes.datetime(TIMESTAMP_FORMAT);
const DATE = z.regexes.date;

const optional = (value: unknown, check: (v: unknown) => boolean) => value === undefined || check(value);
/** `z.record(z.string(), …)` of a parsed JSON body: an object that is not an array (JSON has no other objects). */
const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const isString = (v: unknown) => typeof v === 'string';
/** zod's `max(255)` counts code points: an emoji is one character, two UTF-16 units. */
const within255 = (v: string) => v.length <= 255 || [...v].length <= 255;
const isString255 = (v: unknown) => typeof v === 'string' && within255(v);
/** A non-empty string of at most 255 characters (`z.string().min(1).max(255)`). */
const isText255 = (v: unknown) => typeof v === 'string' && v.length >= 1 && within255(v);
const isId = (v: unknown) => isText255(v) || (typeof v === 'number' && Number.isFinite(v));
const isTimestamp = (v: unknown) => typeof v === 'string' && (DATETIME.test(v) || DATE.test(v));
