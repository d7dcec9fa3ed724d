import { z } from 'zod';
import { outboundUrl } from '../../kernel/outboundUrl.ts';
import { CHANNELS } from './types.ts';

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
    postalCode: z.string().regex(/^\d{7}$/).optional(),
    contactUrl: z.url().optional(),
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
    })
    .default({ totalCap: { max: 3, days: 7 }, perChannelCap: {}, quietHours: { start: '21:00', end: '08:00' }, requireOptIn: ['email', 'sms'], globalControlPercent: 0, ratePerSecond: {}, maxAttempts: 5 }),
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

/** Settings as the API returns them: secrets reduced to their first characters, passwords cut from URLs. */
export function redact(settings: MessagingSettings): MessagingSettings {
  return JSON.parse(
    JSON.stringify(settings, (key, value: unknown) => {
      if (typeof value !== 'string') return value;
      if (SECRET_KEYS.has(key)) return `${value.slice(0, 4)}…`;
      if (key === 'smtpUrl') return value.replace(/\/\/([^:@/]*):[^@/]*@/, '//$1:***@');
      return value;
    }),
  ) as MessagingSettings;
}
