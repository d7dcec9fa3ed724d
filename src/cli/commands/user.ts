import { Option, type Command } from 'commander';
import { NotFoundError } from '../../kernel/errors.ts';
import { generatePassword } from '../../modules/users/password.ts';
import { ROLES, type Role } from '../../modules/users/index.ts';
import { dataDirOption, withServices, type DataDirOption } from '../context.ts';
import { emit } from '../output.ts';

interface CreateOptions extends DataDirOption {
  email: string;
  role: Role;
  name?: string;
  password?: string;
  workspace: string;
  json?: boolean;
}

export function register(program: Command): void {
  const user = program.command('user').description('manage people who sign in to the web app');

  dataDirOption(
    user
      .command('create')
      .description('create a user; without --password one is generated and printed once')
      .requiredOption('--email <email>', 'sign-in email (unique across workspaces)')
      .addOption(new Option('--role <role>', 'what they may do (analyst is read-only)').choices(ROLES).makeOptionMandatory())
      .requiredOption('--workspace <id>', 'workspace id (kizuna workspace list)')
      .option('--name <name>', 'display name')
      .option('--password <password>', 'at least 12 characters')
      .option('--json', 'print JSON'),
  ).action(async (opts: CreateOptions) => {
    const generated = opts.password === undefined ? generatePassword() : undefined;
    const created = await withServices(opts, async (s) => {
      if (!(await s.workspaces.list()).some((w) => w.id === opts.workspace)) throw new NotFoundError(`workspace ${opts.workspace} not found`);
      return s.users.create(opts.workspace, { email: opts.email, name: opts.name, role: opts.role, password: opts.password ?? generated! });
    });
    const result = { id: created.id, email: created.email, role: created.role, workspaceId: created.workspaceId, ...(generated ? { password: generated } : {}) };
    emit(opts.json, result, () =>
      [`user ${created.email} (${created.role}) in workspace ${created.workspaceId}: ${created.id}`, ...(generated ? [`password (shown once): ${generated}`] : [])].join('\n'),
    );
  });
}
