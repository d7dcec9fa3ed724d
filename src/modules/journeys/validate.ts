import { zodIssues, type FieldIssue } from '../../kernel/errors.ts';
import { referencedSegments } from '../segments/rule.ts';
import { definitionSchema, type Definition, type Step } from './definition.ts';

/**
 * Checks a definition beyond its schema: the graph (start exists, every `next` names a step, no
 * unreachable step, no loop that never waits, split percents sum to 100) and, with `refs`, that
 * the segments, coupon campaigns and webhooks it names exist. Each issue's path names the field
 * (['definition', 'steps', 3, 'next']) and its message the step id.
 */
export interface References {
  segmentExists(id: string): Promise<boolean>;
  couponCampaignExists(id: string): Promise<boolean>;
  webhookExists(id: string): Promise<boolean>;
}

const PREFIX = ['definition'];
const WAITS = new Set<Step['type']>(['wait', 'waitUntil', 'waitForEvent']);

/** The outgoing edges of a step with the field each sits in. */
export function edgesOf(step: Step): { field: (string | number)[]; to: string | null }[] {
  switch (step.type) {
    case 'branch':
      return [
        { field: ['yes'], to: step.yes },
        { field: ['no'], to: step.no },
      ];
    case 'split':
      return step.paths.map((p, k) => ({ field: ['paths', k, 'next'], to: p.next }));
    case 'waitForEvent':
      return [
        { field: ['next'], to: step.next },
        { field: ['timeoutNext'], to: step.timeoutNext },
      ];
    case 'exit':
      return [];
    default:
      return [{ field: ['next'], to: step.next }];
  }
}

export function parseDefinition(input: unknown): { definition: Definition | null; issues: FieldIssue[] } {
  const parsed = definitionSchema.safeParse(input);
  if (!parsed.success) return { definition: null, issues: zodIssues(parsed.error, PREFIX) };
  return { definition: parsed.data, issues: structuralIssues(parsed.data) };
}

export function structuralIssues(def: Definition): FieldIssue[] {
  const issues: FieldIssue[] = [];
  const index = new Map<string, number>();
  def.steps.forEach((s, i) => {
    if (index.has(s.id)) issues.push({ path: [...PREFIX, 'steps', i, 'id'], message: `step id "${s.id}" is used by more than one step` });
    else index.set(s.id, i);
  });
  if (!index.has(def.start)) issues.push({ path: [...PREFIX, 'start'], message: `the start step "${def.start}" does not exist` });
  if (def.entry.mode === 'oncePerPeriod' && !def.entry.periodDays) {
    issues.push({ path: [...PREFIX, 'entry', 'periodDays'], message: 'once per period needs periodDays' });
  }

  def.steps.forEach((s, i) => {
    for (const e of edgesOf(s)) {
      if (e.to !== null && !index.has(e.to)) issues.push({ path: [...PREFIX, 'steps', i, ...e.field], message: `step "${s.id}" points at "${e.to}", which does not exist` });
      if (e.to === s.id && !WAITS.has(s.type)) issues.push({ path: [...PREFIX, 'steps', i, ...e.field], message: `step "${s.id}" points at itself without waiting` });
    }
    if (s.type === 'split') {
      const sum = s.paths.reduce((a, p) => a + p.percent, 0);
      if (sum !== 100) issues.push({ path: [...PREFIX, 'steps', i, 'paths'], message: `the paths of split "${s.id}" add up to ${sum}%, not 100%` });
      const labels = new Set(s.paths.map((p) => p.label));
      if (labels.size !== s.paths.length) issues.push({ path: [...PREFIX, 'steps', i, 'paths'], message: `the paths of split "${s.id}" need different labels` });
    }
  });

  if (index.has(def.start)) {
    const seen = new Set<string>();
    const stack = [def.start];
    while (stack.length > 0) {
      const id = stack.pop()!;
      if (seen.has(id) || !index.has(id)) continue;
      seen.add(id);
      for (const e of edgesOf(def.steps[index.get(id)!]!)) if (e.to) stack.push(e.to);
    }
    def.steps.forEach((s, i) => {
      if (!seen.has(s.id) && index.get(s.id) === i) issues.push({ path: [...PREFIX, 'steps', i], message: `step "${s.id}" cannot be reached from the start` });
    });
  }

  for (const id of instantCycle(def, index)) {
    const i = index.get(id)!;
    issues.push({ path: [...PREFIX, 'steps', i], message: `step "${id}" is on a loop with no wait step: a run would go round it forever` });
  }
  return issues;
}

/** Steps on a cycle that passes no wait step (edges leaving a wait are cut; what still loops never pauses). */
function instantCycle(def: Definition, index: Map<string, number>): string[] {
  const color = new Map<string, 'grey' | 'black'>();
  const onCycle = new Set<string>();
  const path: string[] = [];
  const visit = (id: string) => {
    color.set(id, 'grey');
    path.push(id);
    const step = def.steps[index.get(id)!]!;
    if (!WAITS.has(step.type)) {
      for (const e of edgesOf(step)) {
        if (!e.to || !index.has(e.to) || e.to === id) continue;
        const c = color.get(e.to);
        if (c === 'grey') for (const p of path.slice(path.indexOf(e.to))) onCycle.add(p);
        else if (!c) visit(e.to);
      }
    }
    path.pop();
    color.set(id, 'black');
  };
  for (const id of index.keys()) if (!color.has(id)) visit(id);
  return [...onCycle];
}

/** The segments, coupon campaigns and webhooks the definition names must exist in the workspace. */
export async function referenceIssues(def: Definition, refs: References): Promise<FieldIssue[]> {
  const issues: FieldIssue[] = [];
  if (def.trigger.type === 'segment' && !(await refs.segmentExists(def.trigger.segmentId))) {
    issues.push({ path: [...PREFIX, 'trigger', 'segmentId'], message: `segment ${def.trigger.segmentId} does not exist` });
  }
  for (const [i, s] of def.steps.entries()) {
    const at = [...PREFIX, 'steps', i];
    if (s.type === 'branch') {
      for (const ref of referencedSegments(s.rule.match)) {
        if (!(await refs.segmentExists(ref.segmentId))) issues.push({ path: [...at, 'rule', ...ref.path], message: `branch "${s.id}" refers to segment ${ref.segmentId}, which does not exist` });
      }
    } else if (s.type === 'coupon' && !(await refs.couponCampaignExists(s.couponCampaignId))) {
      issues.push({ path: [...at, 'couponCampaignId'], message: `step "${s.id}": coupon campaign ${s.couponCampaignId} does not exist` });
    } else if (s.type === 'webhook' && !(await refs.webhookExists(s.webhookId))) {
      issues.push({ path: [...at, 'webhookId'], message: `step "${s.id}": webhook ${s.webhookId} does not exist` });
    }
  }
  return issues;
}
