/**
 * Journey shapes as the web app reads and writes them: the definition mirrors
 * src/modules/journeys/definition.ts (the server validates; the editor only needs the shape). The
 * editor writes these, so they stay by hand; the API's answers (lists, versions, validation,
 * stats, templates, a customer's runs) are aliases of /openapi.json (apiTypes.ts).
 */
import type { Get, Item, Post } from '../../apiTypes.ts';
import type { Template } from '../campaigns/types.ts';

export interface Duration {
  days: number;
  hours: number;
  minutes: number;
}

export interface Position {
  x: number;
  y: number;
}

export { STAGES, type Stage } from '../../../../src/lib/glossary.ts';
import type { Stage } from '../../../../src/lib/glossary.ts';
export const DATE_FIELDS = ['birthday', 'renewal', 'pointsExpiry'] as const;

export type Trigger =
  | { type: 'event'; event: string }
  | { type: 'segment'; segmentId: string; on: 'enter' | 'leave' }
  | { type: 'stage'; to: Stage; from?: Stage }
  | { type: 'date'; field: (typeof DATE_FIELDS)[number]; offsetDays: number; at: string }
  | { type: 'api' };
export type TriggerType = Trigger['type'];
export const TRIGGER_TYPES: TriggerType[] = ['event', 'segment', 'stage', 'date', 'api'];

export const CHANNELS = ['email', 'line', 'sms', 'push', 'dm', 'webhook'] as const;
export type Channel = (typeof CHANNELS)[number];

// A send step's template is a campaign's.
export type { Template };

type Next = string | null;
interface StepBase {
  id: string;
  position?: Position;
}
export interface SplitPath {
  label: string;
  percent: number;
  next: Next;
}

export type Step = StepBase &
  (
    | { type: 'wait'; duration: Duration; next: Next }
    | { type: 'waitUntil'; at: string; next: Next }
    | { type: 'waitForEvent'; event: string; timeout: Duration; next: Next; timeoutNext: Next }
    | { type: 'branch'; rule: unknown; yes: Next; no: Next }
    | { type: 'split'; paths: SplitPath[] }
    | { type: 'send'; class: 'marketing' | 'transactional'; template: Template; next: Next }
    | { type: 'coupon'; couponCampaignId: string; next: Next }
    | { type: 'points'; points: number; reason: string; next: Next }
    | { type: 'attribute'; key: string; value: string | number | boolean | null; next: Next }
    | { type: 'webhook'; webhookId: string; next: Next }
    | { type: 'exit' }
  );
export type StepType = Step['type'];
export const STEP_TYPES: StepType[] = ['wait', 'waitUntil', 'waitForEvent', 'branch', 'split', 'send', 'coupon', 'points', 'attribute', 'webhook', 'exit'];

export type EntryMode = 'once' | 'oncePerPeriod' | 'always';
export const ENTRY_MODES: EntryMode[] = ['once', 'oncePerPeriod', 'always'];

export interface Definition {
  trigger: Trigger;
  entry: { mode: EntryMode; periodDays?: number };
  start: string;
  steps: Step[];
  goal: { event: string; withinDays: number } | null;
  holdoutPercent: number;
  triggerPosition?: Position;
}

export type JourneyStatus = 'draft' | 'active' | 'paused' | 'archived';

/** A journey in the list (GET /v1/journeys), from /openapi.json (apiTypes.ts). */
export type JourneySummary = Item<Get<'/v1/journeys'>['data']>;
export type RunCounts = JourneySummary['counts'];
/** `publishedAt`: when it first took entrants; a published version is never edited again. */
export type JourneyVersion = Item<Get<'/v1/journeys/{id}'>['versions']>;
export type Validation = Post<'/v1/journeys/validate'>;
/** `stepId` is set for issues found in the browser (a JSON field that does not parse). */
export type ValidationIssue = Item<Validation['issues']> & { stepId?: string };

export interface Journey extends JourneySummary {
  definition: Definition;
  versions: JourneyVersion[];
  issues: ValidationIssue[];
}

export type JourneyStats = Get<'/v1/journeys/{id}/stats'>;
/** `paths`: per path taken (branch yes/no, split label, waitForEvent event/timeout). */
export type StepStats = Item<JourneyStats['perStep']>;
export type LiftReport = NonNullable<JourneyStats['lift']['vsHoldout']>;
export type JourneyTemplate = Item<Get<'/v1/journey-templates'>['data']>;

/** GET /v1/customers/:id/journeys, from /openapi.json (apiTypes.ts). */
export type CustomerJourneyRun = Item<Get<'/v1/customers/{id}/journeys'>['data']>;
export type Arm = CustomerJourneyRun['arm'];
export type RunState = CustomerJourneyRun['state'];
