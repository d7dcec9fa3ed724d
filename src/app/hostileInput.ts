import type { FastifyInstance, FastifyRequest } from 'fastify';
import { ValidationError, type FieldIssue } from '../kernel/errors.ts';
import { UNSTORABLE, unstorableText } from '../kernel/storableText.ts';

/**
 * One gate for hostile input on every route: JSON bodies are parsed here (replacing fastify's
 * parser), and every string of a body, query string or path is checked before any schema or
 * database sees it, so a client's bad bytes are a 400 naming the field, never a 500.
 */

/** Deeper JSON is refused before it is parsed; no Kizuna payload needs more than a few levels. */
export const MAX_JSON_DEPTH = 64;
/** Enough issues to fix a request; a body of a million bad strings gets no million-line answer. */
const MAX_ISSUES = 20;

export function guardHostileInput(app: FastifyInstance): void {
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (_request, body, done) => {
    try {
      done(null, parseJsonBody(body as string));
    } catch (err) {
      done(err as Error, undefined);
    }
  });
  // Query strings, path parameters and form bodies (other parsers): a `%00` in an id would otherwise reach PostgreSQL.
  app.addHook('preValidation', async (request: FastifyRequest) => {
    const issues: FieldIssue[] = [];
    checkValue(request.query, ['querystring'], issues);
    checkValue(request.params, ['params'], issues);
    if (typeof request.body === 'string' || request.body instanceof URLSearchParams) checkValue(request.body, ['body'], issues);
    if (issues.length > 0) throw new ValidationError('The request holds characters that cannot be stored', issues);
  });
}

/** JSON.parse behind a depth limit, with every key and string checked (NUL, lone surrogates, prototype keys). */
export function parseJsonBody(text: string): unknown {
  // No body at all, as clients send `content-type: application/json` on every request: the route's schema decides.
  if (text.trim() === '') return undefined;
  const depth = nestingDepth(text);
  if (depth > MAX_JSON_DEPTH) {
    throw new ValidationError(`The body is nested deeper than ${MAX_JSON_DEPTH} levels`, [{ path: ['body'], message: `nested deeper than ${MAX_JSON_DEPTH} levels` }]);
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (err) {
    throw new ValidationError('The body is not valid JSON', [{ path: ['body'], message: (err as Error).message }]);
  }
  if (acceptable(value)) return value;
  const issues: FieldIssue[] = [];
  checkValue(value, ['body'], issues);
  // `acceptable` also sends every `constructor` key here; only one holding `prototype` is refused.
  if (issues.length === 0) return value;
  throw new ValidationError('The body holds values that cannot be accepted', issues);
}

/**
 * `checkValue` without the paths: whether a parsed body passes, allocating nothing. Bodies nearly
 * always pass, and building a path per value was most of the cost of a 500-event batch's gate.
 */
function acceptable(value: unknown): boolean {
  if (typeof value === 'string') return !UNSTORABLE.test(value);
  if (value === null || typeof value !== 'object') return true;
  if (Array.isArray(value)) {
    for (const item of value) if (!acceptable(item)) return false;
    return true;
  }
  for (const key in value) {
    const item = (value as Record<string, unknown>)[key];
    if (UNSTORABLE.test(key) || key === '__proto__' || key === 'constructor' || !acceptable(item)) return false;
  }
  return true;
}

/**
 * The deepest nesting of `[`/`{` outside strings, stopping as soon as it passes the limit: one pass
 * over the raw text, without recursion, so a 100,000-level body costs no stack.
 */
function nestingDepth(text: string): number {
  let depth = 0;
  let deepest = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 0x5c) i++; // a backslash escapes the next character, a quote included
      else if (c === 0x22) inString = false;
    } else if (c === 0x22) inString = true;
    else if (c === 0x5b || c === 0x7b) {
      depth++;
      if (depth > deepest) deepest = depth;
      if (deepest > MAX_JSON_DEPTH) return deepest;
    } else if (c === 0x5d || c === 0x7d) depth--;
  }
  return deepest;
}

/** Walks a parsed value (depth already bounded) and records what cannot be accepted, with its path. */
function checkValue(value: unknown, path: (string | number)[], issues: FieldIssue[]): void {
  if (issues.length >= MAX_ISSUES) return;
  if (typeof value === 'string') {
    const problem = unstorableText(value);
    if (problem) issues.push({ path, message: problem });
  } else if (Array.isArray(value)) {
    value.forEach((item, i) => checkValue(item, [...path, i], issues));
  } else if (value instanceof URLSearchParams) {
    for (const [key, item] of value) checkValue(item, [...path, key], issues);
  } else if (value !== null && typeof value === 'object') {
    for (const [key, item] of Object.entries(value)) {
      const keyProblem = unstorableText(key);
      if (keyProblem) issues.push({ path: [...path, key], message: `the key ${keyProblem}` });
      else if (key === '__proto__') issues.push({ path: [...path, key], message: '__proto__ is not allowed as a key' });
      // What secure-json-parse refuses too: { "constructor": { "prototype": … } } poisons objects merged into.
      else if (key === 'constructor' && item !== null && typeof item === 'object' && Object.hasOwn(item, 'prototype')) {
        issues.push({ path: [...path, key, 'prototype'], message: 'constructor.prototype is not allowed' });
      } else checkValue(item, [...path, key], issues);
    }
  }
}
