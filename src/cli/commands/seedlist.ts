import type { Command } from 'commander';
import { dataDirOption, resolveWorkspace, withServices, type DataDirOption } from '../context.ts';
import { emit } from '../output.ts';

interface Flags extends DataDirOption {
  workspace?: string;
  json?: boolean;
}

const show = (addresses: string[]) => (addresses.length ? addresses.join('\n') : "the seed list is empty: test sends go only to the workspace's users");

export function register(program: Command): void {
  const seedlist = program.command('seedlist').description("addresses test sends may go to, besides the workspace's users (docs/security.md)");

  dataDirOption(seedlist.command('show').description('print the seed list').option('--workspace <id|name>', 'workspace (the only one when omitted)').option('--json', 'print JSON')).action(
    async (opts: Flags) => {
      const list = await withServices(opts, async (s) => s.messaging.seedList.get(await resolveWorkspace(s, opts.workspace)));
      emit(opts.json, list, () => show(list.addresses));
    },
  );

  dataDirOption(
    seedlist
      .command('set')
      .description('replace the seed list with the given addresses (none empties it)')
      .argument('[addresses...]', 'emails, phone numbers, LINE user ids or device tokens')
      .option('--workspace <id|name>', 'workspace (the only one when omitted)')
      .option('--json', 'print JSON'),
  ).action(async (addresses: string[], opts: Flags) => {
    const list = await withServices(opts, async (s) => s.messaging.seedList.set(await resolveWorkspace(s, opts.workspace), { addresses }));
    emit(opts.json, list, () => show(list.addresses));
  });
}
