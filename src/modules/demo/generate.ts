import type { BgNbdParams } from '../../analytics/models/bgnbd.ts';
import type { GammaGammaParams } from '../../analytics/models/gammagamma.ts';
import type { DemoServices } from './demoServices.ts';
import { GROUND_TRUTH, planDemo, type GenerateOptions } from './generator.ts';
import { writeDemo, type DemoCounts, type WriteOptions } from './writer.ts';

export interface DemoSummary {
  workspaceId: string;
  /** Only when the workspace was created here: keys are stored hashed and cannot be shown later. */
  apiKey?: string;
  seed: number;
  months: number;
  currency: 'JPY';
  observation: { start: string; end: string };
  groundTruth: { bgnbd: BgNbdParams & { unit: 'weeks' }; gammagamma: GammaGammaParams };
  counts: DemoCounts;
  seconds: number;
}

/** Generates a data set into `workspaceId`, or into a new workspace named `workspaceName`. */
export async function generateDemo(
  services: DemoServices,
  options: GenerateOptions & { workspaceId?: string; workspaceName?: string },
  write: WriteOptions = {},
): Promise<DemoSummary> {
  const started = performance.now();
  let workspaceId = options.workspaceId;
  let apiKey: string | undefined;
  if (workspaceId) {
    await services.workspaces.get(workspaceId);
  } else {
    const created = await services.workspaces.create({ name: options.workspaceName ?? `Generated (seed ${options.seed})`, currency: 'JPY', timeZone: 'Asia/Tokyo', locale: 'ja' });
    workspaceId = created.workspace.id;
    apiKey = created.apiKey;
  }
  const plan = planDemo(options);
  const counts = await writeDemo(services, workspaceId, plan, write);
  return {
    workspaceId,
    ...(apiKey ? { apiKey } : {}),
    seed: options.seed,
    months: options.months,
    currency: 'JPY',
    observation: { start: plan.start.toISOString(), end: plan.end.toISOString() },
    groundTruth: { ...GROUND_TRUTH, bgnbd: { ...(options.bgnbd ?? GROUND_TRUTH.bgnbd), unit: 'weeks' } },
    counts,
    seconds: Math.round((performance.now() - started) / 100) / 10,
  };
}
