import type { Command } from 'commander';

/** A command module: adds its command (and subcommands) to the program. */
export interface CommandModule {
  register(program: Command): void;
}

/**
 * Every top-level command, its one-line summary for `kizuna --help`, and how to load it. Only the
 * command being run is imported, so `kizuna --help` or `kizuna fit` does not load the web server,
 * the mail renderer or the other commands' modules. The summaries equal the commands' own
 * descriptions (commandTable.test.ts checks both, and that every file in ./commands is listed).
 */
export const COMMANDS: Record<string, { summary: string; load: () => Promise<CommandModule> }> = {
  backtest: {
    summary: 'refit on the calibration period and compare predicted with actual purchases and revenue in the holdout',
    load: () => import('./commands/backtest.ts'),
  },
  campaign: { summary: 'messaging campaigns: send to a segment on any channel, report lift', load: () => import('./commands/campaign.ts') },
  coupon: { summary: 'coupon campaigns: create, issue codes, redeem, stats', load: () => import('./commands/coupon.ts') },
  fit: {
    summary:
      'fit a CLV model by maximum likelihood: bgnbd | mbgnbd | paretonbd | gammagamma (from a summary or transactions) | sbg (from survivor counts)',
    load: () => import('./commands/fit.ts'),
  },
  generate: {
    summary: 'write a deterministic synthetic data set (customers, orders, events, B2B accounts) with known model parameters',
    load: () => import('./commands/generate.ts'),
  },
  import: {
    summary: 'import a CSV file (UTF-8 or Shift_JIS, Japanese or English headers); see docs/import.md',
    load: () => import('./commands/import.ts'),
  },
  journey: { summary: 'automated journeys: list, inspect, switch on templates, activate, run', load: () => import('./commands/journey.ts') },
  loyalty: { summary: 'loyalty points, tiers, rewards and referrals', load: () => import('./commands/loyalty.ts') },
  predict: {
    summary: 'per-customer expected purchases in the next --horizon, P(alive) and (--clv) lifetime value, written as CSV',
    load: () => import('./commands/predict.ts'),
  },
  recs: { summary: 'product recommendations: rebuild the model, evaluate it offline, show lists', load: () => import('./commands/recs.ts') },
  score: {
    summary: 'score every customer: RFM, P(alive), expected purchases, CLV, churn risk, lifecycle stage (refits the models when due)',
    load: () => import('./commands/score.ts'),
  },
  segment: { summary: 'customer segments: preview rules, create, list, refresh, export audiences', load: () => import('./commands/segment.ts') },
  serve: { summary: 'start the API and web app (no demo data)', load: () => import('./commands/serve.ts') },
  start: {
    summary: 'start the API and web app with a demo workspace (its data is generated on the first start)',
    load: () => import('./commands/start.ts'),
  },
  survey: { summary: 'NPS, CSAT and CES surveys, links, NPS and follow-up cases', load: () => import('./commands/survey.ts') },
  ugc: { summary: 'UGC campaigns: entry links, moderation, winners, CSV exports', load: () => import('./commands/ugc.ts') },
  user: { summary: 'manage people who sign in to the web app', load: () => import('./commands/user.ts') },
  worker: { summary: 'run background jobs (daily scoring per workspace, …) until stopped', load: () => import('./commands/worker.ts') },
  workspace: { summary: 'manage workspaces (tenants)', load: () => import('./commands/workspace.ts') },
};

/** The command named on the command line (`kizuna fit …`, `kizuna help fit`), if it is one of ours. */
export function requestedCommand(args: readonly string[]): string | undefined {
  const words = args.filter((a) => !a.startsWith('-'));
  const name = words[0] === 'help' ? words[1] : words[0];
  return name !== undefined && Object.hasOwn(COMMANDS, name) ? name : undefined;
}
