import { z } from 'zod';
import type { FieldIssue } from '../../kernel/errors.ts';
import type { LiftReport } from '../../analytics/stats/lift.ts';
import type { Arm } from '../messaging/index.ts';
import type { Definition, StepType, Trigger } from './definition.ts';

export const JOURNEY_STATUSES = ['draft', 'active', 'paused', 'archived'] as const;
export type JourneyStatus = (typeof JOURNEY_STATUSES)[number];

export const RUN_STATES = ['waiting', 'completed', 'converted', 'exited'] as const;
export type RunState = (typeof RUN_STATES)[number];

/** Definitions are checked by the service (parseDefinition), so the issues name `definition.…` paths. */
export const journeyInput = z.object({ name: z.string().trim().min(1).max(200), definition: z.unknown() });
export const journeyPatch = z.object({ name: z.string().trim().min(1).max(200).optional(), definition: z.unknown().optional() });
export type JourneyInput = z.infer<typeof journeyInput>;
export type JourneyPatch = z.infer<typeof journeyPatch>;

export interface RunCounts {
  entrants: number;
  /** Runs still live (waiting at a step or held out and waiting out the goal window). */
  active: number;
  converted: number;
  completed: number;
  exited: number;
}

export interface Journey {
  id: string;
  name: string;
  status: JourneyStatus;
  /** The version new entrants get. */
  version: number;
  templateKey: string | null;
  trigger: Trigger;
  activatedAt: Date | null;
  createdAt: Date;
  updatedAt: Date;
  counts: RunCounts;
}

export interface JourneyVersion {
  version: number;
  createdAt: Date;
  /** When it first took entrants (activation); a published version is never edited again. */
  publishedAt: Date | null;
  runs: number;
}

export interface JourneyDetail extends Journey {
  definition: Definition;
  versions: JourneyVersion[];
  /** Structural and reference problems of the current definition (a draft may have some; activation needs none). */
  issues: FieldIssue[];
}

export interface StepStats {
  stepId: string;
  type: StepType;
  /** Runs parked at this step now. */
  waiting: number;
  /** Times the step was executed (all versions). */
  passed: number;
  /** Per path taken (branch yes/no, split label, waitForEvent event/timeout). */
  paths?: Record<string, number>;
  /** Executions whose side effect was refused (e.g. an ended coupon campaign); the run went on. */
  failed: number;
}

export interface JourneyStats extends RunCounts {
  journeyId: string;
  arms: Record<Arm, { entrants: number; conversions: number }>;
  perStep: StepStats[];
  /** Treatment against the journey's own holdout, and against the global control group (null without one). */
  lift: { vsHoldout: LiftReport | null; vsGlobalControl: LiftReport | null; goal: Definition['goal'] };
}

export interface CustomerRun {
  runId: string;
  journeyId: string;
  journeyName: string;
  version: number;
  arm: Arm;
  state: RunState;
  stepId: string | null;
  enteredAt: Date;
  dueAt: Date | null;
  convertedAt: Date | null;
  exitedAt: Date | null;
  exitReason: string | null;
  steps: { stepId: string; type: string; outcome: string; path: string | null; at: Date }[];
}

export interface EnterResult {
  entered: boolean;
  runId: string | null;
  arm: Arm | null;
  /** Why not: an entry rule, a live run already, or the same trigger seen before. */
  reason: 'entered' | 'entry_rule' | 'already_in_journey';
}

export interface RunnerResult {
  claimed: number;
  /** Steps executed (each a step log row). */
  transitions: number;
}

export interface ScanResult {
  entered: number;
  woken: number;
  converted: number;
}
