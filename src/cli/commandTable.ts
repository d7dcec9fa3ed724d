import type { Command } from 'commander';

/** A command module: adds its command (and subcommands) to the program. */
export interface CommandModule {
  register(program: Command): void;
}

/**
 * Every top-level command, its one-line summary for `kizuna --help`, and how to load it. Only the
 * command being run is imported, so `kizuna --help` or `kizuna fit` does not load the web server,
 * the mail renderer or the other commands' modules. The summaries equal the commands' own
 * descriptions (commandTable.test.ts checks both, and that every file in ./commands is listed once).
 */
export const COMMANDS: Record<string, { summary: string; files: string[] }> = {
  apikey: { summary: 'manage API keys (the web app does it too, under Settings → API keys)', files: ['apikey'] },
  backtest: {
    summary: 'refit on the calibration period and compare predicted with actual purchases and revenue in the holdout',
    files: ['backtest'],
  },
  campaign: { summary: 'messaging campaigns: send to a segment on any channel, report lift', files: ['campaign', 'campaignOps', 'campaignPerformance'] },
  coupon: { summary: 'coupon campaigns: create, issue codes, redeem, stats', files: ['coupon'] },
  email: { summary: 'email deliverability: DKIM keys per sending domain, the bounce and complaint listener (docs/messaging.md, Deliverability)', files: ['email'] },
  fit: {
    summary:
      'fit a CLV model by maximum likelihood: bgnbd | mbgnbd | paretonbd | gammagamma (from a summary or transactions) | sbg (from survivor counts)',
    files: ['fit'],
  },
  generate: {
    summary: 'write a deterministic synthetic data set (customers, orders, events, B2B accounts) with known model parameters',
    files: ['generate'],
  },
  import: {
    summary: 'import a CSV file (UTF-8 or Shift_JIS, Japanese or English headers); see docs/import.md',
    files: ['import'],
  },
  journey: { summary: 'automated journeys: list, inspect, switch on templates, activate, run', files: ['journey', 'journeyPerformance'] },
  loyalty: { summary: 'loyalty points, tiers, rewards and referrals', files: ['loyalty', 'loyaltySettings'] },
  predict: {
    summary: 'per-customer expected purchases in the next --horizon, P(alive) and (--clv) lifetime value, written as CSV',
    files: ['predict'],
  },
  recs: { summary: 'product recommendations: rebuild the model, evaluate it offline, show lists', files: ['recs'] },
  score: {
    summary: 'score every customer: RFM, P(alive), expected purchases, CLV, churn risk, lifecycle stage (refits the models when due)',
    files: ['score'],
  },
  segment: { summary: 'customer segments: preview rules, create, list, refresh, export audiences', files: ['segment'] },
  seedlist: { summary: "addresses test sends may go to, besides the workspace's users (docs/security.md)", files: ['seedlist'] },
  serve: { summary: 'start the API and web app (no demo data)', files: ['serve'] },
  start: {
    summary: 'start the API and web app with a demo workspace (its data is generated on the first start)',
    files: ['start'],
  },
  survey: { summary: 'NPS, CSAT and CES surveys, links, NPS and follow-up cases', files: ['survey'] },
  template: { summary: 'message templates: the starter library for the usual customer moments (docs/messaging.md)', files: ['template'] },
  ugc: { summary: 'UGC campaigns: entry links, moderation, winners, CSV exports', files: ['ugc'] },
  user: { summary: 'manage people who sign in to the web app', files: ['user'] },
  worker: { summary: 'run background jobs (daily scoring per workspace, …) until stopped', files: ['worker'] },
  workspace: { summary: 'manage workspaces (tenants)', files: ['workspace'] },
};

/** Registers a command: each of its files in ./commands adds to it (a group may span files). */
export async function loadCommand(program: Command, name: string): Promise<void> {
  for (const file of COMMANDS[name]!.files) ((await import(`./commands/${file}.ts`)) as CommandModule).register(program);
}

/** The command named on the command line (`kizuna fit …`, `kizuna help fit`), if it is one of ours. */
export function requestedCommand(args: readonly string[]): string | undefined {
  const words = args.filter((a) => !a.startsWith('-'));
  const name = words[0] === 'help' ? words[1] : words[0];
  return name !== undefined && Object.hasOwn(COMMANDS, name) ? name : undefined;
}
