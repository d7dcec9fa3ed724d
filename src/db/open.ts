import pg from 'pg';
import type { Config } from '../config.ts';
import { connect, describeUrl, waitForServer, withDatabase, type Db } from './database.ts';
import { startEmbedded } from './embedded.ts';
import { migrate } from './migrate.ts';

export interface OpenDatabase {
  db: Db;
  /** A pool on DATABASE_READ_URL (a replica; never migrated from here), else `db` itself. */
  readDb: Db;
  /** Where the data lives, for messages to the user ("embedded in ./.kizuna" or the URL's host). */
  where: string;
  close(): Promise<void>;
}

/**
 * DATABASE_URL when set, otherwise the embedded server in the data dir (database `kizuna`).
 * Migrations are applied on every open: they are idempotent and take a lock.
 */
export async function openDatabase(config: Config, options: { poolSize?: number; say?: (line: string) => void } = {}): Promise<OpenDatabase> {
  const { say } = options;
  if (config.databaseUrl) {
    await waitForServer(config.databaseUrl, { say });
    const db = connect(config.databaseUrl, { max: options.poolSize });
    await migrate(db);
    // A replica that does not answer (or a wrong database name) fails the start, not the first KPI request.
    if (config.databaseReadUrl) await waitForServer(config.databaseReadUrl, { say, setting: 'DATABASE_READ_URL' });
    const readDb = config.databaseReadUrl ? connect(config.databaseReadUrl, { max: options.poolSize }) : db;
    return {
      db,
      readDb,
      where: describeUrl(config.databaseUrl).where + (readDb === db ? '' : `, reads on ${describeUrl(config.databaseReadUrl!, 'DATABASE_READ_URL').where}`),
      close: async () => {
        if (readDb !== db) await readDb.close();
        await db.close();
      },
    };
  }
  const server = await startEmbedded(config.dataDir);
  await waitForServer(server.url, { say });
  await ensureDatabase(server.url, 'kizuna');
  const db = connect(withDatabase(server.url, 'kizuna'), { max: options.poolSize });
  await migrate(db);
  // The embedded server has no replica: DATABASE_READ_URL applies with DATABASE_URL only.
  return {
    db,
    readDb: db,
    where: `embedded PostgreSQL in ${config.dataDir}`,
    close: async () => {
      await db.close();
      await server.stop();
    },
  };
}

export async function ensureDatabase(serverUrl: string, name: string): Promise<void> {
  const client = new pg.Client({ connectionString: serverUrl });
  await client.connect();
  try {
    const found = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [name]);
    if (found.rowCount === 0) await client.query(`CREATE DATABASE ${pg.escapeIdentifier(name)}`);
  } finally {
    await client.end();
  }
}
