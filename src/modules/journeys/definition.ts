import { z } from 'zod';
import { ruleSchema } from '../segments/rule.ts';
import { STAGES } from '../intelligence/stages.ts';
import { MESSAGE_CLASSES, templateInput } from '../messaging/index.ts';

/**
 * A journey's definition: one trigger, a graph of steps joined by step ids, optional goal. The
 * editor and the engine share this schema; positions are only for the canvas. Structural checks a
 * schema cannot express (dangling ids, cycles without a wait, unreachable steps) live in
 * validate.ts and name the step they are about.
 */

const stepId = z.string().regex(/^[A-Za-z0-9_-]{1,64}$/, 'letters, digits, _ and -, at most 64');
const next = stepId.nullable().describe('the step that follows; null ends the run');
const duration = z
  .object({ days: z.number().int().min(0).max(3650).default(0), hours: z.number().int().min(0).max(23).default(0), minutes: z.number().int().min(0).max(59).default(0) })
  .strict();
const timeOfDay = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'HH:MM, 24-hour');
const position = z.object({ x: z.number(), y: z.number() }).strict().optional();

export const triggerSchema = z.discriminatedUnion('type', [
  /** An event on the customer, e.g. `Order Completed` (lifecycle and RFM changes arrive as events too). */
  z
    .object({
      type: z.literal('event'),
      event: z.string().min(1).max(200),
      /** Only events whose properties equal these (e.g. {"direction": "upgrade"} on `Tier Changed`). */
      properties: z.record(z.string(), z.union([z.string(), z.number(), z.boolean()])).optional(),
    })
    .strict(),
  z.object({ type: z.literal('segment'), segmentId: z.uuid(), on: z.enum(['enter', 'leave']) }).strict(),
  z.object({ type: z.literal('stage'), to: z.enum(STAGES), from: z.enum(STAGES).optional() }).strict(),
  /** A date on the customer: `offsetDays` before (negative) or after it, at `at` in the customer's time zone. */
  z
    .object({
      type: z.literal('date'),
      field: z.enum(['birthday', 'renewal', 'pointsExpiry']),
      offsetDays: z.number().int().min(-365).max(365).default(0),
      at: timeOfDay.default('10:00'),
    })
    .strict(),
  z.object({ type: z.literal('api') }).strict(),
]);
/** The trigger types (triggerSchema's discriminator). */
export const TRIGGER_TYPES = triggerSchema.options.map((o) => o.shape.type.value);

export const stepSchema = z.discriminatedUnion('type', [
  z.object({ id: stepId, type: z.literal('wait'), duration, next, position }).strict(),
  /** Waits until the next `at` in the customer's time zone (today if still ahead). */
  z.object({ id: stepId, type: z.literal('waitUntil'), at: timeOfDay, next, position }).strict(),
  /** Waits for `event`; goes to `next` when it comes, to `timeoutNext` after `timeout`. */
  z.object({ id: stepId, type: z.literal('waitForEvent'), event: z.string().min(1).max(200), timeout: duration, next, timeoutNext: next, position }).strict(),
  z.object({ id: stepId, type: z.literal('branch'), rule: ruleSchema, yes: next, no: next, position }).strict(),
  /** A/B/n: percentages sum to 100; the path is chosen by a hash of (journey, run), so a retry takes the same one. */
  z
    .object({
      id: stepId,
      type: z.literal('split'),
      paths: z.array(z.object({ label: z.string().min(1).max(40), percent: z.number().int().min(0).max(100), next }).strict()).min(2).max(10),
      position,
    })
    .strict(),
  z.object({ id: stepId, type: z.literal('send'), class: z.enum(MESSAGE_CLASSES).default('marketing'), template: templateInput, next, position }).strict(),
  z.object({ id: stepId, type: z.literal('coupon'), couponCampaignId: z.uuid(), next, position }).strict(),
  z.object({ id: stepId, type: z.literal('points'), points: z.number().int().min(1).max(10_000_000), reason: z.string().min(1).max(200), next, position }).strict(),
  z.object({ id: stepId, type: z.literal('attribute'), key: z.string().min(1).max(100), value: z.union([z.string(), z.number(), z.boolean(), z.null()]), next, position }).strict(),
  z.object({ id: stepId, type: z.literal('webhook'), webhookId: z.uuid(), next, position }).strict(),
  z.object({ id: stepId, type: z.literal('exit'), position }).strict(),
]);

export const definitionSchema = z
  .object({
    trigger: triggerSchema,
    /** once: ever; oncePerPeriod: again after `periodDays`; always: whenever the trigger fires (never two active runs). */
    entry: z
      .object({ mode: z.enum(['once', 'oncePerPeriod', 'always']), periodDays: z.number().int().min(1).max(3650).optional() })
      .strict()
      .default({ mode: 'once' }),
    start: stepId,
    steps: z.array(stepSchema).min(1).max(200),
    /** A conversion event: a customer who does it within `withinDays` of entering exits and counts as converted. */
    goal: z.object({ event: z.string().min(1).max(200), withinDays: z.number().int().min(1).max(365) }).strict().nullable().default(null),
    /** Percent of entrants held out (deterministic by hash of journey and customer); they enter but no step acts. */
    holdoutPercent: z.number().min(0).max(50).default(10),
    triggerPosition: position,
  })
  .strict();

export type Trigger = z.infer<typeof triggerSchema>;
export type Step = z.infer<typeof stepSchema>;
export type StepType = Step['type'];
export type Definition = z.infer<typeof definitionSchema>;
export type DefinitionInput = z.input<typeof definitionSchema>;

export const STEP_TYPES = ['wait', 'waitUntil', 'waitForEvent', 'branch', 'split', 'send', 'coupon', 'points', 'attribute', 'webhook', 'exit'] as const satisfies readonly StepType[];
// Every step type is listed (fails to compile when a step type is added without it).
const _allStepTypes: StepType extends (typeof STEP_TYPES)[number] ? true : never = true;
void _allStepTypes;
