import http from 'node:http';
import https from 'node:https';
import { OutboundRefusedError, guardedLookup, hostRefusal, type Resolver } from './outboundUrl.ts';

export interface OutboundResponse {
  status: number;
  headers: Headers;
  text: string;
}

export interface OutboundInit {
  method?: string;
  headers: Record<string, string>;
  body: string;
  timeoutMs?: number;
  /** Tests stand in a resolver to play DNS rebinding; otherwise the system's. */
  resolve?: Resolver;
}

/** Answers bigger than this are cut off: providers answer in a few hundred bytes. */
const MAX_ANSWER_BYTES = 1024 * 1024;

// Kept-alive connections per process (what fetch gave us), every one opened through the guard.
const agents = { 'http:': new http.Agent({ keepAlive: true, lookup: guardedLookup() }), 'https:': new https.Agent({ keepAlive: true, lookup: guardedLookup() }) };

/**
 * One HTTP(S) request to a URL a tenant configured (webhook endpoint, provider base URL). Unlike
 * fetch, the address is checked where it is connected to (guardedLookup, outboundUrl.ts), and
 * redirects are never followed: a 3xx is returned as it is, so nothing reaches an unchecked target.
 * Network failures reject with the underlying error (`code` set); a refused address with
 * OutboundRefusedError.
 */
export function outboundRequest(url: string, init: OutboundInit): Promise<OutboundResponse> {
  const target = new URL(url);
  if (target.protocol !== 'http:' && target.protocol !== 'https:') return Promise.reject(new OutboundRefusedError(url, 'not an http(s) URL'));
  // Node connects to an IP literal without calling `lookup`: those are judged here.
  const literal = hostRefusal(target.hostname);
  if (literal) return Promise.reject(new OutboundRefusedError(target.hostname, literal));
  const transport = target.protocol === 'https:' ? https : http;
  const connection = init.resolve ? { agent: false as const, lookup: guardedLookup(init.resolve) } : { agent: agents[target.protocol] };
  return new Promise((resolve, reject) => {
    const req = transport.request(
      target,
      { method: init.method ?? 'POST', headers: { ...init.headers, 'content-length': String(Buffer.byteLength(init.body)) }, timeout: init.timeoutMs ?? 10_000, ...connection },
      (res) => {
        const chunks: Buffer[] = [];
        let size = 0;
        res.on('data', (chunk: Buffer) => {
          size += chunk.length;
          if (size > MAX_ANSWER_BYTES) return void res.destroy();
          chunks.push(chunk);
        });
        res.on('error', reject);
        res.on('close', () => {
          const headers = new Headers();
          for (const [name, value] of Object.entries(res.headers)) if (value !== undefined) headers.set(name, Array.isArray(value) ? value.join(', ') : value);
          resolve({ status: res.statusCode ?? 0, headers, text: Buffer.concat(chunks).toString('utf8') });
        });
      },
    );
    req.on('timeout', () => req.destroy(Object.assign(new Error('request timed out'), { code: 'TIMEOUT' })));
    req.on('error', reject);
    req.end(init.body);
  });
}
