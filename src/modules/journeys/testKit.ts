import type { Services } from '../../app/services.ts';
import { seedAudience, settingsFor } from '../messaging/testKit.ts';
import type { DefinitionInput, Step } from './definition.ts';

/** Test helpers: a workspace that can send (no provider: deliveries stay queued) with `n` customers. */
export async function journeyWorkspace(services: Services, n: number, options: { globalControlPercent?: number; cohort?: string } = {}) {
  const ws = (await services.workspaces.create({ name: `journeys-${Math.random().toString(36).slice(2)}`, timeZone: 'Asia/Tokyo' })).workspace.id;
  await services.messaging.putSettings(ws, settingsFor(undefined, { policy: { globalControlPercent: options.globalControlPercent ?? 0, quietHours: null } }));
  const { customerIds, segmentId } = await seedAudience(services, ws, n, { cohort: options.cohort ?? 'j' });
  return { ws, customerIds, segmentId };
}

export const mail = (subject: string) => ({ channel: 'email' as const, subject, mjml: '<mjml><mj-body><mj-section><mj-column><mj-text>{{ customer.name }} 様 {% if coupon %}{{ coupon.code }}{% endif %}</mj-text></mj-column></mj-section></mj-body></mjml>' });

/** A definition with the API trigger, no holdout, one entry per customer unless told. */
export function apiJourney(steps: Step[] | DefinitionInput['steps'], extra: Partial<DefinitionInput> = {}): DefinitionInput {
  return { trigger: { type: 'api' }, entry: { mode: 'once' }, start: steps[0]!.id, steps, goal: null, holdoutPercent: 0, ...extra };
}

/** Creates and activates a journey. */
export async function liveJourney(services: Services, ws: string, definition: DefinitionInput, name = 'test journey') {
  const created = await services.journeys.create(ws, { name, definition });
  return services.journeys.activate(ws, created.id);
}

export const later = (from: Date, ms: number) => new Date(from.getTime() + ms);
export const HOUR = 3_600_000;
export const DAY = 24 * HOUR;
