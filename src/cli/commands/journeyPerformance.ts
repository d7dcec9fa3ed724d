import type { Command } from 'commander';
import { dataDirOption, resolveWorkspace, withServices, type DataDirOption } from '../context.ts';
import { commandGroup } from '../group.ts';
import { cliIo, emit } from '../output.ts';
import { performanceText } from '../performanceText.ts';

interface Flags extends DataDirOption {
  workspace?: string;
  json?: boolean;
}

export function register(program: Command): void {
  const journey = commandGroup(program, 'journey', 'automated journeys: list, inspect, switch on templates, activate, run');
  dataDirOption(
    journey
      .command('performance <id>')
      .description('its messages: delivered, opens (machine opens apart), clicks, unsubscribes, bounces, complaints; revenue by last touch; incremental against held-out runs with its interval')
      .option('--workspace <id>', 'workspace id or name (env KIZUNA_WORKSPACE); optional when there is only one')
      .option('--json', 'print JSON'),
  ).action(async (id: string, flags: Flags) => {
    const p = await withServices(flags, async (s) => s.journeys.performance(await resolveWorkspace(s, flags.workspace ?? cliIo().env.KIZUNA_WORKSPACE), id));
    emit(flags.json, p, () => performanceText(`journey ${p.journeyId}`, p));
  });
}
