import type { Command } from 'commander';
import { ValidationError } from '../../kernel/errors.ts';
import type { LoyaltyReport } from '../../modules/loyalty/report.ts';
import { asOf, asOfOption, instantFlag } from '../asOf.ts';
import { dataDirOption, withServices, type DataDirOption } from '../context.ts';
import { cliIo, emit } from '../output.ts';
import { resolveWorkspace } from '../context.ts';

interface Flags extends DataDirOption {
  workspace?: string;
  json?: boolean;
}

const workspaceOption = (cmd: Command) =>
  dataDirOption(cmd.option('--workspace <id>', 'workspace id or name (env KIZUNA_WORKSPACE); optional when there is only one').option('--json', 'print JSON'));

const n = (v: number) => v.toLocaleString('en');

export function register(program: Command): void {
  const loyalty = program.command('loyalty').description('loyalty points, tiers, rewards and referrals');

  workspaceOption(
    loyalty
      .command('adjust')
      .description("add (positive) or take (negative) points from a customer's balance")
      .requiredOption('--customer <id>', 'our customer id or your external id')
      .requiredOption('--points <n>', 'whole points, e.g. 500 or -200')
      .requiredOption('--reason <text>', 'why (shown in the customer history)')
      .option('--key <key>', 'idempotency key: the same key adjusts once'),
  ).action(async (flags: Flags & { customer: string; points: string; reason: string; key?: string }) => {
    const points = Number(flags.points);
    if (!Number.isInteger(points) || points === 0) throw new ValidationError('Invalid options', [{ path: ['--points'], message: 'a whole number other than 0' }]);
    const result = await withServices(flags, async (s) => {
      const ws = await resolveWorkspace(s, flags.workspace ?? cliIo().env.KIZUNA_WORKSPACE);
      const { entry, replayed } = await s.loyalty.adjust(ws, { customer: flags.customer, points, reason: flags.reason, idempotencyKey: flags.key });
      return { entry, replayed, account: await s.loyalty.account(ws, entry.customerId) };
    });
    emit(flags.json, result, () =>
      `${result.replayed ? 'already adjusted' : 'adjusted'}: ${result.entry.points > 0 ? '+' : ''}${n(result.entry.points)} points; balance ${n(result.account.balance)} (${n(result.account.pending)} pending)`,
    );
  });

  workspaceOption(loyalty.command('report').description('liability, breakage, redemption rate, members by tier, top earners, referrals')).action(async (flags: Flags) => {
    const report = await withServices(flags, async (s) => s.loyalty.report(await resolveWorkspace(s, flags.workspace ?? cliIo().env.KIZUNA_WORKSPACE)));
    emit(flags.json, report, () => describeReport(report));
  });

  workspaceOption(
    loyalty.command('sync').description('earn points for new orders and events, reverse refunds and cancellations').option('--since <instant>', 'only orders and events from this time'),
  ).action(async (flags: Flags & { since?: string }) => {
    const since = instantFlag('--since', flags.since);
    const r = await withServices(flags, async (s) => s.loyalty.syncOrders(await resolveWorkspace(s, flags.workspace ?? cliIo().env.KIZUNA_WORKSPACE), { since }));
    emit(flags.json, r, () => `earned ${n(r.earnedPoints)} points in ${n(r.earnedEntries)} entries; reversed ${n(r.reversedPoints)} in ${n(r.reversedEntries)}; ${n(r.tierChanges)} tier changes`);
  });

  workspaceOption(
    asOfOption(loyalty.command('process').description('sync, confirm pending points, expire lots, complete referrals, review tiers at period end, grant surprises')),
  ).action(async (flags: Flags & { asOf?: string }) => {
    const now = asOf(flags);
    const r = await withServices(flags, async (s) => s.loyalty.process(await resolveWorkspace(s, flags.workspace ?? cliIo().env.KIZUNA_WORKSPACE), { now }));
    emit(flags.json, r, () =>
      [
        `earned ${n(r.earnedPoints)}, reversed ${n(r.reversedPoints)}, confirmed ${n(r.confirmedPoints)}, expired ${n(r.expiredPoints)} points`,
        `${n(r.expiringSoonEvents)} "Points Expiring Soon" events, ${n(r.tierChanges)} tier changes`,
        `referrals: ${n(r.referralsCompleted)} completed, ${n(r.referralsReversed)} reversed; ${n(r.surprisesGranted)} surprise gifts`,
      ].join('\n'),
    );
  });
}

function describeReport(r: LoyaltyReport): string {
  const pct = (v: number) => `${(v * 100).toFixed(1)}%`;
  return [
    `Outstanding: ${n(r.outstandingPoints)} points = ${n(r.liabilityMinor)} ${r.currency} liability (+ ${n(r.pendingPoints)} pending = ${n(r.pendingLiabilityMinor)} ${r.currency})`,
    `Issued ${n(r.issuedPoints)} · redeemed ${n(r.redeemedPoints)} (${pct(r.redemptionRate)}) · expired ${n(r.expiredPoints)} (breakage ${pct(r.breakageRate)}) · reversed ${n(r.reversedPoints)}`,
    `Members: ${n(r.members)} — ${r.membersByTier.map((t) => `${t.tier ?? 'no tier'} ${n(t.members)}`).join(', ') || 'none'}`,
    `Top earners (12 months): ${r.topEarners.map((t) => `${t.externalId ?? t.customerId} ${n(t.points)}`).join(', ') || 'none'}`,
    `Referrals: ${n(r.referrals.referred)} referred, ${n(r.referrals.completed)} completed (${pct(r.referrals.conversion)}), K-factor ${r.referrals.kFactor.toFixed(3)}, revenue ${n(r.referrals.revenueMinor)} ${r.currency}`,
  ].join('\n');
}
