import type { Command } from 'commander';
import { ValidationError } from '../../kernel/errors.ts';
import type { JourneyDetail, JourneyStats } from '../../modules/journeys/index.ts';
import { asOf, asOfOption } from '../asOf.ts';
import { dataDirOption, resolveWorkspace, withServices, type DataDirOption } from '../context.ts';
import { cliIo, emit } from '../output.ts';

interface Flags extends DataDirOption {
  workspace?: string;
  json?: boolean;
}

const workspaceOption = (cmd: Command) =>
  dataDirOption(cmd.option('--workspace <id>', 'workspace id or name (env KIZUNA_WORKSPACE); optional when there is only one').option('--json', 'print JSON'));
const wsOf = (flags: Flags) => flags.workspace ?? cliIo().env.KIZUNA_WORKSPACE;
const n = (v: number) => v.toLocaleString('en');

export function register(program: Command): void {
  const journey = program.command('journey').description('automated journeys: list, inspect, switch on templates, activate, run');

  workspaceOption(journey.command('list').description('journeys with their status, live version and run counts')).action(async (flags: Flags) => {
    const list = await withServices(flags, async (s) => s.journeys.list(await resolveWorkspace(s, wsOf(flags))));
    emit(flags.json, list, () =>
      list.length === 0
        ? 'no journeys yet: `kizuna journey templates` lists ready-made ones'
        : list.map((j) => `${j.id}  ${j.status.padEnd(8)} v${j.version}  ${j.name}  (${n(j.counts.entrants)} entered, ${n(j.counts.active)} in it, ${n(j.counts.converted)} converted)`).join('\n'),
    );
  });

  workspaceOption(journey.command('show <id>').description('definition, versions, issues and per-step counts of one journey')).action(async (id: string, flags: Flags) => {
    const result = await withServices(flags, async (s) => {
      const ws = await resolveWorkspace(s, wsOf(flags));
      return { journey: await s.journeys.get(ws, id), stats: await s.journeys.stats(ws, id) };
    });
    emit(flags.json, result, () => describe(result.journey, result.stats));
  });

  for (const action of ['activate', 'pause'] as const) {
    workspaceOption(journey.command(`${action} <id>`).description(action === 'activate' ? 'start taking entrants (the definition must be valid)' : 'stop entries and hold running customers')).action(
      async (id: string, flags: Flags) => {
        const j = await withServices(flags, async (s) => s.journeys[action](await resolveWorkspace(s, wsOf(flags)), id));
        emit(flags.json, j, () => `${j.name}: ${j.status} (version ${j.version})`);
      },
    );
  }

  dataDirOption(journey.command('templates').description('ready-made journeys a workspace can switch on').option('--json', 'print JSON')).action(async (flags: Flags) => {
    const templates = await withServices(flags, async (s) => s.journeys.templates());
    emit(flags.json, templates, () => templates.map((t) => `${t.key.padEnd(32)} ${t.name.ja} / ${t.name.en}\n${' '.repeat(33)}${t.description.en}`).join('\n'));
  });

  workspaceOption(journey.command('enable <template>').description('create a draft journey from a template (then edit it and activate it)')).action(async (key: string, flags: Flags) => {
    const j = await withServices(flags, async (s) => s.journeys.enableTemplate(await resolveWorkspace(s, wsOf(flags)), key));
    emit(flags.json, j, () => `created draft ${j.id}: ${j.name}${j.issues.length > 0 ? `\nto fix before activating:\n${j.issues.map((i) => `  ${i.path.join('.')}: ${i.message}`).join('\n')}` : `\nactivate it with: kizuna journey activate ${j.id}`}`);
  });

  workspaceOption(
    asOfOption(
      journey
        .command('run')
        .description('scan triggers, then step due runs until none is due (what the worker does every minute)')
        .option('--limit <n>', 'runs claimed per pass', '1000'),
    ),
  ).action(async (flags: Flags & { limit: string; asOf?: string }) => {
    const limit = Number(flags.limit);
    if (!Number.isInteger(limit) || limit < 1) throw new ValidationError('Invalid options', [{ path: ['--limit'], message: 'a whole number above 0' }]);
    const now = asOf(flags);
    const r = await withServices(flags, async (s) => s.journeys.runUntilIdle(await resolveWorkspace(s, wsOf(flags)), { limit, now }));
    emit(flags.json, r, () => `${n(r.entered)} entered, ${n(r.woken)} woken, ${n(r.converted)} converted; ${n(r.transitions)} steps in ${n(r.passes)} passes`);
  });
}

function describe(j: JourneyDetail, stats: JourneyStats): string {
  const lift = stats.lift.vsHoldout?.conversionRate.absolute;
  return [
    `${j.name} (${j.status}, version ${j.version}, trigger ${j.trigger.type})`,
    `entered ${n(stats.entrants)} · in it ${n(stats.active)} · converted ${n(stats.converted)} · completed ${n(stats.completed)} · exited ${n(stats.exited)}`,
    ...stats.perStep.map((p) => `  ${p.stepId.padEnd(20)} ${p.type.padEnd(13)} waiting ${n(p.waiting)}, passed ${n(p.passed)}${p.failed ? `, failed ${n(p.failed)}` : ''}${p.paths ? `  ${Object.entries(p.paths).map(([k, v]) => `${k}=${n(v)}`).join(' ')}` : ''}`),
    lift ? `lift vs holdout: ${(lift.estimate * 100).toFixed(1)} pts (95% CI ${(lift.low * 100).toFixed(1)} to ${(lift.high * 100).toFixed(1)})` : 'lift: not enough data (needs a goal, treated and held-out entrants)',
    ...(j.issues.length > 0 ? ['issues:', ...j.issues.map((i) => `  ${i.path.join('.')}: ${i.message}`)] : []),
  ].join('\n');
}
