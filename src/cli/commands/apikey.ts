import type { Command } from 'commander';
import { ValidationError } from '../../kernel/errors.ts';
import { SCOPES, type Scope } from '../../modules/workspaces/index.ts';
import { dataDirOption, resolveWorkspace, withServices, type DataDirOption } from '../context.ts';
import { emit } from '../output.ts';

interface CreateFlags extends DataDirOption {
  workspace?: string;
  name: string;
  scopes: string;
  json?: boolean;
}

/** `--scopes ingest,read`: every name must be a scope (docs/security.md, "Scopes and roles"). */
export function parseScopes(given: string): Scope[] {
  const names = [...new Set(given.split(',').map((s) => s.trim()).filter(Boolean))];
  const unknown = names.filter((n) => !(SCOPES as readonly string[]).includes(n));
  if (names.length === 0 || unknown.length > 0) {
    throw new ValidationError('Invalid options', [{ path: ['--scopes'], message: `${unknown.length ? `unknown scope ${unknown.join(', ')}; ` : ''}use a comma-separated list of ${SCOPES.join(', ')}` }]);
  }
  return names as Scope[];
}

export function register(program: Command): void {
  const apikey = program.command('apikey').description('manage API keys (the web app does it too, under Settings → API keys)');

  dataDirOption(
    apikey
      .command('create')
      .description('create an API key and print its secret once')
      .requiredOption('--name <name>', 'what the key is for (e.g. "web site tracking")')
      .requiredOption('--scopes <list>', `comma-separated: ${SCOPES.join(', ')} (ingest only writes data; messaging reaches customers)`)
      .option('--workspace <id|name>', 'workspace (the only one when omitted)')
      .option('--json', 'print JSON'),
  ).action(async (opts: CreateFlags) => {
    const scopes = parseScopes(opts.scopes);
    const { info, key } = await withServices(opts, async (s) => s.workspaces.createApiKey(await resolveWorkspace(s, opts.workspace), { name: opts.name, scopes }));
    emit(opts.json, { id: info.id, name: info.name, scopes: info.scopes, key }, () => `API key ${info.name} (${info.scopes.join(', ')}): ${info.id}\nsecret (shown once): ${key}`);
  });

  dataDirOption(apikey.command('list').description('list API keys (never their secrets)').option('--workspace <id|name>', 'workspace').option('--json', 'print JSON')).action(
    async (opts: DataDirOption & { workspace?: string; json?: boolean }) => {
      const keys = await withServices(opts, async (s) => s.workspaces.listApiKeys(await resolveWorkspace(s, opts.workspace)));
      emit(opts.json, keys, () => keys.map((k) => `${k.id}  ${k.prefix}…  ${k.name}  ${k.scopes.join(',')}${k.revokedAt ? '  revoked' : ''}`).join('\n') || 'no API keys');
    },
  );
}
