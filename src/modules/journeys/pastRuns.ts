import type { Arm } from '../messaging/index.ts';
import type { Definition } from './definition.ts';
import { nextLocalTime } from './localTime.ts';
import { durationMs } from './runner.ts';

const DAY = 86_400_000;

/** A step the runner would have logged: (run, step, visit) with when it was done. */
export interface PastStepLog {
  stepId: string;
  visit: number;
  stepType: string;
  path: string | null;
  at: Date;
}

/** A run's row as the runner and the goal check would have left it by `now`, with its step log and its sends. */
export interface PastRun {
  state: 'waiting' | 'completed' | 'converted';
  stepId: string | null;
  visits: number;
  parkedAt: Date | null;
  dueAt: Date | null;
  exitedAt: Date | null;
  exitReason: string | null;
  convertedAt: Date | null;
  logs: PastStepLog[];
  sends: { stepId: string; at: Date }[];
}

/**
 * Replays what runner.ts and the goal check (triggers.ts `convert`) do to a run entered at
 * `enteredAt`, for journeys made of wait, waitUntil and send steps (the only kinds whose past can
 * be replayed without side effects elsewhere; others throw). `convertedAt` is the first goal event
 * in (entry, entry + goal window]: a run still waiting then leaves with 'goal'; a finished one
 * keeps its state and is marked converted. Held-out runs take no steps and wait out the window.
 */
export function replayRun(def: Definition, run: { arm: Arm; enteredAt: Date; convertedAt: Date | null; timeZone: string }, now: Date): PastRun {
  const out: PastRun = { state: 'waiting', stepId: null, visits: 0, parkedAt: null, dueAt: null, exitedAt: null, exitReason: null, convertedAt: run.convertedAt, logs: [], sends: [] };
  const converted = run.convertedAt && run.convertedAt <= now ? run.convertedAt : null;
  const leave = (state: PastRun['state'], at: Date, reason: string): PastRun => ({ ...out, state, parkedAt: null, dueAt: null, exitedAt: at, exitReason: reason });
  if (run.arm !== 'treatment') {
    if (converted) return leave('converted', converted, 'goal');
    const end = new Date(run.enteredAt.getTime() + (def.goal ? def.goal.withinDays * DAY : 0));
    return end <= now ? leave('completed', end, 'held_out') : { ...out, dueAt: end };
  }
  const steps = new Map(def.steps.map((s) => [s.id, s]));
  let t = run.enteredAt;
  let id: string | null = def.start;
  while (id !== null) {
    const step = steps.get(id);
    if (!step) throw new Error(`replayRun: missing step ${id}`);
    let at = t;
    if (step.type === 'wait') at = new Date(t.getTime() + durationMs(step.duration));
    else if (step.type === 'waitUntil') at = nextLocalTime(t, step.at, run.timeZone);
    else if (step.type !== 'send') throw new Error(`replayRun: a ${step.type} step cannot be replayed`);
    // The goal reached first: the run leaves where it was waiting.
    if (converted && converted <= at) return { ...leave('converted', converted, 'goal'), stepId: id };
    if (at > now) return { ...out, stepId: id, parkedAt: t, dueAt: at };
    out.visits++;
    out.logs.push({ stepId: step.id, visit: out.visits, stepType: step.type, path: step.type === 'send' ? step.template.channel : null, at });
    if (step.type === 'send') out.sends.push({ stepId: step.id, at });
    t = at;
    id = step.next;
  }
  return leave('completed', t, 'finished');
}
