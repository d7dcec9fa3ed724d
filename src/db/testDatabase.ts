import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe } from 'node:test';
import { connect, waitForServer, withDatabase, type Db } from './database.ts';
import { startEmbedded, THROWAWAY_SERVER_FLAGS, type EmbeddedServer } from './embedded.ts';
import { migrate } from './migrate.ts';
import { adminQuery, templateVariable } from './testTemplate.ts';

/**
 * "Both databases": every database test runs on the embedded server, and again on the server in
 * DATABASE_URL when that is set (CI sets it). Each suite gets a fresh database that it drops after;
 * nothing it did not create is touched.
 */
export interface TestTarget {
  name: 'embedded' | 'external';
  serverUrl: () => Promise<string>;
}

let ownEmbedded: Promise<EmbeddedServer> | undefined;
let ownEmbeddedStopRegistered = false;

/** scripts/test.ts starts one embedded server for the run; a test file run alone starts its own. */
function embeddedServerUrl(): Promise<string> {
  const shared = process.env.KIZUNA_TEST_EMBEDDED_URL;
  if (shared) return Promise.resolve(shared);
  ownEmbedded ??= (async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'kizuna-test-'));
    const server = await startEmbedded(dir, undefined, THROWAWAY_SERVER_FLAGS);
    return {
      url: server.url,
      stop: async () => {
        await server.stop();
        rmSync(dir, { recursive: true, force: true });
      },
    };
  })();
  return ownEmbedded.then((s) => s.url);
}

export function testTargets(): TestTarget[] {
  const targets: TestTarget[] = [{ name: 'embedded', serverUrl: embeddedServerUrl }];
  const external = process.env.DATABASE_URL;
  if (external) targets.push({ name: 'external', serverUrl: () => Promise.resolve(external) });
  return targets;
}

export interface TestDatabase {
  /** The migrated, empty database of this suite (valid inside tests, after `before`). */
  readonly db: Db;
  readonly target: TestTarget['name'];
}

/** Declares `title` once per target, each with a fresh migrated database. */
export function describeEachDatabase(title: string, body: (t: TestDatabase) => void): void {
  if (!process.env.KIZUNA_TEST_EMBEDDED_URL && !ownEmbeddedStopRegistered) {
    // Registered at file level (where this is called), so it runs after every suite of the file.
    ownEmbeddedStopRegistered = true;
    after(async () => (ownEmbedded ? (await ownEmbedded).stop() : undefined));
  }
  for (const target of testTargets()) {
    describe(`${title} [${target.name}]`, () => {
      let db: Db | undefined;
      let serverUrl = '';
      const name = `kizuna_test_${randomBytes(6).toString('hex')}`;
      before(async () => {
        serverUrl = await target.serverUrl();
        await waitForServer(serverUrl);
        const template = process.env[templateVariable(target.name)];
        await adminQuery(serverUrl, template ? `CREATE DATABASE ${name} TEMPLATE ${template}` : `CREATE DATABASE ${name}`);
        // The suite's database is dropped after it: commits need not wait for the disk (a server
        // crash is not what any test simulates; killed app processes still see every commit).
        await adminQuery(serverUrl, `ALTER DATABASE ${name} SET synchronous_commit = off`);
        db = connect(withDatabase(serverUrl, name));
        await migrate(db); // on a copy of the template: only checks that nothing is left to apply

      });
      after(async () => {
        await db?.close();
        if (serverUrl) await adminQuery(serverUrl, `DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      });
      body({
        get db() {
          if (!db) throw new Error('test database is not ready: use it inside a test, not at declaration time');
          return db;
        },
        target: target.name,
      });
    });
  }
}
