import type { DemoServices } from './demoServices.ts';
import { seedDemoSurvey } from '../surveys/demo.ts';
import { SCOPES, type Workspace } from '../workspaces/index.ts';
import { generateDemo } from './generate.ts';
import { observationEnd } from './generator.ts';
import { seedDemoKpiTargets } from './kpiTargets.ts';
import { seedDemoLoyalty } from './loyaltyProgramme.ts';
import { seedDemoMessaging } from './messagingSetup.ts';
import { seedDemoMessageHistory } from './messageHistory.ts';
import { seedDemoScoreHistory } from './scoreHistory.ts';
import { seedDemoUgc } from './ugcContest.ts';

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
  /** Where the demo server is reached (tracking links and unsubscribe pages in the outbox's mail). */
  publicBaseUrl?: string;
}

/**
 * For `kizuna start`: makes sure the "Demo" workspace exists with its data and returns the lines
 * to print. The data ends at the midnight (Japan time) before the workspace was created, so it looks
 * current on the first day and a start interrupted mid-generation resumes with the same data (the
 * writes are upserts by deterministic external ids). Keys are stored hashed, so each start revokes
 * the previous demo key and prints a fresh one.
 */
export async function ensureDemoWorkspace(services: DemoServices, options: DemoStartOptions = {}): Promise<string[]> {
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
  // On every start, not only the first: a demo made by an earlier version becomes ready too.
  lines.push(...(await makeReady(services, workspace, options.publicBaseUrl)));
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

/**
 * What makes the demo a shop one can act in (docs/demo-data.md): messaging to the outbox, a loyalty
 * programme with history, KPI targets, a UGC contest and months of score history. Each step skips
 * itself when its part exists, so a start interrupted here resumes.
 */
async function makeReady(services: DemoServices, workspace: Workspace, publicBaseUrl: string | undefined): Promise<string[]> {
  const end = dataEnd(workspace);
  const lines: string[] = [];
  if (await seedDemoMessaging(services, workspace.id, publicBaseUrl)) lines.push("Demo messaging: every channel goes to the outbox (the web app's Outbox page; see docs/messaging.md)");
  const loyalty = await seedDemoLoyalty(services, workspace.id, end);
  if (loyalty) lines.push(`Demo loyalty programme: ${loyalty.earnedPoints.toLocaleString('en')} points earned, ${loyalty.expiredPoints.toLocaleString('en')} expired (see docs/loyalty.md)`);
  const entries = await seedDemoUgc(services, workspace.id, { end, seed: DEMO_WORKSPACE.seed });
  if (entries > 0) lines.push(`Demo UGC contest: ${entries} entries (see docs/ugc.md)`);
  const targets = await seedDemoKpiTargets(services, workspace.id, end);
  if (targets > 0) lines.push(`Demo KPI targets: ${targets} (see docs/metrics.md)`);
  const history = await seedDemoMessageHistory(services, workspace.id, { end, seed: DEMO_WORKSPACE.seed });
  if (history) lines.push(`Demo message history: a sale announcement (${history.campaign.toLocaleString('en')} recipients) and ${history.journeyRuns.toLocaleString('en')} post-purchase journey runs (see docs/messaging.md)`);
  const runs = await seedDemoScoreHistory(services, workspace.id, { end });
  if (runs > 0) lines.push(`Demo score history: ${runs} scoring runs over the last months`);
  return lines;
}

/** Midnight in Japan at the start of the day the workspace was created. */
function dataEnd(workspace: Workspace): Date {
  return observationEnd(new Date(workspace.createdAt.getTime() + 9 * 3_600_000).toISOString().slice(0, 10));
}
