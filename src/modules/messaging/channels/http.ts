import { outboundRequest } from '../../../kernel/outboundHttp.ts';
import { OutboundRefusedError } from '../../../kernel/outboundUrl.ts';
import { ProviderError, networkError } from '../messenger.ts';

export interface HttpAnswer {
  status: number;
  headers: Headers;
  /** The parsed JSON body, or {} when there was none or it was not JSON. */
  body: Record<string, unknown>;
}

/**
 * One request to a provider API through the outbound guard (kernel/outboundHttp.ts): network
 * failures become retryable ProviderErrors, a refused address a permanent one. Redirects are not followed.
 */
export async function request(url: string, init: { method?: string; headers: Record<string, string>; body: string }, timeoutMs = 10_000): Promise<HttpAnswer> {
  let res: Awaited<ReturnType<typeof outboundRequest>>;
  try {
    res = await outboundRequest(url, { ...init, timeoutMs });
  } catch (err) {
    if (err instanceof OutboundRefusedError) throw new ProviderError(err.message, 'address_refused', false);
    throw networkError(err);
  }
  const text = res.text;
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
