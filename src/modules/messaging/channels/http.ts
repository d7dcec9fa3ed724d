import { networkError } from '../messenger.ts';

export interface HttpAnswer {
  status: number;
  headers: Headers;
  /** The parsed JSON body, or {} when there was none or it was not JSON. */
  body: Record<string, unknown>;
}

/** One request to a provider API; network failures become retryable ProviderErrors. Redirects are not followed. */
export async function request(url: string, init: { method?: string; headers: Record<string, string>; body: string }, timeoutMs = 10_000): Promise<HttpAnswer> {
  let res: Response;
  try {
    res = await fetch(url, { method: init.method ?? 'POST', headers: init.headers, body: init.body, redirect: 'manual', signal: AbortSignal.timeout(timeoutMs) });
  } catch (err) {
    throw networkError(err);
  }
  const text = await res.text();
  let body: Record<string, unknown> = {};
  try {
    const parsed: unknown = text ? JSON.parse(text) : {};
    if (parsed && typeof parsed === 'object') body = parsed as Record<string, unknown>;
  } catch {
    // a proxy's HTML error page: the status says enough
  }
  return { status: res.status, headers: res.headers, body };
}

export const joinUrl = (base: string, path: string) => `${base.replace(/\/+$/, '')}${path}`;
