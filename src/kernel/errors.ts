import type { z } from 'zod';

/**
 * One error type per kind of failure. The HTTP layer maps them to status codes and the CLI to
 * exit codes; nothing else throws raw strings.
 */

/** A problem with one field of the input; `path` names it (["batch", 3, "properties", "total"]). */
export interface FieldIssue {
  path: (string | number)[];
  message: string;
  /** 1-based line of a CSV file, when the input was a file. */
  line?: number;
  /** Column header of a CSV file. */
  column?: string;
  /** What kind of problem (zod's issue code: too_small, invalid_format…), so a client can word it in its own language. */
  code?: string;
}

export class KizunaError extends Error {
  constructor(
    message: string,
    readonly status: number,
    readonly code: string,
  ) {
    super(message);
    this.name = new.target.name;
  }
}

export class ValidationError extends KizunaError {
  constructor(
    message: string,
    readonly issues: FieldIssue[] = [],
  ) {
    super(message, 400, 'validation_failed');
  }
}

export class NotFoundError extends KizunaError {
  constructor(message: string) {
    super(message, 404, 'not_found');
  }
}

export class ConflictError extends KizunaError {
  /** `code` names the conflict when a client may want to explain it in its own words (e.g. last_admin). */
  constructor(message: string, code = 'conflict') {
    super(message, 409, code);
  }
}

export class AuthError extends KizunaError {
  constructor(message = 'A valid API key is required', status: 401 | 403 = 401) {
    super(message, status, status === 401 ? 'unauthenticated' : 'forbidden');
  }
}

export class PayloadTooLargeError extends KizunaError {
  constructor(message: string) {
    super(message, 413, 'payload_too_large');
  }
}

/** Formats issues as the CLI prints them: `line 12, column 金額: not a number`. */
export function describeIssue(issue: FieldIssue): string {
  const where: string[] = [];
  if (issue.line !== undefined) where.push(`line ${issue.line}`);
  if (issue.column !== undefined) where.push(`column ${issue.column}`);
  if (where.length === 0 && issue.path.length > 0) where.push(issue.path.join('.'));
  return where.length > 0 ? `${where.join(', ')}: ${issue.message}` : issue.message;
}

/** Zod issues as FieldIssues, under `prefix` (e.g. the batch index of the item). */
export function zodIssues(error: z.ZodError, prefix: (string | number)[] = []): FieldIssue[] {
  return error.issues.map((i) => ({ path: [...prefix, ...i.path.map((p) => (typeof p === 'symbol' ? String(p) : p))], message: i.message }));
}
