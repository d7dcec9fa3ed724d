import type { Command } from 'commander';
import { ValidationError } from '../../kernel/errors.ts';
import type { Interval, LiftReport } from '../../analytics/stats/lift.ts';
import type { CampaignReport } from '../../modules/messaging/report.ts';
import { dataDirOption, resolveWorkspace, withServices, type DataDirOption } from '../context.ts';
import { asOf, asOfOption } from '../asOf.ts';
import { commandGroup } from '../group.ts';
import type { AbTestReport } from '../../modules/messaging/abReport.ts';
import { cliIo, emit } from '../output.ts';

interface Flags extends DataDirOption {
  workspace?: string;
  json?: boolean;
}

const wsOf = (flags: Flags) => flags.workspace ?? cliIo().env.KIZUNA_WORKSPACE;
const n = (v: number) => v.toLocaleString('en');

/** What an operator does to a campaign after sending it: read its report, stop it. */
export function register(program: Command): void {
  const campaign = commandGroup(program, 'campaign', 'messaging campaigns: send to a segment on any channel, report lift');

  dataDirOption(
    campaign
      .command('report <id>')
      .description('conversions and revenue per arm, lift against the holdout and the global control group')
      .option('--window-days <days>', "conversion window (default: the campaign's)")
      .option('--workspace <id>', 'workspace id or name (env KIZUNA_WORKSPACE); optional when there is only one')
      .option('--json', 'print the report as JSON'),
  ).action(async (id: string, flags: Flags & { windowDays?: string }) => {
    const windowDays = flags.windowDays === undefined ? undefined : Number(flags.windowDays);
    if (windowDays !== undefined && (!Number.isInteger(windowDays) || windowDays < 1 || windowDays > 365)) {
      throw new ValidationError('Invalid options', [{ path: ['--window-days'], message: 'a whole number of days from 1 to 365' }]);
    }
    const result = await withServices(flags, async (s) => {
      const ws = await resolveWorkspace(s, wsOf(flags));
      const report = await s.messaging.report(ws, id, { windowDays });
      return { campaign: await s.messaging.getCampaign(ws, id), report };
    });
    emit(flags.json, result.report, () => describeReport(`${result.campaign.name} (${result.campaign.channel}, ${result.campaign.status})`, result.report));
  });

  dataDirOption(
    campaign
      .command('proof <id>')
      .description("send the campaign's message to the seed list, marked [PROOF] (for --customer, else a sample recipient)")
      .option('--customer <id>', 'render it for this customer (id or external id)')
      .option('--workspace <id>', 'workspace id or name (env KIZUNA_WORKSPACE); optional when there is only one')
      .option('--json', 'print the result as JSON'),
  ).action(async (id: string, flags: Flags & { customer?: string }) => {
    const result = await withServices(flags, async (s) => {
      try {
        return await s.messaging.proof(await resolveWorkspace(s, wsOf(flags)), id, { customer: flags.customer });
      } finally {
        await s.messaging.close();
      }
    });
    emit(flags.json, result, () => `Proof sent to ${result.sent.map((r) => r.to).join(', ')}`);
  });

  dataDirOption(
    asOfOption(
      campaign
        .command('decide')
        .description("decide the A/B tests that are due (the worker's messaging.abDecide job) and queue the winner for the rest")
        .option('--workspace <id>', 'workspace id or name (env KIZUNA_WORKSPACE); optional when there is only one')
        .option('--json', 'print the decisions as JSON'),
    ),
  ).action(async (flags: Flags & { asOf?: string }) => {
    const now = asOf(flags);
    const decided = await withServices(flags, async (s) => s.messaging.decideAbTests({ workspaceId: await resolveWorkspace(s, wsOf(flags)), now }));
    emit(flags.json, { decided }, () =>
      decided.length === 0
        ? 'No A/B test is due'
        : decided.map((d) => `${d.campaignId}: ${d.decision.winner ? `winner ${d.decision.winner}` : `no significant winner (${d.decision.reason})`}, ${d.decision.sent} released to the rest (queued; the worker sends it)`).join('\n'),
    );
  });

  dataDirOption(
    campaign
      .command('cancel <id>')
      .description('stop a campaign: deliveries not yet sent are suppressed as cancelled')
      .option('--workspace <id>', 'workspace id or name (env KIZUNA_WORKSPACE); optional when there is only one')
      .option('--json', 'print the campaign as JSON'),
  ).action(async (id: string, flags: Flags) => {
    const cancelled = await withServices(flags, async (s) => s.messaging.cancel(await resolveWorkspace(s, wsOf(flags)), id));
    emit(flags.json, cancelled, () => `Campaign ${cancelled.id} (${cancelled.name}) cancelled; unsent deliveries are suppressed`);
  });
}

function describeReport(title: string, r: CampaignReport): string {
  const arms = (Object.entries(r.arms) as [string, CampaignReport['arms']['treatment']][])
    .filter(([, a]) => a.n > 0)
    .map(([arm, a]) => `  ${arm.padEnd(15)} ${n(a.n).padStart(8)} recipients, ${n(a.conversions)} converted, revenue ${n(Math.round(a.revenueSum))}`);
  return [
    title,
    `sent ${n(r.sent)} · opened ${n(r.opened)} · clicked ${n(r.clicked)} · conversion window ${r.conversionWindowDays} days`,
    ...(r.uncertain > 0 ? [`uncertain ${n(r.uncertain)}: a worker died while sending them; they may or may not have arrived and are not sent again`] : []),
    ...arms,
    `outcomes: ${r.outcomes.map((o) => `${o.state}${o.reason ? ` (${o.reason})` : ''} ${n(o.count)}`).join(', ') || 'none'}`,
    describeLift('vs holdout', r.vsHoldout),
    describeLift('vs global control', r.vsGlobalControl),
    ...('abTest' in r && r.abTest ? describeAbTest(r.abTest as AbTestReport) : []),
  ].join('\n');
}

function describeAbTest(ab: AbTestReport): string[] {
  const d = ab.decision;
  const value = (x: number | null) => (x === null ? '-' : ab.metric === 'revenue' ? n(Math.round(x)) : `${(x * 100).toFixed(1)}%`);
  const gap = d.interval ? ` (best - runner-up ${value(d.interval.estimate)}, interval ${value(d.interval.low)} to ${value(d.interval.high)})` : '';
  return [
    `A/B test by ${ab.metric}: ${'provisional' in d ? `deciding at ${ab.decideAt?.toISOString() ?? '-'}, ${n(ab.rest.waiting)} waiting` : `${d.winner ? `winner ${d.winner}` : `no significant winner (${d.reason})`}, ${d.sent} released to the rest ${n(ab.rest.n - ab.rest.waiting)} (queued ${n(ab.rest.queued)}, sent ${n(ab.rest.sent)}, stopped at the gate ${n(ab.rest.n - ab.rest.waiting - ab.rest.queued - ab.rest.sent)})`}${gap}`,
    ...ab.variants.map((v) => `  ${v.key.padEnd(15)} ${n(v.n).padStart(8)} recipients, ${n(v.sent)} sent, ${ab.metric} ${value(v.rate)}${v.interval ? ` (${value(v.interval.low)} to ${value(v.interval.high)})` : ''}`),
  ];
}

function describeLift(label: string, lift: LiftReport | null): string {
  if (!lift) return `${label}: none`;
  const pts = (i: Interval | null) => (i ? `${(i.estimate * 100).toFixed(2)} pts (${Math.round(lift.confidence * 100)}% CI ${(i.low * 100).toFixed(2)} to ${(i.high * 100).toFixed(2)})` : 'not enough data');
  const money = (i: Interval | null) => (i ? `${n(Math.round(i.estimate))} per recipient (${n(Math.round(i.low))} to ${n(Math.round(i.high))})` : 'not enough data');
  return `${label}: conversion ${pts(lift.conversionRate.absolute)}; revenue ${money(lift.revenuePerRecipient.absolute)}`;
}
