import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { createServices, type Services } from '../../app/services.ts';
import { describeEachDatabase } from '../../db/testDatabase.ts';
import { HANDLERS } from '../../worker/handlers.ts';
import { cliOn } from '../cliTestKit.ts';

describeEachDatabase('kizuna worker --once', (t) => {
  let services: Services;
  let ws: string;
  let worker: ReturnType<typeof cliOn>;
  before(async () => {
    services = createServices(t.db);
    ws = (await services.workspaces.create({ name: 'worker-once' })).workspace.id;
    worker = cliOn(t.db.url, 'worker');
    HANDLERS['test.once_ok'] = async () => undefined;
    HANDLERS['test.once_fail'] = async () => {
      throw new Error('boom');
    };
  });
  after(() => {
    delete HANDLERS['test.once_ok'];
    delete HANDLERS['test.once_fail'];
  });

  const enqueue = async () => {
    await services.jobs.enqueue(ws, { kind: 'test.once_ok' });
    await services.jobs.enqueue(ws, { kind: 'test.once_ok' });
    await services.jobs.enqueue(ws, { kind: 'test.once_fail', maxAttempts: 1 });
  };

  test('--json: one JSON object on stdout with the jobs run by kind and the failures; job lines on stderr', async () => {
    await enqueue();
    const run = await worker('--once', '--json');
    assert.equal(run.code, 0, run.stderr);
    const summary = JSON.parse(run.stdout) as { ran: number; failed: number; byKind: Record<string, { done: number; retry: number; failed: number }> };
    assert.deepEqual(summary.byKind['test.once_ok'], { done: 2, retry: 0, failed: 0 });
    assert.deepEqual(summary.byKind['test.once_fail'], { done: 0, retry: 0, failed: 1 });
    assert.ok(summary.ran >= 3 && summary.failed >= 1, run.stdout);
    assert.match(run.stderr, /job test\.once_fail .* failed \(failed\): boom/);
  });

  test('without --json: a one-line summary after the job lines', async () => {
    await enqueue();
    const run = await worker('--once');
    assert.equal(run.code, 0, run.stderr);
    const last = run.stdout.trimEnd().split('\n').at(-1)!;
    assert.match(last, /^worker --once: \d+ enqueued, \d+ run \(.*test\.once_ok 2.*test\.once_fail 1.*\), \d+ failed \(0 to retry, \d+ out of attempts\)$/);
  });

  test('nothing due: says so', async () => {
    const run = await worker('--once');
    assert.equal(run.stdout.trim().split('\n').at(-1), 'worker --once: 0 enqueued, 0 run, none failed');
  });
});
