import { after, before } from 'node:test';
import { SMTPServer } from 'smtp-server';
import type { App } from '../../app/server.ts';
import type { Services } from '../../app/services.ts';
import { testApp } from '../../app/testApp.ts';
import type { TestDatabase } from '../../db/testDatabase.ts';
import { customerInput, type CustomerInput } from '../customers/types.ts';
import type { MessagingSettingsInput } from './settings.ts';

/**
 * Test and benchmark helpers: a real SMTP server (the `smtp-server` package) that keeps what it
 * receives, and a workspace with an audience and messaging settings.
 */
export interface SmtpSink {
  url: string;
  received: { to: string[]; raw: Buffer }[];
  /** Resolves when at least `n` messages arrived (rejects after `timeoutMs`). */
  waitFor(n: number, timeoutMs?: number): Promise<void>;
  /** Messages received but not yet answered because of `holdAfter`. */
  held(): number;
  /** Answers the held messages and stops holding. */
  release(): void;
  close(): Promise<void>;
}

/**
 * `holdAfter: n` answers the first n messages and then holds every later one open (received, never
 * acknowledged), so a test can kill the sender at a known point with messages in flight.
 */
export async function startSmtpSink(
  options: { rejectRecipient?: (address: string) => boolean; keep?: boolean; delayMs?: number; holdAfter?: number } = {},
): Promise<SmtpSink> {
  const received: SmtpSink['received'] = [];
  const held: (() => void)[] = [];
  let holding = options.holdAfter !== undefined;
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    logger: false,
    onRcptTo(address, _session, callback) {
      if (options.rejectRecipient?.(address.address)) {
        const err = Object.assign(new Error('5.1.1 User unknown'), { responseCode: 550 });
        return callback(err);
      }
      callback();
    },
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (c: Buffer) => options.keep !== false && chunks.push(c));
      stream.on('end', () => {
        received.push({ to: session.envelope.rcptTo.map((r) => r.address), raw: Buffer.concat(chunks) });
        if (holding && received.length > options.holdAfter!) return held.push(() => callback());
        // A slow server answers 250 only after its delay: a message is received before the sender knows.
        if (options.delayMs) setTimeout(callback, options.delayMs);
        else callback();
      });
    },
  });
  // A sender killed mid-message resets its connection; smtp-server reports that as an error event,
  // which a test that kills workers on purpose must not take for its own failure.
  server.on('error', () => {});
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.server.address() as { port: number }).port;
  const release = (): void => {
    holding = false;
    for (const answer of held.splice(0)) answer();
  };
  return {
    url: `smtp://127.0.0.1:${port}`,
    received,
    async waitFor(n, timeoutMs = 20_000) {
      const deadline = Date.now() + timeoutMs;
      while (received.length < n) {
        if (Date.now() > deadline) throw new Error(`SMTP sink: ${received.length} of ${n} messages after ${timeoutMs} ms`);
        await new Promise((r) => setTimeout(r, 20));
      }
    },
    held: () => held.length,
    release,
    close() {
      release();
      return new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

export const SENDER = { name: '絆ストア', email: 'news@kizuna-shop.example.jp', postalAddress: '東京都千代田区丸の内1-1-1', postalCode: '1000005', contactEmail: 'support@kizuna-shop.example.jp' };

export function settingsFor(smtpUrl: string | undefined, overrides: Partial<MessagingSettingsInput> = {}): MessagingSettingsInput {
  return {
    sender: SENDER,
    publicBaseUrl: 'https://kizuna.example.jp',
    ...(smtpUrl ? { email: { smtpUrl, maxConnections: 5 } } : {}),
    ...overrides,
  };
}

/**
 * `n` customers tagged `cohort` (a segment of them is returned), Tokyo time, with email, phone,
 * LINE id, push token and postal address; `consent` is recorded for every channel unless null.
 */
export async function seedAudience(
  services: Services,
  ws: string,
  n: number,
  options: { cohort: string; consent?: 'opted_in' | 'opted_out' | null; extra?: (i: number) => Partial<CustomerInput> } = { cohort: 'all' },
): Promise<{ segmentId: string; customerIds: string[] }> {
  const consent = options.consent === undefined ? 'opted_in' : options.consent;
  const inputs = Array.from({ length: n }, (_, i) =>
    customerInput.parse({
      externalId: `${options.cohort}-${i}`,
      email: `${options.cohort}-${i}@example.jp`,
      phone: `+8190${String(10_000_000 + i).slice(-8)}`,
      lineUserId: `U${options.cohort}${i}`,
      familyName: '山田',
      givenName: `花子${i}`,
      postalCode: '1500001',
      prefecture: '東京都',
      city: '渋谷区',
      addressLine1: `神宮前1-${i + 1}`,
      timeZone: 'Asia/Tokyo',
      locale: 'ja-JP',
      attributes: { cohort: options.cohort, fcmToken: `token-${options.cohort}-${i}` },
      consents: consent ? ['email', 'sms', 'line', 'push', 'dm'].map((channel) => ({ channel, status: consent, source: 'test', recordedAt: '2026-01-01T00:00:00Z' })) : [],
      ...options.extra?.(i),
    }),
  );
  const ids: string[] = [];
  for (let i = 0; i < inputs.length; i += 1000) {
    const chunk = inputs.slice(i, i + 1000);
    const result = await services.customers.upsertMany(ws, chunk);
    ids.push(...chunk.map((c) => result.ids.get(c.externalId)!));
  }
  const segment = await services.segments.create(ws, {
    name: `cohort ${options.cohort}`,
    rule: { version: 1, match: { type: 'attribute', path: ['cohort'], op: 'eq', value: options.cohort } },
  });
  await services.segments.refresh(ws, segment.id);
  return { segmentId: segment.id, customerIds: ids };
}

export const NEWSLETTER_MJML = `<mjml><mj-body><mj-section><mj-column>
<mj-text font-size="16px">{{ customer.name }} 様</mj-text>
<mj-text>いつもご利用ありがとうございます。{% if coupon %}クーポンコード: {{ coupon.code }}{% endif %}</mj-text>
<mj-button href="https://shop.example.jp/sale?utm_source=kizuna&amp;x=1">セールを見る</mj-button>
</mj-column></mj-section></mj-body></mjml>`;

/** The next noon in Tokyo (03:00 UTC) after the real clock: outside the default quiet hours, after every enqueue. */
export function nextTokyoNoon(from = new Date()): Date {
  const noon = new Date(from);
  noon.setUTCHours(3, 0, 0, 0);
  if (noon <= from) noon.setUTCDate(noon.getUTCDate() + 1);
  return noon;
}

/** A suite's test app, workspace and SMTP sink (see `messagingSuite`); set once its `before` has run. */
export interface MessagingSuite {
  sink: SmtpSink;
  app: App;
  services: Services;
  headers: Awaited<ReturnType<typeof testApp>>['headers'];
  ws: string;
}

/** Starts an SMTP sink and a test app before the suite's tests, and closes them after. */
export function messagingSuite(t: TestDatabase): MessagingSuite {
  const suite = {} as MessagingSuite;
  before(async () => {
    suite.sink = await startSmtpSink();
    const { app, services, headers, workspace } = await testApp(t.db);
    Object.assign(suite, { app, services, headers, ws: workspace.id });
  });
  after(async () => {
    await suite.services?.messaging.close();
    await suite.app?.close();
    await suite.sink?.close();
  });
  return suite;
}
