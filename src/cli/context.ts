import type { Command } from 'commander';
import { loadConfig, type Config } from '../config.ts';
import type { Services } from '../app/services.ts';
import type { Db } from '../db/database.ts';
import { openDatabase } from '../db/open.ts';
import { NotFoundError, ValidationError } from '../kernel/errors.ts';
import { cliIo } from './output.ts';

export interface DataDirOption {
  dataDir?: string;
}

/** Adds the option every database command takes. */
export function dataDirOption(cmd: Command): Command {
  return cmd.option('--data-dir <dir>', 'where the embedded database keeps its data (env KIZUNA_DATA_DIR)', undefined);
}

/** Opens the database (embedded or DATABASE_URL), runs `fn` with the services, always closes. */
export async function withServices<T>(
  opts: DataDirOption,
  fn: (services: Services, config: Config) => Promise<T>,
  options: { poolSize?: number } = {},
): Promise<T> {
  // Loaded here, not at the top: a command that needs one module (withDb) skips loading them all.
  const { createServices } = await import('../app/services.ts');
  return withDb(opts, (db, config, readDb) => fn(createServices(db, { dataDir: config.dataDir, readDb, segmentTimeoutMs: config.segmentTimeoutMs }), config), options);
}

/** Opens the database (embedded or DATABASE_URL), runs `fn` with it, always closes. */
export async function withDb<T>(opts: DataDirOption, fn: (db: Db, config: Config, readDb: Db) => Promise<T>, options: { poolSize?: number } = {}): Promise<T> {
  const config = loadConfig({ dataDir: opts.dataDir ? resolveDir(opts.dataDir) : undefined }, cliIo().env);
  // Waiting notes go to stderr, so `--json` output stays one JSON document.
  const open = await openDatabase(config, { ...options, say: (line) => cliIo().stderr.write(`${line}\n`) });
  try {
    return await fn(open.db, config, open.readDb);
  } finally {
    await open.close();
  }
}

function resolveDir(dir: string): string {
  return new URL(dir, `file://${process.cwd()}/`).pathname;
}

/** The workspace a command works on: `--workspace` (id or name), or the only one there is. */
export async function resolveWorkspace(services: Services, wanted: string | undefined): Promise<string> {
  const all = await services.workspaces.list();
  if (wanted) {
    const found = all.find((w) => w.id === wanted || w.name === wanted);
    if (!found) throw new NotFoundError(`workspace ${wanted} not found`);
    return found.id;
  }
  if (all.length === 1) return all[0]!.id;
  if (all.length === 0) throw new ValidationError('There is no workspace yet: create one with `kizuna workspace create --name <name>`');
  throw new ValidationError(`There are ${all.length} workspaces; choose one with --workspace (${all.map((w) => w.name).join(', ')})`);
}
