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
  const campaign = commandGroup(program, 'campaign', 'messaging campaigns: send to a segment on any channel, report lift');
  dataDirOption(
    campaign
      .command('performance <id>')
      .description('delivered, opens (machine opens apart), clicks, unsubscribes, bounces, complaints; revenue by last touch and incremental with its interval')
      .option('--workspace <id>', 'workspace id or name (env KIZUNA_WORKSPACE); optional when there is only one')
      .option('--json', 'print JSON'),
  ).action(async (id: string, flags: Flags) => {
    const p = await withServices(flags, async (s) => s.messaging.performance(await resolveWorkspace(s, flags.workspace ?? cliIo().env.KIZUNA_WORKSPACE), id));
    emit(flags.json, p, () => performanceText(`campaign ${p.campaignId}`, p));
  });
}
