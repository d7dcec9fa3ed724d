import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { connect, waitForServer, withDatabase } from './database.ts';
import { migrate } from './migrate.ts';

/**
 * One migrated database per server and test run, which every suite copies with `CREATE DATABASE …
 * TEMPLATE` (a file copy, several times cheaper than running every module's migrations per suite).
 * scripts/test.ts makes it before the suites start and drops it after; nothing may stay connected
 * to it, or the copies fail.
 */
export interface TestTemplate {
  name: string;
  drop(): Promise<void>;
}

export async function createTestTemplate(serverUrl: string): Promise<TestTemplate> {
  await waitForServer(serverUrl);
  const name = `kizuna_test_tpl_${randomBytes(6).toString('hex')}`;
  await adminQuery(serverUrl, `CREATE DATABASE ${name}`);
  const db = connect(withDatabase(serverUrl, name));
  try {
    await migrate(db);
  } finally {
    await db.close();
  }
  return { name, drop: () => adminQuery(serverUrl, `DROP DATABASE IF EXISTS ${name} WITH (FORCE)`) };
}

/** The environment variable that hands a target's template name to the test processes. */
export const templateVariable = (target: 'embedded' | 'external') => `KIZUNA_TEST_TEMPLATE_${target.toUpperCase()}`;

export async function adminQuery(serverUrl: string, sql: string): Promise<void> {
  const client = new pg.Client({ connectionString: serverUrl });
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}
