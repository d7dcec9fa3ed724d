/** The JSON API, called with the session cookie; mutations carry the session's CSRF token. */

export interface FieldIssue {
  path?: (string | number)[];
  message: string;
  line?: number;
  column?: string;
  /** The kind of problem (too_small, invalid_format…), which the app words in its own language. */
  code?: string;
}

/** A failed call: `status` 0 when the server could not be reached at all. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly code = '',
    readonly issues: FieldIssue[] = [],
  ) {
    super(message);
  }
}

let csrfToken = '';
let onUnauthenticated: () => void = () => {};

export function setCsrfToken(token: string): void {
  csrfToken = token;
}

/** Called when a request finds the session gone (expired, revoked, signed out in another tab). */
export function setUnauthenticatedHandler(handler: () => void): void {
  onUnauthenticated = handler;
}

export interface RequestOptions {
  method?: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  /** JSON-encoded unless it is a Blob (sent as is, e.g. a CSV file) or FormData (multipart, e.g. an image). */
  body?: unknown;
  contentType?: string;
  signal?: AbortSignal;
}

export async function api<T>(path: string, options: RequestOptions = {}): Promise<T> {
  const method = options.method ?? 'GET';
  const headers: Record<string, string> = { accept: 'application/json' };
  if (method !== 'GET') headers['x-csrf-token'] = csrfToken;
  let body: BodyInit | undefined;
  if (options.body instanceof FormData) {
    // multipart/form-data: the browser writes the content type with its boundary.
    body = options.body;
  } else if (options.body instanceof Blob) {
    body = options.body;
    headers['content-type'] = options.contentType ?? 'application/octet-stream';
  } else if (options.body !== undefined) {
    body = JSON.stringify(options.body);
    headers['content-type'] = 'application/json';
  }
  let response: Response;
  try {
    response = await fetch(path, { method, headers, body, signal: options.signal, credentials: 'same-origin' });
  } catch (err) {
    if ((err as Error).name === 'AbortError') throw err;
    throw new ApiError(0, (err as Error).message);
  }
  if (response.status === 204) return undefined as T;
  const payload = (await response.json().catch(() => null)) as { message?: string; error?: string; issues?: FieldIssue[] } | null;
  // Aborted while the body was read: the empty payload is not an answer, so callers see the abort.
  if (options.signal?.aborted) throw new DOMException('The request was aborted', 'AbortError');
  if (!response.ok) {
    const error = new ApiError(response.status, payload?.message ?? response.statusText, payload?.error ?? '', payload?.issues ?? []);
    if (response.status === 401 && path !== '/v1/session') onUnauthenticated();
    throw error;
  }
  return payload as T;
}
