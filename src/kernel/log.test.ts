import assert from 'node:assert/strict';
import { test } from 'node:test';
import { formatLog, logFormat, serverLogStream } from './log.ts';

test('JSON lines when KIZUNA_LOG=json or stdout is not a terminal; human lines on a terminal', () => {
  assert.equal(logFormat({ KIZUNA_LOG: 'json' }, true), 'json');
  assert.equal(logFormat({}, false), 'json');
  assert.equal(logFormat({}, true), 'human');
  assert.equal(logFormat({ KIZUNA_LOG: 'human' }, false), 'human');
});

test('a record is one JSON object per line, or a short human line', () => {
  const at = new Date(2026, 11, 6, 9, 5, 7);
  const json = JSON.parse(formatLog('json', 'info', 'worker started', { id: 'w1' }, at));
  assert.deepEqual(json, { level: 30, time: at.getTime(), msg: 'worker started', id: 'w1' });
  assert.equal(formatLog('human', 'info', 'worker started', { id: 'w1' }, at), '09:05:07 worker started\n');
  assert.equal(formatLog('human', 'error', 'request failed', { err: { message: 'boom' } }, at), '09:05:07 ERROR request failed: boom\n');
});

test("the HTTP server's JSON lines become human lines on a terminal and pass unchanged otherwise", () => {
  const written: string[] = [];
  const out = { write: (s: string) => written.push(s) } as unknown as NodeJS.WritableStream;
  const at = new Date(2026, 11, 6, 9, 5, 7).getTime();
  const line = `${JSON.stringify({ level: 30, time: at, reqId: 'req-1', req: { method: 'GET', url: '/v1/customers' }, msg: 'incoming request' })}\n`;
  serverLogStream('json', out as never).write(line);
  serverLogStream('human', out as never).write(line);
  serverLogStream('human', out as never).write(`${JSON.stringify({ level: 30, time: at, res: { statusCode: 200 }, responseTime: 12.4, msg: 'request completed' })}\n`);
  serverLogStream('human', out as never).write(`${JSON.stringify({ level: 40, time: at, msg: 'slow' })}\n`);
  assert.deepEqual(written, [line, '09:05:07 GET /v1/customers\n', '09:05:07 → 200 in 12 ms\n', '09:05:07 warn slow\n']);
  assert.ok(written.every((l) => !l.includes('undefined')));
});
