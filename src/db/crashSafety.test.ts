import assert from 'node:assert/strict';
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

/**
 * kill -9 of `kizuna serve` in the middle of ingest: the next `serve` on the same data dir adopts
 * the orphaned embedded PostgreSQL with no manual step, and every event it acknowledged is there.
 * Only the embedded server is involved, so this runs once whatever DATABASE_URL says.
 */
const BIN = fileURLToPath(new URL('../../bin/kizuna.js', import.meta.url));
const dataDir = mkdtempSync(path.join(tmpdir(), 'kizuna-crash-'));
const { DATABASE_URL: _external, ...inherited } = process.env;
const env = { ...inherited, LOG_LEVEL: 'warn' };
const started: ChildProcess[] = [];
let postgresPid: number | undefined;

const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

after(async () => {
  // Whatever happened above, leave nothing running: the servers we started, then their postgres.
  for (const child of started) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  if (postgresPid && alive(postgresPid)) {
    process.kill(postgresPid, 'SIGINT');
    await until(() => !alive(postgresPid!), 10_000).catch(() => process.kill(postgresPid!, 'SIGKILL'));
  }
  rmSync(dataDir, { recursive: true, force: true });
});

test('kill -9 mid-ingest: the next serve comes back on the same data with every acknowledged event', { timeout: 60_000 }, async () => {
  const created = await promisify(execFile)(process.execPath, [BIN, 'workspace', 'create', '--name', 'crash', '--json', '--data-dir', dataDir], { env });
  const { apiKey } = JSON.parse(created.stdout.trim().split('\n').pop()!) as { apiKey: string };
  const headers = { authorization: `Bearer ${apiKey}`, 'content-type': 'application/json' };

  const first = await serve();
  postgresPid = Number(readFileSync(path.join(dataDir, 'pg', 'postmaster.pid'), 'utf8').split('\n')[0]);
  const acknowledged: { userId: string; messageIds: string[] }[] = [];
  let batches = 0;
  let crashed = false;
  const writer = async () => {
    for (;;) {
      const userId = `u-${batches++}`;
      const messageIds = Array.from({ length: 5 }, (_, i) => `${userId}-m${i}`);
      const batch = messageIds.map((messageId) => ({ type: 'track', userId, messageId, event: 'Product Viewed', properties: { sku: 'TEE' } }));
      try {
        const res = await fetch(`${first.url}/v1/batch`, { method: 'POST', headers, body: JSON.stringify({ batch }) });
        if (res.status !== 200) throw new Error(`ingest answered ${res.status}: ${await res.text()}`);
        acknowledged.push({ userId, messageIds });
      } catch (err) {
        if (crashed) return; // cut off by the crash: never acknowledged
        throw err;
      }
    }
  };
  const writers = Array.from({ length: 4 }, writer);
  await until(() => acknowledged.length >= 40, 15_000);
  crashed = true;
  first.child.kill('SIGKILL');
  await Promise.all(writers);
  await new Promise((resolve) => (first.child.exitCode === null && first.child.signalCode === null ? first.child.once('exit', resolve) : resolve(null)));
  assert.ok(alive(postgresPid), 'the embedded postgres outlived its parent (the case being tested)');

  const second = await serve();
  for (const { userId, messageIds } of acknowledged) {
    const res = await fetch(`${second.url}/v1/customers/${userId}/export`, { headers });
    assert.equal(res.status, 200, `${userId} was acknowledged`);
    const stored = new Set(((await res.json()) as { events: { messageId: string }[] }).events.map((e) => e.messageId));
    for (const id of messageIds) assert.ok(stored.has(id), `acknowledged event ${id} is stored`);
  }

  // A clean stop of the adopting server also stops the adopted postgres.
  second.child.kill('SIGTERM');
  const code = await new Promise((resolve) => second.child.once('exit', resolve));
  await until(() => !alive(postgresPid!), 15_000);
  assert.equal(code, 0);
});

/** Starts `kizuna serve` on a free port and waits for the address it prints. */
async function serve(): Promise<{ child: ChildProcess; url: string }> {
  const child = spawn(process.execPath, [BIN, 'serve', '--port', '0', '--data-dir', dataDir], { env, stdio: ['ignore', 'pipe', 'pipe'] });
  started.push(child);
  let output = '';
  const url = await new Promise<string>((resolve, reject) => {
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      const found = /running at (http:\/\/[^\s"]+)/.exec(output);
      if (found) resolve(found[1]!);
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', onData);
    child.once('exit', (code) => reject(new Error(`serve exited (${code}) before listening:\n${output}`)));
  });
  return { child, url };
}

async function until(condition: () => boolean, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`condition not met within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 20));
  }
}
