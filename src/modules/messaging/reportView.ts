import { z } from 'zod';
import { AB_METRICS } from './abTestInput.ts';
import { DELIVERY_STATES, intervalView as interval, liftReportView } from './types.ts';

/** GET /v1/campaigns/:id/report: report.ts's CampaignReport, the deliverability rates and the A/B test's (abReport.ts). */
const n = z.number().int();
const arm = z.object({ n, conversions: n, revenueSum: z.number(), revenueSumSquares: z.number() });
const metric = z.enum(AB_METRICS);
const rate = z.object({ n, rate: z.number().nullable() });

const abTestView = z.object({
  metric,
  confidence: z.number(),
  minPerVariant: n,
  decideAt: z.date().nullable(),
  variants: z.array(
    z.object({
      key: z.string(),
      n,
      sent: n,
      opens: n,
      clicks: n,
      conversions: n,
      revenue: z.number(),
      sendTime: z.enum(['usual_hour', 'fixed']),
      rate: z.number().nullable(),
      interval,
    }),
  ),
  decision: z
    .object({
      winner: z.string().nullable(),
      reason: z.enum(['significant', 'not_significant', 'too_few_recipients', 'single_variant']),
      best: z.string().nullable(),
      runnerUp: z.string().nullable(),
      interval,
      comparisonConfidence: z.number(),
      sent: z.string().optional(),
      decidedAt: z.string().optional(),
      provisional: z.literal(true).optional(),
    })
    .describe('the decision taken (with the variant sent and when), or what the rule would say now, marked provisional'),
  rest: z.object({ n, waiting: n, sent: n, queued: n }),
});

export const campaignReportView = z.object({
  campaignId: z.string(),
  conversionWindowDays: n,
  arms: z.object({ treatment: arm, holdout: arm, global_control: arm }),
  sent: n,
  uncertain: n.describe("left 'sending' by a worker that died: may or may not have arrived; not sent again"),
  opened: n,
  clicked: n,
  outcomes: z.array(z.object({ state: z.enum(DELIVERY_STATES), reason: z.string().nullable(), count: n })),
  vsHoldout: liftReportView.nullable(),
  vsGlobalControl: liftReportView.nullable(),
  deliverability: z.object({
    sent: n,
    hardBounces: n,
    softBounces: n,
    complaints: n,
    bounceRate: z.number().nullable(),
    complaintRate: z.number().nullable(),
    pausedAt: z.date().nullable(),
    pausedReason: z.string().nullable(),
  }),
  abTest: abTestView.optional(),
  sendTime: z.object({ metric, usualHour: rate, fixedTime: rate, difference: interval }).optional(),
});
