import type { Command } from 'commander';
import { ValidationError } from '../../kernel/errors.ts';
import { instantFlag } from '../asOf.ts';
import type { ScoreMode, ScoreRunResult } from '../../modules/intelligence/scoringRun.ts';
import { MODEL_TITLES, type ModelChoice } from '../../modules/intelligence/modelChoice.ts';
import { dataDirOption, resolveWorkspace, withServices, type DataDirOption } from '../context.ts';
import { cliIo, emit } from '../output.ts';

interface ScoreFlags extends DataDirOption {
  workspace?: string;
  asOf?: string;
  full?: boolean;
  incremental?: boolean;
  json?: boolean;
}

export function register(program: Command): void {
  dataDirOption(
    program
      .command('score')
      .description('score every customer: RFM, P(alive), expected purchases, CLV, churn risk, lifecycle stage (refits the models when due)')
      .option('--workspace <id>', 'workspace id or name (env KIZUNA_WORKSPACE); optional when there is only one')
      .option('--as-of <instant>', 'end of observation, e.g. 2026-11-01T00:00:00+09:00 (default: now)')
      .option('--full', 'refit the models and rescore everyone')
      .option('--incremental', 'only rescore customers with new data since the last run, with the last fit')
      .option('--json', 'print the run as JSON (fitted parameters, counts per stage and RFM segment)'),
  ).action(async (flags: ScoreFlags) => {
    if (flags.full && flags.incremental) throw new ValidationError('Invalid options', [{ path: ['--full'], message: 'give --full or --incremental, not both' }]);
    const asOf = instantFlag('--as-of', flags.asOf);
    const mode: ScoreMode = flags.full ? 'full' : flags.incremental ? 'incremental' : 'auto';
    const result = await withServices(flags, async (services) => {
      const ws = await resolveWorkspace(services, flags.workspace ?? cliIo().env.KIZUNA_WORKSPACE);
      return services.intelligence.score(ws, { asOf, mode });
    });
    emit(flags.json, result, () => describeRun(result));
  });
}

function describeRun(r: ScoreRunResult): string {
  const n = (v: number) => v.toLocaleString('en');
  const bg = r.fits?.bgnbd?.params;
  const mbg = r.fits?.mbgnbd?.params;
  const gg = r.fits?.gammagamma?.params;
  const choice = r.fits?.choice;
  const fmt = (o: Record<string, number> | undefined) => (o ? Object.entries(o).map(([k, v]) => `${k}=${v.toPrecision(4)}`).join(' ') : 'not fitted');
  return [
    `${r.kind === 'full' ? 'Full' : 'Incremental'} scoring run ${r.runId} as of ${r.asOf}: ${n(r.recomputed)} customers rescored in ${r.seconds} s`,
    `  BG/NBD (weeks): ${fmt(bg)}${r.kind === 'incremental' ? ` (fit of run ${r.fitRunId})` : ''}`,
    `  MBG/NBD (weeks): ${fmt(mbg)}`,
    ...(choice ? [`  scored with ${MODEL_TITLES[choice.chosen]}: ${describeChoice(choice)}`] : []),
    `  Gamma-Gamma: ${fmt(gg)}`,
    ...(r.fits?.notes ?? []).map((note) => `  note: ${note}`),
    ...(r.fits?.categories?.models ?? []).map(
      (c) => `  ${r.fits!.categories!.dimension} ${c.category} (${n(c.buyers)} buyers): BG/NBD ${fmt(c.bgnbd?.params)}; Gamma-Gamma ${fmt(c.gammagamma?.params)}${c.notes.length ? ` (${c.notes.join('; ')})` : ''}`,
    ),
    `  stages: ${Object.entries(r.counts.stages).map(([k, v]) => `${k} ${n(v)}`).join(', ')}`,
    `  RFM segments: ${Object.entries(r.counts.segments).map(([k, v]) => `${k} ${n(v)}`).join(', ')}`,
    `  changes: ${n(r.events.stageChanged)} stage, ${n(r.events.segmentChanged)} segment (events written); ${n(r.snapshots)} history snapshots`,
  ].join('\n');
}

function describeChoice(c: ModelChoice): string {
  if (c.note) return c.note;
  const errors = c.models.map((m) => `${MODEL_TITLES[m.model]} RMSE ${m.rmse.toFixed(4)}`).join(', ');
  return `smaller holdout error in the ${c.holdoutDays}-day backtest (${errors})`;
}

/**
 * --workspace by id or name; without it the only workspace. (import.ts has the same rule privately;
 * the score, backtest and worker commands share this one.)
 */
