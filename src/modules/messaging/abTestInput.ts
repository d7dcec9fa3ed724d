import { z } from 'zod';
import { instant } from '../../lib/instant.ts';

/** The request shapes of an A/B test and of the send-time option (logic in abTest.ts; no import of types.ts, which imports this). */
export const AB_METRICS = ['opens', 'clicks', 'conversions', 'revenue'] as const;

/** When each delivery leaves: at the launch (or a variant's fixed time), or at the customer's usual hour. */
export const sendTimeInput = z.discriminatedUnion('mode', [
  z.object({ mode: z.literal('fixed') }),
  z.object({
    mode: z.literal('usual_hour'),
    /** The usual hour's next occurrence is looked for within this many hours of the launch. */
    windowHours: z.number().int().min(1).max(168).default(24),
  }),
]);
export type SendTime = z.infer<typeof sendTimeInput>;

export const abVariantInput = z.object({
  key: z.string().regex(/^[A-Za-z0-9_-]{1,20}$/, 'letters, digits, - and _ (at most 20)'),
  /** Email only: replaces the template's subject. */
  subject: z.string().min(1).max(500).optional(),
  /** Replaces the whole template: same channel and shape as the campaign's (checked with it, abTest.ts). */
  template: z.record(z.string(), z.unknown()).optional(),
  /** Email only: the From display name. */
  fromName: z.string().trim().min(1).max(100).optional(),
  /** The variant's deliveries leave at this time (a fixed send time). */
  sendAt: instant().optional(),
  /** The variant's send-time option (usual hour against a fixed time). */
  sendTime: sendTimeInput.optional(),
});
export type AbVariant = z.infer<typeof abVariantInput>;

export const abTestInput = z
  .object({
    variants: z.array(abVariantInput).min(2).max(8),
    /** Percent of the treatment arm that receives a variant in the test phase; the rest gets the winner (100: no rest). */
    testShare: z.number().gt(0).max(100),
    /** Decide this many minutes after the launch… */
    decideAfterMinutes: z.number().int().min(1).max(60 * 24 * 30).optional(),
    /** …or at this time. */
    decideAt: instant().optional(),
    metric: z.enum(AB_METRICS).default('clicks'),
    confidence: z.number().min(0.8).max(0.999).default(0.95),
    /** Recipients every variant needs before any can win. */
    minPerVariant: z.number().int().min(1).max(1_000_000).default(100),
    /** Sent to the rest when no variant wins (default: the first variant, the control). */
    fallback: z.string().optional(),
  })
  .superRefine((t, ctx) => {
    if ((t.decideAfterMinutes === undefined) === (t.decideAt === undefined)) {
      ctx.addIssue({ code: 'custom', path: ['decideAfterMinutes'], message: 'give decideAfterMinutes or decideAt' });
    }
    const keys = t.variants.map((v) => v.key);
    keys.forEach((k, i) => {
      if (keys.indexOf(k) !== i) ctx.addIssue({ code: 'custom', path: ['variants', i, 'key'], message: `duplicate variant key ${k}` });
    });
    if (t.fallback !== undefined && !keys.includes(t.fallback)) ctx.addIssue({ code: 'custom', path: ['fallback'], message: 'not a variant key' });
  });
export type AbTest = z.infer<typeof abTestInput>;

