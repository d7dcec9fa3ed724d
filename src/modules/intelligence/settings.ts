import { z } from 'zod';

/**
 * Per-workspace settings of the intelligence module. Every key has a documented default
 * (docs/metrics.md); a workspace stores only what it overrides.
 */
const days = z.number().int().min(1).max(3650);
const probability = z.number().min(0).max(1);

export const stageRulesSchema = z
  .object({
    /** A first purchase this recent (and no repeat purchase yet) makes a customer "new". */
    newWithinDays: days.default(60),
    /** No purchase for this long: at risk, … */
    atRiskAfterDays: days.default(90),
    /** … dormant (休眠), … */
    dormantAfterDays: days.default(180),
    /** … lost. */
    lostAfterDays: days.default(365),
    /** Model rules: P(alive) below these marks a repeat customer at risk / dormant / lost even before the day rules do. */
    atRiskBelowPAlive: probability.default(0.5),
    dormantBelowPAlive: probability.default(0.25),
    lostBelowPAlive: probability.default(0.05),
    /** A purchase after a silence of at least dormantAfterDays makes the customer "reactivated" for this long. */
    reactivatedForDays: days.default(90),
  })
  .refine((r) => r.atRiskAfterDays < r.dormantAfterDays && r.dormantAfterDays < r.lostAfterDays, {
    message: 'atRiskAfterDays < dormantAfterDays < lostAfterDays',
    path: ['dormantAfterDays'],
  });
export type StageRules = z.infer<typeof stageRulesSchema>;

export const HEALTH_SIGNALS = ['usageRecency', 'usageFrequency', 'usageBreadth', 'seatUtilization', 'supportTickets', 'nps', 'failedPayments', 'renewal'] as const;
export type HealthSignal = (typeof HEALTH_SIGNALS)[number];

const weight = z.number().min(0).max(100);
export const healthSettingsSchema = z.object({
  weights: z
    .object({
      usageRecency: weight.default(25),
      usageFrequency: weight.default(20),
      usageBreadth: weight.default(10),
      seatUtilization: weight.default(15),
      supportTickets: weight.default(10),
      nps: weight.default(10),
      failedPayments: weight.default(5),
      renewal: weight.default(5),
    })
    .prefault({}),
  /** Usage window for frequency and breadth. */
  usageWindowDays: days.default(30),
  /** Product-usage events: these names count as usage; empty means every event except support and billing ones below. */
  usageEvents: z.array(z.string().min(1)).default([]),
  supportTicketEvent: z.string().min(1).default('Ticket Created'),
  failedPaymentEvent: z.string().min(1).default('Payment Failed'),
  /** Accounts scoring below this are red (renewal risk list), below `amberBelow` amber. */
  redBelow: z.number().min(0).max(100).default(40),
  amberBelow: z.number().min(0).max(100).default(70),
});
export type HealthSettings = z.infer<typeof healthSettingsSchema>;

/** Per-category model fits: which product dimension names a line's category, and how many of the largest categories to fit. */
export const categoryModelSchema = z.object({
  dimension: z
    .string()
    .regex(/^(category|attributes\.[A-Za-z0-9_-]{1,64})$/, "'category' (the order line's category) or 'attributes.<key>' (a product attribute)")
    .describe("'category': the order line's category; 'attributes.<key>': that attribute of the line's product"),
  maxCategories: z.number().int().min(1).max(50).default(10),
});
export type CategoryModelSettings = z.infer<typeof categoryModelSchema>;

export const intelligenceSettingsSchema = z
  .object({
    stages: stageRulesSchema.prefault({}),
    /** Monthly discount rate for the 12-month CLV, and the margin applied to revenue (1 = revenue CLV). */
    discountRateMonthly: z.number().min(0).max(1).default(0.01),
    margin: z.number().min(0).max(1).default(1),
    /** F2 conversion: a second purchase within this many days of the first. */
    f2WindowDays: days.default(90),
    /** Active customers for KPIs: bought within this many days. */
    activeWithinDays: days.default(365),
    /** A run refits the models when the last fit is older than this; otherwise it only rescores customers with new data. */
    refitAfterHours: z.number().min(0).max(24 * 365).default(20),
    /** Hour (workspace time zone) of the daily scheduled scoring job. */
    dailyScoreHour: z.number().int().min(0).max(23).default(3),
    health: healthSettingsSchema.prefault({}),
    /** null: models are fitted per workspace only; set, full runs also fit them per category. */
    categoryModels: categoryModelSchema.nullable().default(null),
  })
  .strict();
export type IntelligenceSettings = z.infer<typeof intelligenceSettingsSchema>;

export const DEFAULT_SETTINGS: IntelligenceSettings = intelligenceSettingsSchema.parse({});
