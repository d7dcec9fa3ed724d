import { writeFileSync } from 'node:fs';
import type { Command } from 'commander';
import { ValidationError } from '../../kernel/errors.ts';
import type { NpsSummary } from '../../modules/surveys/nps.ts';
import { dataDirOption, resolveWorkspace, withServices, type DataDirOption } from '../context.ts';
import { cliIo, emit } from '../output.ts';
import { exportFlags, parseExportFlags } from '../exportFlags.ts';

interface Flags extends DataDirOption {
  workspace?: string;
  json?: boolean;
}

const workspaceOption = (cmd: Command) =>
  dataDirOption(cmd.option('--workspace <id>', 'workspace id or name (env KIZUNA_WORKSPACE); optional when there is only one').option('--json', 'print JSON'));
const ws = (s: Parameters<typeof resolveWorkspace>[0], flags: Flags) => resolveWorkspace(s, flags.workspace ?? cliIo().env.KIZUNA_WORKSPACE);
const one = (v: number | null) => (v === null ? '–' : v.toFixed(1));
const npsLine = (s: NpsSummary) => `NPS ${one(s.nps)} (95% ${one(s.ciLow)} … ${one(s.ciHigh)}), ${s.responses} answers: ${s.promoters} promoters, ${s.passives} passives, ${s.detractors} detractors`;

export function register(program: Command): void {
  const survey = program.command('survey').description('NPS, CSAT and CES surveys, links, NPS and follow-up cases');

  workspaceOption(survey.command('list').description('surveys with their answer counts and NPS')).action(async (flags: Flags) => {
    const list = await withServices(flags, async (s) => s.surveys.list(await ws(s, flags)));
    emit(flags.json, list, () => list.map((x) => `${x.slug}\t${x.kind}\t${x.status}\t${x.responses} answers${x.nps ? `\t${npsLine(x.nps)}` : ''}`).join('\n') || 'no surveys');
  });

  workspaceOption(
    survey
      .command('create')
      .description('create a survey with the standard ja/en questions of its kind')
      .requiredOption('--slug <slug>', 'key used in links and templates, e.g. nps-2026')
      .requiredOption('--kind <kind>', 'nps, csat or ces')
      .requiredOption('--title <text>', 'title in the survey language')
      .option('--locale <ja|en>', 'survey language', 'ja'),
  ).action(async (flags: Flags & { slug: string; kind: string; title: string; locale: string }) => {
    if (!['nps', 'csat', 'ces'].includes(flags.kind)) throw new ValidationError('Invalid options', [{ path: ['--kind'], message: 'nps, csat or ces (custom questions through the API)' }]);
    const created = await withServices(flags, async (s) =>
      s.surveys.create(await ws(s, flags), { slug: flags.slug, kind: flags.kind as 'nps', locale: flags.locale as 'ja', title: { [flags.locale]: flags.title } }),
    );
    emit(flags.json, created, () => `created survey ${created.slug} (${created.id})`);
  });

  workspaceOption(
    survey
      .command('links')
      .description('signed single-answer links for customers')
      .argument('<survey>', 'survey id or slug')
      .argument('<customers...>', 'customer ids or external ids')
      .option('--ttl-days <n>', 'days the links stay valid (the survey default otherwise)'),
  ).action(async (surveyId: string, customers: string[], flags: Flags & { ttlDays?: string }) => {
    const ttlDays = flags.ttlDays === undefined ? undefined : Number(flags.ttlDays);
    if (ttlDays !== undefined && !(Number.isInteger(ttlDays) && ttlDays >= 1 && ttlDays <= 365)) throw new ValidationError('Invalid options', [{ path: ['--ttl-days'], message: 'a whole number from 1 to 365' }]);
    const links = await withServices(flags, async (s) => s.surveys.mintLinks(await ws(s, flags), surveyId, customers, { ttlDays }));
    emit(flags.json, links, () => links.map((l) => `${l.externalId ?? l.customerId}\t${l.url}`).join('\n'));
  });

  workspaceOption(
    survey.command('nps').description('NPS with its 95% interval, overall and by month').option('--survey <id>', 'one survey (id or slug)'),
  ).action(async (flags: Flags & { survey?: string }) => {
    const result = await withServices(flags, async (s) => {
      const w = await ws(s, flags);
      return { overall: await s.surveys.nps(w, { survey: flags.survey }), months: await s.surveys.npsTrend(w, { survey: flags.survey }) };
    });
    emit(flags.json, result, () => [npsLine(result.overall), ...result.months.map((m) => `${m.start.slice(0, 7)}\t${npsLine(m)}`)].join('\n'));
  });

  workspaceOption(survey.command('cases').description('open follow-up cases, earliest due first').option('--overdue', 'only overdue ones')).action(
    async (flags: Flags & { overdue?: boolean }) => {
      const cases = await withServices(flags, async (s) => s.surveys.listCases(await ws(s, flags), { overdue: flags.overdue }));
      emit(flags.json, cases, () =>
        [`${cases.counts.active} open, ${cases.counts.overdue} overdue`, ...cases.data.map((c) => `${c.id}\t${c.status}\tdue ${c.dueAt.toISOString().slice(0, 10)}${c.overdue ? ' (overdue)' : ''}\tscore ${c.score}\t${c.customerExternalId ?? c.customerId}\t${c.comment ?? ''}`)].join('\n'),
      );
    },
  );

  workspaceOption(
    exportFlags(survey.command('export').description('every response of a survey as CSV (UTF-8 with BOM or Shift_JIS)').argument('<survey>', 'survey id or slug').requiredOption('--out <file>', 'where to write the CSV')),
  ).action(async (surveyId: string, flags: Flags & { out: string; encoding?: string; lang?: string }) => {
    const asked = parseExportFlags(flags);
    const csv = await withServices(flags, async (s) => s.surveys.exportCsv(await ws(s, flags), surveyId, asked));
    writeFileSync(flags.out, csv);
    emit(flags.json, { file: flags.out, bytes: csv.length }, () => `wrote ${flags.out}`);
  });
}
