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

export async function openBenchDatabase(options: { poolSize?: number } = {}): Promise<BenchDatabase> {
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
  const database = `kizuna_bench_${Date.now().toString(36)}`;
  await adminQuery(serverUrl, `CREATE DATABASE ${database}`);
  const db = connect(withDatabase(serverUrl, database), { max: options.poolSize });
  await migrate(db);
  return {
    db,
    where: external ? new URL(external).host : 'the embedded server',
    close: async () => {
      await db.close();
      await adminQuery(serverUrl, `DROP DATABASE IF EXISTS ${database} WITH (FORCE)`);
      await stopServer();
      if (tempDir) rmSync(tempDir, { recursive: true, force: true });
    },
  };
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
