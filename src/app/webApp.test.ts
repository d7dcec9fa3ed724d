import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, test } from 'node:test';
import Fastify from 'fastify';
import { registerWebApp } from './webApp.ts';

const dist = mkdtempSync(path.join(tmpdir(), 'kizuna-web-'));
mkdirSync(path.join(dist, 'assets'));
writeFileSync(path.join(dist, 'index.html'), '<!doctype html><div id="root"></div>');
writeFileSync(path.join(dist, 'assets', 'app-1a2b.js'), 'console.log(1)');
after(() => rmSync(dist, { recursive: true, force: true }));

async function app(root: string) {
  const server = Fastify();
  server.get('/v1/ping', async () => ({ pong: true }));
  await registerWebApp(server, root);
  return server;
}

const html = { accept: 'text/html,application/xhtml+xml' };

test('serves the SPA: files, and index.html for any page path', async () => {
  const server = await app(dist);
  const home = await server.inject({ url: '/', headers: html });
  assert.equal(home.statusCode, 200);
  assert.match(home.body, /id="root"/);
  assert.equal(home.headers['cache-control'], 'no-cache');
  assert.match(String(home.headers['content-security-policy']), /frame-ancestors 'none'/);
  assert.match(String(home.headers['content-security-policy']), /script-src 'self';/);
  assert.equal(home.headers['x-frame-options'], 'DENY');

  const deep = await server.inject({ url: '/customers/0192c1d2-0000-7000-8000-000000000000?tab=x', headers: html });
  assert.equal(deep.statusCode, 200);
  assert.match(deep.body, /id="root"/);
  assert.equal(deep.headers['x-content-type-options'], 'nosniff');

  const asset = await server.inject({ url: '/assets/app-1a2b.js' });
  assert.equal(asset.statusCode, 200);
  assert.match(String(asset.headers['cache-control']), /immutable/);
});

test('never shadows the API: unknown API paths, missing assets and other methods stay JSON 404s', async () => {
  const server = await app(dist);
  assert.deepEqual((await server.inject({ url: '/v1/ping', headers: html })).json(), { pong: true });
  for (const url of ['/v1/nope', '/v1', '/docs/nope', '/openapi.json', '/healthz']) {
    const res = await server.inject({ url, headers: html });
    assert.equal(res.statusCode, 404, url);
    assert.equal(res.json().error, 'not_found', url);
  }
  const missing = await server.inject({ url: '/assets/gone.js', headers: { accept: '*/*' } });
  assert.equal(missing.statusCode, 404);
  assert.equal((await server.inject({ method: 'POST', url: '/customers', headers: html })).statusCode, 404);
});

test('without a build, a page request says how to build it', async () => {
  const server = await app(path.join(dist, 'nothing-here'));
  const res = await server.inject({ url: '/customers', headers: html });
  assert.equal(res.statusCode, 503);
  assert.match(res.body, /npm run build:web/);
  assert.equal((await server.inject({ url: '/v1/nope' })).statusCode, 404);
});
