import { GREETING } from '../campaigns/starters.ts';
import type { Definition, Position, Step, StepType, ValidationIssue } from './types.ts';

/** The trigger's node id on the canvas; a colon never appears in a step id, so it cannot collide. */
export const TRIGGER_NODE = ':trigger';

/** One way out of a step: the handle it leaves from and the step it points to (null: the run ends). */
export interface Outlet {
  handle: string;
  target: string | null;
  kind: 'next' | 'yes' | 'no' | 'timeoutNext' | 'path';
  /** The split path's label and share. */
  label?: string;
  percent?: number;
}

export function outlets(step: Step): Outlet[] {
  switch (step.type) {
    case 'exit':
      return [];
    case 'branch':
      return [
        { handle: 'yes', target: step.yes, kind: 'yes' },
        { handle: 'no', target: step.no, kind: 'no' },
      ];
    case 'waitForEvent':
      return [
        { handle: 'next', target: step.next, kind: 'next' },
        { handle: 'timeoutNext', target: step.timeoutNext, kind: 'timeoutNext' },
      ];
    case 'split':
      return step.paths.map((path, i) => ({ handle: `path-${i}`, target: path.next, kind: 'path', label: path.label, percent: path.percent }));
    default:
      return [{ handle: 'next', target: step.next, kind: 'next' }];
  }
}

/** The name the engine counts an outlet's traffic under (stats `paths`): yes/no, the split label, event/timeout. */
export function pathKey(step: Step, outlet: Outlet): string | null {
  if (outlet.kind === 'path') return outlet.label ?? null;
  if (outlet.kind === 'yes' || outlet.kind === 'no') return outlet.kind;
  if (step.type === 'waitForEvent') return outlet.kind === 'timeoutNext' ? 'timeout' : 'event';
  return null;
}

/** The step with the pointer behind `handle` set to `target`. */
export function withOutlet(step: Step, handle: string, target: string | null): Step {
  if (step.type === 'exit') return step;
  if (step.type === 'split') {
    const index = Number(handle.replace('path-', ''));
    return { ...step, paths: step.paths.map((p, i) => (i === index ? { ...p, next: target } : p)) };
  }
  if (step.type === 'branch') return handle === 'no' ? { ...step, no: target } : { ...step, yes: target };
  if (step.type === 'waitForEvent') return handle === 'timeoutNext' ? { ...step, timeoutNext: target } : { ...step, next: target };
  return { ...step, next: target };
}

export function replaceStep(definition: Definition, id: string, update: (step: Step) => Step): Definition {
  return { ...definition, steps: definition.steps.map((s) => (s.id === id ? update(s) : s)) };
}

/** Sets where a connection dragged from `source`'s `handle` leads (the trigger's only outlet is `start`). */
export function connect(definition: Definition, source: string, handle: string | null, target: string | null): Definition {
  if (source === TRIGGER_NODE) return target ? { ...definition, start: target } : definition;
  return replaceStep(definition, source, (step) => withOutlet(step, handle ?? 'next', target));
}

/**
 * Removes a step. Pointers to it go where it went when it had a single way out (deleting an
 * inserted step closes the gap), else they end the run there instead of dangling.
 */
export function removeStep(definition: Definition, id: string): Definition {
  const removed = definition.steps.find((s) => s.id === id);
  const ways = removed ? outlets(removed) : [];
  const bridge = ways.length === 1 && ways[0]!.target !== id ? ways[0]!.target : null;
  const steps = definition.steps
    .filter((s) => s.id !== id)
    .map((s) => outlets(s).reduce((step, o) => (o.target === id ? withOutlet(step, o.handle, bridge) : step), s));
  const start = definition.start === id && bridge ? bridge : definition.start;
  return { ...definition, start, steps };
}

/**
 * Adds `step` after `after` (a step id, the trigger, or null for unconnected): into a free way out
 * of it, below it; else between it and what followed (the new step's first way out takes over),
 * pushing what lies below down a row to make room.
 */
export function insertStep(definition: Definition, step: Step, after: string | null): Definition {
  const { trigger, steps: places } = layout(definition);
  const from = after === TRIGGER_NODE ? trigger : after ? places.get(after) : undefined;
  // Steps placed by layout get their place written down, so pushing rows moves them too.
  const placed = definition.steps.map((s) => ({ ...s, position: places.get(s.id)! }));
  const base = { ...definition, triggerPosition: trigger, steps: placed };
  const first = outlets(step)[0];
  const hasStart = places.has(definition.start);
  const source = after === TRIGGER_NODE ? null : placed.find((s) => s.id === after);
  const free = source ? outlets(source).find((o) => o.target === null) : after === TRIGGER_NODE && !hasStart ? { handle: 'start' } : undefined;
  const taken = after === TRIGGER_NODE ? (hasStart ? { handle: 'start', target: definition.start } : undefined) : source && !free ? outlets(source)[0] : undefined;

  if (from && taken && first) {
    const at = { x: from.x, y: from.y + ROW };
    const pushed = placed.map((s) => (s.position.y >= at.y ? { ...s, position: { x: s.position.x, y: s.position.y + ROW } } : s));
    const linked = withOutlet({ ...step, position: at }, first.handle, taken.target);
    return connect({ ...base, steps: [...pushed, linked] }, after!, taken.handle, step.id);
  }
  const added = { ...base, steps: [...placed, { ...step, position: placeFor(base, from) }] };
  return after && free ? connect(added, after, free.handle, step.id) : added;
}

export function uniqueStepId(definition: Definition, type: StepType): string {
  const taken = new Set(definition.steps.map((s) => s.id));
  for (let n = 1; ; n++) if (!taken.has(`${type}_${n}`)) return `${type}_${n}`;
}

const ZERO = { days: 0, hours: 0, minutes: 0 };

/** A new step of `type` with fields a marketer then fills in (empty ids are for pickers to set); insertStep places it. */
export function newStep(type: StepType, id: string): Step {
  const base = { id };
  switch (type) {
    case 'wait':
      return { ...base, type, duration: { ...ZERO, days: 1 }, next: null };
    case 'waitUntil':
      return { ...base, type, at: '10:00', next: null };
    case 'waitForEvent':
      return { ...base, type, event: 'Order Completed', timeout: { ...ZERO, days: 7 }, next: null, timeoutNext: null };
    case 'branch':
      return { ...base, type, rule: { version: 1, match: { type: 'orders', aggregate: 'count', op: 'gte', value: 2 } }, yes: null, no: null };
    case 'split':
      return {
        ...base,
        type,
        paths: [
          { label: 'A', percent: 50, next: null },
          { label: 'B', percent: 50, next: null },
        ],
      };
    case 'send':
      return { ...base, type, class: 'marketing', template: { channel: 'email', subject: '', mjml: DEFAULT_MJML }, next: null };
    case 'coupon':
      return { ...base, type, couponCampaignId: '', next: null };
    case 'points':
      return { ...base, type, points: 100, reason: '', next: null };
    case 'attribute':
      return { ...base, type, key: '', value: '', next: null };
    case 'webhook':
      return { ...base, type, webhookId: '', next: null };
    case 'exit':
      return { ...base, type };
  }
}

export const DEFAULT_MJML = `<mjml>
  <mj-body>
    <mj-section>
      <mj-column>
        <mj-text>${GREETING}</mj-text>
      </mj-column>
    </mj-section>
  </mj-body>
</mjml>`;

export const BLANK_DEFINITION: Definition = {
  trigger: { type: 'event', event: 'Order Completed' },
  entry: { mode: 'once' },
  start: 'wait_1',
  steps: [
    { id: 'wait_1', type: 'wait', duration: { ...ZERO, days: 1 }, next: 'exit_1', position: { x: 0, y: 150 } },
    { id: 'exit_1', type: 'exit', position: { x: 0, y: 300 } },
  ],
  goal: null,
  holdoutPercent: 10,
  triggerPosition: { x: 0, y: 0 },
};

const COLUMN = 280;
const ROW = 150;

/**
 * Positions for the trigger and the steps without one (templates may come without): rows by
 * distance from the start, side by side within a row. Placed steps keep theirs.
 */
export function layout(definition: Definition): { trigger: Position; steps: Map<string, Position> } {
  const byId = new Map(definition.steps.map((s) => [s.id, s]));
  const depth = new Map<string, number>();
  const queue: string[] = byId.has(definition.start) ? [definition.start] : [];
  if (queue.length) depth.set(definition.start, 1);
  while (queue.length) {
    const id = queue.shift()!;
    for (const o of outlets(byId.get(id)!)) {
      if (o.target && byId.has(o.target) && !depth.has(o.target)) {
        depth.set(o.target, depth.get(id)! + 1);
        queue.push(o.target);
      }
    }
  }
  const unreachableRow = Math.max(0, ...depth.values()) + 1;
  const perRow = new Map<number, number>();
  const steps = new Map<string, Position>();
  for (const step of definition.steps) {
    const row = depth.get(step.id) ?? unreachableRow;
    const column = perRow.get(row) ?? 0;
    perRow.set(row, column + 1);
    steps.set(step.id, step.position ?? { x: column * COLUMN, y: row * ROW });
  }
  return { trigger: definition.triggerPosition ?? { x: 0, y: 0 }, steps };
}

/** Where a new step goes: below the selected node, else below everything. */
function placeFor(definition: Definition, below: Position | undefined): Position {
  const { trigger, steps } = layout(definition);
  const taken = [trigger, ...steps.values()];
  const place = below ? { x: below.x, y: below.y + ROW } : { x: 0, y: Math.max(0, ...taken.map((p) => p.y)) + ROW };
  // Beside whatever already sits there, not on top of it.
  while (taken.some((p) => Math.abs(p.x - place.x) < COLUMN - 40 && Math.abs(p.y - place.y) < ROW / 2)) place.x += COLUMN;
  return place;
}

/** The definition without canvas positions: what validation depends on (dragging does not re-validate). */
export function withoutPositions(definition: Definition): Definition {
  const { triggerPosition: _drop, ...rest } = definition;
  return { ...rest, steps: definition.steps.map(({ position: _p, ...s }) => s as Step) };
}

/** The canvas node an issue is about: a step (by its index or id in the path), the trigger, or none (journey-wide). */
export function nodeOfIssue(definition: Definition, issue: ValidationIssue): string | null {
  if (issue.stepId) return issue.stepId;
  // The API names fields from the request body: ['definition', 'steps', 3, 'next'].
  const [head, second] = issue.path[0] === 'definition' ? issue.path.slice(1) : issue.path;
  if (head === 'steps') {
    if (typeof second === 'number') return definition.steps[second]?.id ?? null;
    if (typeof second === 'string') return definition.steps.some((s) => s.id === second) ? second : null;
  }
  if (head === 'trigger' || head === 'start') return TRIGGER_NODE;
  return null;
}

export function splitTotal(step: Extract<Step, { type: 'split' }>): number {
  return step.paths.reduce((sum, p) => sum + (Number.isFinite(p.percent) ? p.percent : 0), 0);
}
