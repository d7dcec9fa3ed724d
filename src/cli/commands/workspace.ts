import type { Command } from 'commander';
import { WorkspaceService } from '../../modules/workspaces/index.ts';
import { dataDirOption, withDb, type DataDirOption } from '../context.ts';
import { emit } from '../output.ts';

export function register(program: Command): void {
  const workspace = program.command('workspace').description('manage workspaces (tenants)');

  dataDirOption(
    workspace
      .command('create')
      .description('create a workspace and print its first (admin) API key')
      .requiredOption('--name <name>', 'workspace name')
      .option('--currency <code>', 'ISO 4217 currency', 'JPY')
      .option('--time-zone <tz>', 'IANA time zone', 'Asia/Tokyo')
      .option('--locale <locale>', 'default locale', 'ja')
      .option('--json', 'print JSON'),
  ).action(async (opts: DataDirOption & { name: string; currency: string; timeZone: string; locale: string; json?: boolean }) => {
    // Only the workspaces module is loaded: creating one is part of a first setup and should be quick.
    const { workspace: w, apiKey } = await withDb(opts, (db) =>
      new WorkspaceService(db).create({ name: opts.name, currency: opts.currency, timeZone: opts.timeZone, locale: opts.locale }),
    );
    emit(opts.json, { id: w.id, apiKey, name: w.name }, () => `workspace ${w.name}: ${w.id}\nAPI key (shown once): ${apiKey}`);
  });

  dataDirOption(workspace.command('list').description('list workspaces').option('--json', 'print JSON')).action(
    async (opts: DataDirOption & { json?: boolean }) => {
      const list = await withDb(opts, (db) => new WorkspaceService(db).list());
      emit(opts.json, list, () => list.map((w) => `${w.id}  ${w.name}  ${w.currency}  ${w.timeZone}`).join('\n') || 'no workspaces');
    },
  );
}
