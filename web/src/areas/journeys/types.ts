/**
 * Journey shapes as the web app reads and writes them: the definition mirrors
 * src/modules/journeys/definition.ts (the server validates; the editor only needs the shape). The
 * editor writes these, so they stay by hand; a customer's runs are aliases of /openapi.json.
 */
import type { Get, Item } from '../../apiTypes.ts';
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

export interface RunCounts {
  entrants: number;
  /** Runs still live (waiting at a step, or held out and waiting out the goal window). */
  active: number;
  converted: number;
  completed: number;
  exited: number;
}

export interface JourneySummary {
  id: string;
  name: string;
  status: JourneyStatus;
  /** The version new entrants get. */
  version: number;
  templateKey: string | null;
  trigger: Trigger;
  activatedAt: string | null;
  createdAt: string;
  updatedAt: string;
  counts: RunCounts;
}

export interface JourneyVersion {
  version: number;
  createdAt: string;
  /** When it first took entrants; a published version is never edited again. */
  publishedAt: string | null;
  runs: number;
}

export interface ValidationIssue {
  path: (string | number)[];
  message: string;
  /** Set for issues found in the browser (a JSON field that does not parse). */
  stepId?: string;
}

export interface Journey extends JourneySummary {
  definition: Definition;
  versions: JourneyVersion[];
  issues: ValidationIssue[];
}

export interface Validation {
  valid: boolean;
  issues: ValidationIssue[];
}

export interface Interval {
  estimate: number;
  low: number;
  high: number;
}

interface GroupSummary {
  n: number;
  conversions: number;
  conversionRate: number | null;
}

export interface LiftReport {
  treatment: GroupSummary;
  control: GroupSummary;
  conversionRate: { absolute: Interval | null; relative: Interval | null };
  confidence: number;
}

export interface StepStats {
  stepId: string;
  type: StepType;
  waiting: number;
  passed: number;
  failed: number;
  /** Per path taken: branch yes/no, split label, waitForEvent event/timeout. */
  paths?: Record<string, number>;
}

export interface JourneyStats extends RunCounts {
  journeyId: string;
  perStep: StepStats[];
  lift: { vsHoldout: LiftReport | null; vsGlobalControl: LiftReport | null; goal: Definition['goal'] };
}

export interface JourneyTemplate {
  key: string;
  name: { en: string; ja: string };
  description: { en: string; ja: string };
  trigger: TriggerType;
  /** What enabling creates or looks up (a coupon campaign, a built-in segment). */
  needs: string[];
}

/** GET /v1/customers/:id/journeys, from /openapi.json (apiTypes.ts). */
export type CustomerJourneyRun = Item<Get<'/v1/customers/{id}/journeys'>['data']>;
export type Arm = CustomerJourneyRun['arm'];
export type RunState = CustomerJourneyRun['state'];
