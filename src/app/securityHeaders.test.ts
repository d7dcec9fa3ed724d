import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { describeEachDatabase } from '../db/testDatabase.ts';
import { WEB_APP_CSP } from './securityHeaders.ts';
import { testApp } from './testApp.ts';

/** A CSP's directives by name. */
const directives = (csp: unknown) => new Map(String(csp).split(';').map((d) => d.trim().split(/\s+/)).map(([name, ...values]) => [name!, values]));

describeEachDatabase('security headers on every kind of page', (t) => {
  let ctx: Awaited<ReturnType<typeof testApp>>;
  before(async () => (ctx = await testApp(t.db)));
  after(() => ctx?.app.close());

  const get = (url: string, headers: Record<string, string> = {}) => ctx.app.inject({ method: 'GET', url, headers });

  test('every response: nosniff, a referrer policy that sends no path elsewhere, no framing', async () => {
    const pages = {
      'API JSON': await get('/v1/customers', await ctx.headers('read')),
      'API error': await get('/v1/customers'),
      'unknown path': await get('/v1/nope'),
      'API docs': await get('/docs/static/index.html'),
      'unsubscribe page': await get('/m/u/not-a-valid-token-at-all'),
      'survey page': await get('/s/p/not-a-key'),
      'survey widget of an unknown key': await get('/s/p/not-a-key?embed=1'),
      'UGC entry page': await get('/enter/0192c1d2-0000-7000-8000-000000000000'),
    };
    for (const [name, res] of Object.entries(pages)) {
      assert.equal(res.headers['x-content-type-options'], 'nosniff', name);
      assert.match(String(res.headers['referrer-policy']), /^(strict-origin-when-cross-origin|same-origin|no-referrer)$/, name);
      assert.equal(res.headers['x-frame-options'], 'DENY', name);
      if (String(res.headers['content-type']).startsWith('text/html')) {
        const csp = directives(res.headers['content-security-policy']);
        assert.deepEqual(csp.get('frame-ancestors'), ["'none'"], name);
        // No page runs inline script: either no script at all (default-src 'none') or files from self.
        const scripts = csp.get('script-src') ?? csp.get('default-src') ?? [];
        assert.ok(!scripts.includes("'unsafe-inline'") && !scripts.includes("'unsafe-eval'") && scripts.length > 0, `${name}: ${res.headers['content-security-policy']}`);
      }
    }
  });

  test('the web app: scripts and stylesheets from its own files only (style attributes allowed)', () => {
    const csp = directives(WEB_APP_CSP);
    assert.deepEqual(csp.get('script-src'), ["'self'"]);
    assert.deepEqual(csp.get('style-src'), ["'self'"]);
    assert.deepEqual(csp.get('style-src-attr'), ["'unsafe-inline'"]);
    assert.deepEqual(csp.get('frame-ancestors'), ["'none'"]);
    assert.deepEqual(csp.get('object-src'), ["'none'"]);
  });
});
