import { createServer, type IncomingMessage, type Server } from 'node:http';
import { verify } from '../../webhooks/signature.ts';

/**
 * Local stand-ins for the providers, for tests: they check the real request shapes (paths, auth,
 * headers, bodies) and answer with the real success and error shapes. Special recipients trigger the
 * errors: "Ubad…" / "+8190999…" / "token-bad…" are invalid, "…ratelimit…" is rate limited once.
 */
export interface FakeProviders {
  url: string;
  requests: { provider: string; headers: IncomingMessage['headers']; body: unknown }[];
  close(): Promise<void>;
}

export const FAKE_CREDENTIALS = {
  lineToken: 'line-channel-token',
  twilioSid: 'AC00000000000000000000000000000000',
  twilioToken: 'twilio-auth-token',
  fcmProject: 'kizuna-test',
  fcmToken: 'ya29.fcm-access-token',
  webhookSecret: 'whsec_test_secret_0123456789',
};

export async function startFakeProviders(): Promise<FakeProviders> {
  const requests: FakeProviders['requests'] = [];
  const limited = new Set<string>();
  const lineKeys = new Map<string, string>();
  let webhookCalls = 0;
  let seq = 0;
  const server: Server = createServer(async (req, res) => {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const raw = Buffer.concat(chunks).toString('utf8');
    const json = (status: number, body: unknown, headers: Record<string, string> = {}) => {
      res.writeHead(status, { 'content-type': 'application/json', ...headers });
      res.end(JSON.stringify(body));
    };
    const once = (key: string) => !limited.has(key) && limited.add(key);

    if (req.url === '/v2/bot/message/push') {
      const body = JSON.parse(raw) as { to: string; messages: { type: string }[] };
      requests.push({ provider: 'line', headers: req.headers, body });
      if (req.headers.authorization !== `Bearer ${FAKE_CREDENTIALS.lineToken}`) return json(401, { message: 'Authentication failed due to the following reason: invalid token. Confirm that the access token in the authorization header is valid.' });
      const retryKey = String(req.headers['x-line-retry-key'] ?? '');
      if (retryKey && !/^[0-9a-f-]{36}$/.test(retryKey)) return json(400, { message: 'The value for the X-Line-Retry-Key header is invalid' });
      if (lineKeys.has(retryKey)) return json(409, { message: 'The retry key is already accepted', sentMessages: [{ id: lineKeys.get(retryKey), quoteToken: 'q' }] }, { 'x-line-accepted-request-id': `req-${retryKey}` });
      if (body.to.startsWith('Ubad')) return json(400, { message: "The property, 'to', in the request body is invalid (line:-, column:-)", details: [] });
      if (body.to.includes('ratelimit') && once(body.to)) return json(429, { message: 'The API rate limit has been exceeded. Try again later.' });
      if (!Array.isArray(body.messages) || body.messages.length === 0 || body.messages.length > 5) return json(400, { message: 'Size must be between 1 and 5', details: [{ message: 'size must be between 1 and 5', property: 'messages' }] });
      const id = String(++seq).padStart(18, '0');
      if (retryKey) lineKeys.set(retryKey, id);
      return json(200, { sentMessages: [{ id, quoteToken: `qt${id}` }] }, { 'x-line-request-id': `req-${id}` });
    }

    const sms = /^\/2010-04-01\/Accounts\/([^/]+)\/Messages\.json$/.exec(req.url ?? '');
    if (sms) {
      const body = Object.fromEntries(new URLSearchParams(raw));
      requests.push({ provider: 'sms', headers: req.headers, body });
      const auth = `Basic ${Buffer.from(`${FAKE_CREDENTIALS.twilioSid}:${FAKE_CREDENTIALS.twilioToken}`).toString('base64')}`;
      if (req.headers.authorization !== auth || sms[1] !== FAKE_CREDENTIALS.twilioSid) return json(401, { code: 20003, message: 'Authenticate', more_info: 'https://www.twilio.com/docs/errors/20003', status: 401 });
      if (req.headers['content-type'] !== 'application/x-www-form-urlencoded') return json(400, { code: 21601, message: 'Unsupported content type', status: 400 });
      if (!body.To || !body.From || !body.Body) return json(400, { code: 21604, message: "A 'To' phone number is required.", more_info: 'https://www.twilio.com/docs/errors/21604', status: 400 });
      if (body.To.startsWith('+8190999')) return json(400, { code: 21211, message: `The 'To' number ${body.To} is not a valid phone number.`, more_info: 'https://www.twilio.com/docs/errors/21211', status: 400 });
      if (body.To.startsWith('+8190888') && once(body.To)) return json(429, { code: 20429, message: 'Too Many Requests', more_info: 'https://www.twilio.com/docs/errors/20429', status: 429 });
      return json(201, { sid: `SM${String(++seq).padStart(32, '0')}`, status: 'queued', to: body.To, from: body.From, body: body.Body });
    }

    const push = /^\/v1\/projects\/([^/]+)\/messages:send$/.exec(req.url ?? '');
    if (push) {
      const body = JSON.parse(raw) as { message?: { token?: string; notification?: { title?: string; body?: string } } };
      requests.push({ provider: 'push', headers: req.headers, body });
      if (req.headers.authorization !== `Bearer ${FAKE_CREDENTIALS.fcmToken}`) return json(401, { error: { code: 401, message: 'Request had invalid authentication credentials.', status: 'UNAUTHENTICATED' } });
      const token = body.message?.token ?? '';
      const fcmError = (code: number, status: string, errorCode: string, message: string) =>
        json(code, { error: { code, message, status, details: [{ '@type': 'type.googleapis.com/google.firebase.fcm.v1.FcmError', errorCode }] } });
      if (!body.message?.notification?.title) return fcmError(400, 'INVALID_ARGUMENT', 'INVALID_ARGUMENT', 'Invalid JSON payload received.');
      if (token.startsWith('token-bad')) return fcmError(404, 'NOT_FOUND', 'UNREGISTERED', 'Requested entity was not found.');
      if (token.includes('ratelimit') && once(token)) return fcmError(429, 'RESOURCE_EXHAUSTED', 'QUOTA_EXCEEDED', 'Quota exceeded for quota metric.');
      return json(200, { name: `projects/${push[1]}/messages/${++seq}` });
    }

    if (req.url === '/hook') {
      const ok = verify(FAKE_CREDENTIALS.webhookSecret, raw, req.headers['x-kizuna-signature'] as string | undefined);
      requests.push({ provider: 'webhook', headers: req.headers, body: JSON.parse(raw) });
      if (!ok) return json(401, { error: 'bad signature' });
      // The first call fails: the queue retries with backoff.
      if (++webhookCalls === 1) return json(503, { error: 'busy' });
      return json(200, { received: true });
    }
    json(404, { error: 'not found' });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as { port: number }).port;
  return { url: `http://127.0.0.1:${port}`, requests, close: () => new Promise<void>((resolve) => server.close(() => resolve())) };
}
