import { z } from 'zod';
import { outboundUrl } from '../../kernel/outboundUrl.ts';
import type { FieldIssue } from '../../kernel/errors.ts';
import { CHANNELS, DELIVERY_GUARANTEES } from './types.ts';

const hhmm = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'a time such as 21:00');
const rate = z.number().positive().max(100_000);
const cap = z.object({ max: z.number().int().min(0), days: z.number().int().min(1).max(365) });
/**
 * Base URLs are configurable so tests and sandboxes point at local servers; like every URL the
 * server calls, they must not point inside (kernel/outboundUrl.ts).
 */
const httpUrl = () => z.url({ protocol: /^https?$/, error: 'an http(s) URL' });
type UrlGuard = <T extends z.ZodType<string>>(schema: T) => T;

/** Local addresses may use http (development, tests); anything else must be https (RFC 8058 asks for it). */
const publicUrl = z.url().refine((u) => /^https:\/\//.test(u) || /^http:\/\/(localhost|127\.0\.0\.1|\[::1\])(:\d+)?(\/|$)/.test(u), {
  message: 'must be an https URL (http only for localhost)',
});

/**
 * Per-workspace messaging settings: who sends (特定電子メール法: sender name, postal address),
 * provider credentials, and the delivery gate's policy. Secrets stay in the database; `redact`
 * is what the API and logs see.
 */
const settingsSchema = (guard: UrlGuard) => z.object({
  sender: z.object({
    name: z.string().trim().min(1).max(200),
    email: z.email(),
    replyTo: z.email().optional(),
    /** Printed in every marketing email's footer and on paper DM as the return address. */
    postalAddress: z.string().trim().min(1).max(500),
    /** 〒 of the return address, 7 digits. */
    postalCode: z.string().regex(/^\d{7}$/, '7 digits, such as 1000001').optional(),
    /** Where recipients send questions and complaints (特定電子メール法): at least the footer shows each that is given. */
    contactUrl: z.url().optional(),
    contactEmail: z.email().optional(),
    contactPhone: z.string().regex(/^\+?[0-9][0-9 ()-]{5,19}$/, 'a phone number such as 03-1234-5678').optional(),
  }),
  /** Where this Kizuna server is reached from the internet: open pixel, click redirects, unsubscribe page. */
  publicBaseUrl: publicUrl,
  email: z
    .object({
      /** smtp://user:pass@host:587 or smtps://…; pooled connections. */
      smtpUrl: guard(z.string().regex(/^smtps?:\/\/[^/?#]/, 'an smtp:// or smtps:// URL')),
      maxConnections: z.number().int().min(1).max(50).default(5),
    })
    .optional(),
  line: z.object({ channelAccessToken: z.string().min(1), baseUrl: guard(httpUrl()).default('https://api.line.me') }).optional(),
  sms: z
    .object({
      accountSid: z.string().min(1),
      authToken: z.string().min(1),
      from: z.string().min(1),
      baseUrl: guard(httpUrl()).default('https://api.twilio.com'),
    })
    .optional(),
  push: z
    .object({
      projectId: z.string().min(1),
      /** An OAuth 2 access token for the FCM HTTP v1 API (minted from the service account outside Kizuna). */
      accessToken: z.string().min(1),
      baseUrl: guard(httpUrl()).default('https://fcm.googleapis.com'),
    })
    .optional(),
  webhook: z.object({ url: guard(httpUrl()), secret: z.string().min(16) }).optional(),
  /** Paper DM batches are written under the data directory and downloaded from the API (no path is configurable). */
  dm: z.object({}).strict().optional(),
  /**
   * Channels whose messages go to the built-in outbox (stored, shown at GET /v1/messaging/outbox)
   * instead of their provider: for demos, staging and acceptance tests. It wins over a provider
   * configured for the same channel.
   */
  outbox: z.object({ channels: z.array(z.enum(CHANNELS)).min(1) }).optional(),
  /**
   * Bounce and complaint reports (docs/messaging.md, Deliverability): which SNS topics may post SES
   * notifications, SendGrid's Event Webhook verification key, and the thresholds.
   */
  feedback: z
    .object({
      sesTopicArns: z.array(z.string().regex(/^arn:aws[a-z-]*:sns:[a-z0-9-]+:\d{12}:[A-Za-z0-9_.-]+$/, 'an SNS topic ARN such as arn:aws:sns:ap-northeast-1:123456789012:ses-feedback')).max(20).default([]),
      /** SendGrid → Mail Settings → Signed Event Webhook: the verification key (base64 DER, or PEM). */
      sendgridPublicKey: z.string().min(40).max(1000).optional(),
      /** A campaign is paused when complaints / sent passes this (Gmail and Yahoo ask bulk senders to stay under 0.3 %). */
      complaintPauseRate: z.number().min(0.0001).max(0.1).default(0.003),
      /** …once at least this many of its messages were sent: below it one complaint is too big a share to judge by. */
      complaintMinSent: z.number().int().min(1).max(1_000_000).default(1000),
      /** An address is suppressed after this many soft bounces within `softBounceDays`. */
      softBounceLimit: z.number().int().min(1).max(20).default(3),
      softBounceDays: z.number().int().min(1).max(90).default(7),
    })
    .default({ sesTopicArns: [], complaintPauseRate: 0.003, complaintMinSent: 1000, softBounceLimit: 3, softBounceDays: 7 }),
  policy: z
    .object({
      /** Marketing messages at most `max` in `days`, across all channels. */
      totalCap: cap.default({ max: 3, days: 7 }),
      perChannelCap: z.partialRecord(z.enum(CHANNELS), cap).default({}),
      /** Marketing is deferred (not dropped) between start and end in the customer's own time zone. */
      quietHours: z.object({ start: hhmm, end: hhmm }).nullable().default({ start: '21:00', end: '08:00' }),
      /** Channels whose marketing needs a recorded opt-in; the others need only the absence of an opt-out. */
      requireOptIn: z.array(z.enum(CHANNELS)).default(['email', 'sms']),
      /** Workspace-wide control group never sent marketing (percent of customers, by hash). */
      globalControlPercent: z.number().min(0).max(50).default(0),
      /** Messages per second per channel and worker process. */
      ratePerSecond: z.partialRecord(z.enum(CHANNELS), rate).default({}),
      maxAttempts: z.number().int().min(1).max(20).default(5),
      /**
       * After a crash, a message that may have reached its provider is reported 'uncertain' and not
       * sent again (at_most_once), or sent again with the same idempotency key (at_least_once).
       */
      deliveryGuarantee: z.enum(DELIVERY_GUARANTEES).default('at_most_once'),
    })
    .default({
      totalCap: { max: 3, days: 7 },
      perChannelCap: {},
      quietHours: { start: '21:00', end: '08:00' },
      requireOptIn: ['email', 'sms'],
      globalControlPercent: 0,
      ratePerSecond: {},
      maxAttempts: 5,
      deliveryGuarantee: 'at_most_once',
    }),
});
/** What a client may save: every URL the server will call is checked (a 400 naming the field). */
export const messagingSettingsInput = settingsSchema(outboundUrl);
/**
 * What was saved, read back: URLs are not judged again here (a setting saved while
 * KIZUNA_ALLOW_PRIVATE_URLS was on must not turn every read into an error); the connection is
 * checked when it is made.
 */
export const storedMessagingSettings = settingsSchema((schema) => schema);
export type MessagingSettingsInput = z.input<typeof messagingSettingsInput>;
export type MessagingSettings = z.infer<typeof messagingSettingsInput>;
export type GatePolicy = MessagingSettings['policy'];

const SECRET_KEYS = new Set(['channelAccessToken', 'authToken', 'accessToken', 'secret']);

/** How one value reads in the API: secrets reduced to their first characters, passwords cut from URLs. */
function redactValue(key: string, value: string): string {
  if (SECRET_KEYS.has(key)) return `${value.slice(0, 4)}…`;
  if (key === 'smtpUrl') return value.replace(/\/\/([^:@/]*):[^@/]*@/, '//$1:***@');
  return value;
}

/** Settings as the API returns them: secrets reduced to their first characters, passwords cut from URLs. */
export function redact(settings: MessagingSettings): MessagingSettings {
  return JSON.parse(JSON.stringify(settings, (key, value: unknown) => (typeof value === 'string' ? redactValue(key, value) : value))) as MessagingSettings;
}

/**
 * A PUT of what GET returned keeps the stored secrets: wherever the input holds exactly the redacted
 * form of the stored value at the same place, the stored value is put back. A redacted form with
 * nothing behind it (a new channel, a changed host) is refused rather than saved as the secret.
 */
export function keepSecrets(input: unknown, stored: unknown, at: (string | number)[] = []): { value: unknown; issues: FieldIssue[] } {
  if (Array.isArray(input)) {
    const parts = input.map((v, i) => keepSecrets(v, Array.isArray(stored) ? stored[i] : undefined, [...at, i]));
    return { value: parts.map((p) => p.value), issues: parts.flatMap((p) => p.issues) };
  }
  if (input === null || typeof input !== 'object') return { value: input, issues: [] };
  const storedObject = stored !== null && typeof stored === 'object' ? (stored as Record<string, unknown>) : {};
  const value: Record<string, unknown> = {};
  const issues: FieldIssue[] = [];
  for (const [key, v] of Object.entries(input)) {
    const before = storedObject[key];
    if (typeof v === 'string' && (SECRET_KEYS.has(key) || key === 'smtpUrl')) {
      if (typeof before === 'string' && v !== before && v === redactValue(key, before)) value[key] = before;
      else if (looksRedacted(key, v)) {
        value[key] = v;
        issues.push({ path: [...at, key], message: 'this is the redacted form of a secret that is not stored here: enter the secret itself', code: 'redacted_secret' });
      } else value[key] = v;
      continue;
    }
    const inner = keepSecrets(v, before, [...at, key]);
    value[key] = inner.value;
    issues.push(...inner.issues);
  }
  return { value, issues };
}

const looksRedacted = (key: string, value: string) => (key === 'smtpUrl' ? /\/\/[^:@/]*:\*\*\*@/.test(value) : value.endsWith('…'));
