import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { test } from 'node:test';
import { describeEachDatabase } from '../db/testDatabase.ts';
import { openApiDocument } from './openApiDocument.ts';
import { suiteApps } from './testApp.ts';

type Operations = Record<string, { requestBody?: { required: boolean } }>;

/** Every operation whose body /openapi.json documents as optional, as [method, path with its parameters filled in]. */
async function optionalBodies(): Promise<[string, string][]> {
  const { paths } = (await openApiDocument()) as { paths: Record<string, Operations> };
  return Object.entries(paths).flatMap(([path, operations]) =>
    Object.entries(operations)
      .filter(([, operation]) => operation.requestBody?.required === false)
      .map(([method, operation]): [string, string] => {
        assert.ok(!JSON.stringify(operation).includes('x-optional-body'), `${path}: the marker is not published`);
        return [method.toUpperCase(), path.replace(/\{[^}]+\}/g, randomUUID())];
      }),
  );
}

test('/openapi.json documents an optional or defaulted body as optional, and a required one as required', async () => {
  const { paths } = (await openApiDocument()) as { paths: Record<string, Operations> };
  assert.equal(paths['/v1/segments/refresh']?.post?.requestBody?.required, false);
  assert.equal(paths['/v1/loyalty/sync']?.post?.requestBody?.required, false, '.default({}) may be left out too');
  assert.equal(paths['/v1/segments/preview']?.post?.requestBody?.required, true);
});

describeEachDatabase('optional request bodies', (t) => {
  const open = suiteApps(t);

  test('every route documented with an optional body answers without one, however the client leaves it out', async () => {
    const { app, headers } = await open();
    const auth = await headers();
    const routes = await optionalBodies();
    assert.ok(routes.length >= 4, JSON.stringify(routes));
    for (const [method, url] of routes) {
      for (const request of [{ headers: auth }, { headers: { ...auth, 'content-type': 'application/json' }, payload: '' }]) {
        const res = await app.inject({ method: method as 'POST', url, ...request });
        assert.ok(res.statusCode === 200 || res.statusCode === 404, `${method} ${url}: ${res.statusCode} ${res.body}`);
      }
    }
  });
});
