import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { connect, waitForServer, withDatabase, type Db } from '../src/db/database.ts';
import { startEmbedded } from '../src/db/embedded.ts';
import { migrate } from '../src/db/migrate.ts';

/**
 * A fresh, migrated database for one benchmark: on DATABASE_URL's server when set, otherwise on a
 * throw-away embedded server. `close` drops what it created and nothing else.
 */
export interface BenchDatabase {
  db: Db;
  /** "127.0.0.1:5432" or "the embedded server", for the printed figures. */
  where: string;
  close(): Promise<void>;
}

export async function openBenchDatabase(options: { poolSize?: number; keep?: string } = {}): Promise<BenchDatabase> {
  const external = process.env.DATABASE_URL;
  let serverUrl = external ?? '';
  let stopServer = async () => {};
  let tempDir: string | undefined;
  if (!external) {
    tempDir = mkdtempSync(path.join(tmpdir(), 'kizuna-bench-'));
    const server = await startEmbedded(tempDir);
    serverUrl = server.url;
    stopServer = server.stop;
  }
  await waitForServer(serverUrl);
  // A kept database (named) survives close and is reused by the next benchmark that names it.
  const keep = options.keep && /^[a-z0-9_]+$/.test(options.keep) ? options.keep : undefined;
  if (options.keep && !keep) throw new Error(`bench database name ${options.keep}: lower-case letters, digits and _ only`);
  const database = keep ? `kizuna_bench_${keep}` : `kizuna_bench_${Date.now().toString(36)}`;
  if (!keep || !(await databaseExists(serverUrl, database))) await adminQuery(serverUrl, `CREATE DATABASE ${database}`);
  const db = connect(withDatabase(serverUrl, database), { max: options.poolSize });
  await migrate(db);
  return {
    db,
    where: external ? new URL(external).host : 'the embedded server',
    close: async () => {
      await db.close();
      if (!keep) await adminQuery(serverUrl, `DROP DATABASE IF EXISTS ${database} WITH (FORCE)`);
      await stopServer();
      if (tempDir) rmSync(tempDir, { recursive: true, force: true });
    },
  };
}

async function databaseExists(url: string, name: string): Promise<boolean> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [name])).rowCount === 1;
  } finally {
    await client.end();
  }
}

/** One statement on the server's maintenance connection (CREATE/DROP DATABASE). */
export async function adminQuery(url: string, sql: string): Promise<void> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}
