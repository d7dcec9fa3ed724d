import type { Services } from '../../app/services.ts';
import { seedDemoSurvey } from '../surveys/demo.ts';
import { SCOPES, type Workspace } from '../workspaces/service.ts';
import { generateDemo } from './generate.ts';
import { observationEnd } from './generator.ts';

export const DEMO_WORKSPACE = { name: 'Demo', customers: 20_000, months: 24, seed: 1 } as const;

/** The key printed on every start; its existence also marks the demo data as complete. */
const DEMO_KEY_NAME = 'demo';

export interface DemoStartOptions {
  /** Size of the demo when it is generated (tests use a small one). */
  customers?: number;
  /** Called before a (first-start) generation, with the number of customers to come. */
  onGenerate?: (customers: number) => void;
  onProgress?: (customersWritten: number) => void;
  onGenerated?: () => void;
}

/**
 * For `kizuna start`: makes sure the "Demo" workspace exists with its data and returns the lines
 * to print. The data ends at the midnight (Japan time) before the workspace was created, so it looks
 * current on the first day and a start interrupted mid-generation resumes with the same data (the
 * writes are upserts by deterministic external ids). Keys are stored hashed, so each start revokes
 * the previous demo key and prints a fresh one.
 */
export async function ensureDemoWorkspace(services: Services, options: DemoStartOptions = {}): Promise<string[]> {
  const workspace =
    (await services.workspaces.list()).find((w) => w.name === DEMO_WORKSPACE.name) ??
    (await services.workspaces.create({ name: DEMO_WORKSPACE.name, currency: 'JPY', timeZone: 'Asia/Tokyo', locale: 'ja' })).workspace;
  const keys = await services.workspaces.listApiKeys(workspace.id);
  const lines: string[] = [];
  if (!keys.some((k) => k.name === DEMO_KEY_NAME)) {
    const customers = options.customers ?? DEMO_WORKSPACE.customers;
    options.onGenerate?.(customers);
    const summary = await generateDemo(
      services,
      { ...DEMO_WORKSPACE, customers, end: dataEnd(workspace), workspaceId: workspace.id },
      { onProgress: options.onProgress },
    ).finally(() => options.onGenerated?.());
    // The journey templates, switched on as drafts to edit and activate (a resumed start keeps the ones it made).
    if ((await services.journeys.list(workspace.id)).length === 0) {
      for (const t of services.journeys.templates()) await services.journeys.enableTemplate(workspace.id, t.key);
    }
    const answers = await seedDemoSurvey(services, workspace.id, { end: dataEnd(workspace), seed: DEMO_WORKSPACE.seed });
    const c = summary.counts;
    lines.push(
      `Demo data generated in ${summary.seconds} s: ${c.customers.toLocaleString('en')} customers, ${c.orders.toLocaleString('en')} orders, ` +
        `${c.events.toLocaleString('en')} events, ${c.accounts} B2B accounts (seed ${summary.seed}; see docs/demo-data.md)`,
      `Demo NPS survey: ${answers} answers (see docs/surveys.md)`,
    );
  }
  for (const key of keys) {
    if (key.name === DEMO_KEY_NAME && !key.revokedAt) await services.workspaces.revokeApiKey(workspace.id, key.id);
  }
  const { key } = await services.workspaces.createApiKey(workspace.id, { name: DEMO_KEY_NAME, scopes: [...SCOPES] });
  lines.push(
    `Demo workspace: ${workspace.id}`,
    `Demo API key (new on every start; the previous one is revoked): ${key}`,
  );
  return lines;
}

/** Midnight in Japan at the start of the day the workspace was created. */
function dataEnd(workspace: Workspace): Date {
  return observationEnd(new Date(workspace.createdAt.getTime() + 9 * 3_600_000).toISOString().slice(0, 10));
}
