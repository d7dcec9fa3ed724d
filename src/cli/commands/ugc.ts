import { readFileSync, writeFileSync } from 'node:fs';
import type { Command } from 'commander';
import { ValidationError } from '../../kernel/errors.ts';
import type { Services } from '../../app/services.ts';
import { ENTRY_STATUSES, type EntryStatus } from '../../modules/ugc/index.ts';
import { dataDirOption, resolveWorkspace, withServices, type DataDirOption } from '../context.ts';
import { cliIo, emit } from '../output.ts';
import { exportFlags, parseExportFlags } from '../exportFlags.ts';
import { exportOptions } from '../../kernel/exportRows.ts';

interface Flags extends DataDirOption {
  workspace?: string;
  json?: boolean;
}

/** Who moderated, in the entry's record: the person at the terminal. */
const CLI_ACTOR = `cli:${process.env.USER ?? 'unknown'}`;

function statusOf(value: string | undefined): EntryStatus | undefined {
  if (value === undefined) return undefined;
  if (!(ENTRY_STATUSES as readonly string[]).includes(value)) throw new ValidationError('Invalid options', [{ path: ['--status'], message: `one of ${ENTRY_STATUSES.join(', ')}` }]);
  return value as EntryStatus;
}

/** `kizuna ugc …`: UGC campaigns, personal entry links, moderation, winners and exports (docs/ugc.md). */
export function register(program: Command): void {
  const ugc = program.command('ugc').description('UGC campaigns: entry links, moderation, winners, CSV exports');
  const common = (cmd: Command) =>
    dataDirOption(cmd.option('--workspace <id>', 'workspace id or name (env KIZUNA_WORKSPACE); optional when there is only one').option('--json', 'print JSON'));
  const run = <T>(flags: Flags, fn: (s: Services, ws: string) => Promise<T>) =>
    withServices(flags, async (s) => fn(s, await resolveWorkspace(s, flags.workspace ?? cliIo().env.KIZUNA_WORKSPACE)));

  common(ugc.command('create').description('create a campaign from a JSON file (the body of POST /v1/ugc/campaigns)').requiredOption('--file <path>', 'campaign JSON')).action(
    async (flags: Flags & { file: string }) => {
      let body: unknown;
      try {
        body = JSON.parse(readFileSync(flags.file, 'utf8'));
      } catch (err) {
        throw new ValidationError('Invalid options', [{ path: ['--file'], message: `not readable JSON: ${(err as Error).message}` }]);
      }
      const c = await run(flags, (s, ws) => s.ugc.createCampaign(ws, body));
      emit(flags.json, c, () => `created ${c.id} "${c.name}" (${c.status})`);
    },
  );

  common(ugc.command('campaigns').description('list campaigns with entry counts')).action(async (flags: Flags) => {
    const list = await run(flags, (s, ws) => s.ugc.listCampaigns(ws));
    emit(flags.json, list, () =>
      list.length === 0
        ? 'no UGC campaigns yet'
        : list.map((c) => `${c.id}  ${c.status.padEnd(6)}  ${c.name}  pending ${c.counts.pending}, approved ${c.counts.approved}, rejected ${c.counts.rejected}, winners ${c.counts.winners}`).join('\n'),
    );
  });

  common(
    ugc
      .command('link')
      .description("a customer's personal entry link (signed; no login)")
      .requiredOption('--campaign <id>', 'campaign id')
      .requiredOption('--customer <id>', 'our customer id or your external id')
      .option('--days <n>', 'days the link stays valid', '30')
      .option('--base-url <url>', 'where Kizuna is reachable, e.g. https://kizuna.example.jp'),
  ).action(async (flags: Flags & { campaign: string; customer: string; days: string; baseUrl?: string }) => {
    const days = Number(flags.days);
    if (!Number.isInteger(days) || days < 1 || days > 365) throw new ValidationError('Invalid options', [{ path: ['--days'], message: 'a whole number of days from 1 to 365' }]);
    const link = await run(flags, (s, ws) => s.ugc.entryLink(ws, flags.campaign, flags.customer, days));
    const url = flags.baseUrl ? new URL(link.path, flags.baseUrl).toString() : link.path;
    emit(flags.json, { ...link, url }, () => `${url}\nvalid until ${link.expiresAt.toISOString()}`);
  });

  common(
    ugc
      .command('entries')
      .description('entries of a campaign, oldest first')
      .requiredOption('--campaign <id>', 'campaign id')
      .option('--status <status>', 'pending | approved | rejected')
      .option('--limit <n>', 'at most this many', '100'),
  ).action(async (flags: Flags & { campaign: string; status?: string; limit: string }) => {
    const limit = Number(flags.limit);
    if (!Number.isInteger(limit) || limit < 1 || limit > 500) throw new ValidationError('Invalid options', [{ path: ['--limit'], message: 'from 1 to 500' }]);
    const page = await run(flags, (s, ws) => s.ugc.listEntries(ws, { campaignId: flags.campaign, status: statusOf(flags.status), limit }));
    emit(flags.json, page, () =>
      page.data.length === 0
        ? 'no entries'
        : page.data
            .map((e) => `${e.id}  ${e.status.padEnd(8)}  ${e.kind.padEnd(5)}  ${e.customerExternalId ?? e.customerEmail ?? e.customerId}  ${e.postUrl ?? (e.mediaId ? `photo ${e.mediaId}` : '')}  reward ${e.rewardStatus}`)
            .join('\n'),
    );
  });

  common(ugc.command('approve').description('approve an entry; grants the reward once').argument('<entry>', 'entry id')).action(async (entry: string, flags: Flags) => {
    const e = await run(flags, (s, ws) => s.ugc.approve(ws, entry, CLI_ACTOR));
    emit(flags.json, e, () => `approved ${e.id}; reward ${e.rewardStatus}${e.rewardRef ? ` (${e.rewardRef})` : ''}${e.rewardError ? `: ${e.rewardError}` : ''}`);
  });

  common(ugc.command('reject').description('reject a pending entry').argument('<entry>', 'entry id').requiredOption('--reason <text>', 'why (kept with the entry)')).action(
    async (entry: string, flags: Flags & { reason: string }) => {
      const e = await run(flags, (s, ws) => s.ugc.reject(ws, entry, flags.reason, CLI_ACTOR));
      emit(flags.json, e, () => `rejected ${e.id}: ${e.rejectReason}`);
    },
  );

  common(
    ugc
      .command('draw')
      .description('draw winners among approved entries, one per customer; the same seed gives the same draw')
      .requiredOption('--campaign <id>', 'campaign id')
      .requiredOption('--count <n>', 'how many winners')
      .option('--seed <text>', 'seed of the draw (random when absent; printed)'),
  ).action(async (flags: Flags & { campaign: string; count: string; seed?: string }) => {
    const r = await run(flags, (s, ws) => s.ugc.pickWinners(ws, flags.campaign, { count: Number(flags.count), seed: flags.seed }, CLI_ACTOR));
    emit(flags.json, r, () => [`seed ${r.seed}: ${r.winners.length} drawn`, ...r.winners.map((w) => `  ${w.entryId}  ${w.customerExternalId ?? w.customerEmail ?? w.customerId}`)].join('\n'));
  });

  common(
    exportFlags(ugc
      .command('export')
      .description('entries (or winners) as CSV, UTF-8 with BOM or Shift_JIS')
      .requiredOption('--campaign <id>', 'campaign id')
      .option('--winners', 'export the winners instead of the entries')
      .option('--status <status>', 'only entries with this status')
      .option('--out <file>', 'write to a file instead of standard output')),
  ).action(async (flags: Flags & { campaign: string; winners?: boolean; status?: string; out?: string; encoding?: string; lang?: string }) => {
    const asked = parseExportFlags(flags);
    const csv = await run(flags, async (s, ws) => {
      const options = exportOptions(await s.workspaces.get(ws), asked);
      return flags.winners ? s.ugc.winnersCsv(ws, flags.campaign, options) : s.ugc.entriesCsv(ws, flags.campaign, statusOf(flags.status), options);
    });
    if (flags.out) writeFileSync(flags.out, csv);
    else cliIo().stdout.write(csv);
  });
}
