import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { withDatabase } from '../src/db/database.ts';
import { adminQuery } from './benchDatabase.ts';

/**
 * A Kizuna server in a child process for benchmarks, on the embedded database (fresh data dir) or
 * on a fresh database in DATABASE_URL's server, which is dropped afterwards.
 */
export interface BenchTarget {
  name: 'embedded' | 'external';
  env: NodeJS.ProcessEnv;
  cleanup(): Promise<void>;
}

export async function benchTargets(): Promise<BenchTarget[]> {
  const dir = mkdtempSync(path.join(tmpdir(), 'kizuna-bench-'));
  const { DATABASE_URL: _ignored, ...envWithoutUrl } = process.env;
  const targets: BenchTarget[] = [
    { name: 'embedded', env: { ...envWithoutUrl, KIZUNA_DATA_DIR: dir }, cleanup: async () => rmSync(dir, { recursive: true, force: true }) },
  ];
  const external = process.env.DATABASE_URL;
  if (external) {
    const name = `kizuna_bench_${randomBytes(4).toString('hex')}`;
    await adminQuery(external, `CREATE DATABASE ${name}`);
    targets.push({
      name: 'external',
      env: { ...process.env, DATABASE_URL: withDatabase(external, name) },
      cleanup: () => adminQuery(external, `DROP DATABASE IF EXISTS ${name} WITH (FORCE)`),
    });
  }
  return targets;
}

/** Runs the CLI to completion and returns its stdout. */
export function cli(args: string[], env: NodeJS.ProcessEnv): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['bin/kizuna.js', ...args], { env, stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    child.stdout.on('data', (d) => (out += d));
    child.on('exit', (code) => (code === 0 ? resolve(out) : reject(new Error(`kizuna ${args.join(' ')} exited ${code}`))));
  });
}

/** Starts `kizuna serve` and resolves with its base URL once it listens. */
export function startServer(env: NodeJS.ProcessEnv): Promise<{ url: string; child: ChildProcess; stop(): Promise<void> }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['bin/kizuna.js', 'serve', '--port', '0'], { env: { ...env, LOG_LEVEL: 'warn' }, stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    child.stdout.on('data', (d) => {
      out += d;
      const match = out.match(/running at (http:\/\/[^\s"]+)/);
      if (match) {
        resolve({
          url: match[1]!,
          child,
          stop: () => new Promise((done) => {
            child.once('exit', () => done());
            child.kill('SIGTERM');
          }),
        });
      }
    });
    child.on('exit', (code) => reject(new Error(`server exited ${code} before listening`)));
  });
}
