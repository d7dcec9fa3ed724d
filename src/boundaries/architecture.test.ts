import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, test } from 'node:test';
import { ALLOWLIST_HEADING, findReachIns, layerOf, readAllowlist, tablesIn } from './reachIns.ts';
import { importCycles, listSources, readSource, ROOT, type SourceFile } from './sourceGraph.ts';

/** The rules and the allowlist are in docs/architecture.md ("Layers"); this keeps the doc and the code in step. */
describe('architecture', () => {
  const server = listSources('src').map(readSource);

  test('every reach-in across the layers is in the allowlist of docs/architecture.md, and every listed one still exists', () => {
    const doc = readFileSync(path.join(ROOT, 'docs/architecture.md'), 'utf8');
    const listed = new Set(readAllowlist(doc).map((r) => `${r.from}|${r.kind}|${r.target}`));
    assert.ok(listed.size > 0, `no allowlist table under "${ALLOWLIST_HEADING}" in docs/architecture.md`);
    const found = findReachIns(server);
    const unlisted = found.filter((r) => !listed.has(`${r.from}|${r.kind}|${r.target}`));
    const stale = [...listed].filter((key) => !found.some((r) => `${r.from}|${r.kind}|${r.target}` === key));
    assert.deepEqual(
      unlisted.map((r) => `${r.from} ${r.kind} ${r.target} (${r.files.join(', ')})`),
      [],
      'new reach-ins: go through the public face or a published view, or (with a reason) add a row to the allowlist',
    );
    assert.deepEqual(stale, [], 'reach-ins that no longer exist: remove their rows from the allowlist in docs/architecture.md');
  });

  test('no runtime import cycles in the server or the web app', () => {
    const web = listSources('web/src').map(readSource);
    assert.deepEqual(importCycles(server), []);
    assert.deepEqual(importCycles(web), []);
  });
});

describe('architecture checks themselves', () => {
  test('files map to their module or layer', () => {
    assert.equal(layerOf('src/modules/orders/migrations/x.ts'), 'orders');
    assert.equal(layerOf('src/modules/ingest/csv/routes.ts'), 'ingest');
    assert.equal(layerOf('src/kernel/errors.ts'), 'kernel');
    assert.equal(layerOf('src/config.ts'), 'src');
    assert.equal(layerOf('src/flows/privacy.ts'), 'flows');
  });

  test('a module reaches another only through its index.ts; its own files and the composition root are free', () => {
    const file = (name: string, targets: string[]): SourceFile => ({ file: name, strings: [], imports: targets.map((target) => ({ target, typeOnly: true })) });
    const found = findReachIns([
      file('src/modules/orders/service.ts', ['src/modules/customers/index.ts', 'src/modules/customers/service.ts', 'src/modules/orders/types.ts']),
      file('src/modules/orders/service.test.ts', ['src/modules/customers/rows.ts']),
      file('src/app/services.ts', ['src/modules/customers/routes.ts']),
    ]);
    assert.deepEqual(found.map((r) => `${r.from} ${r.kind} ${r.target}`), ['orders import modules/customers/service.ts']);
  });

  test('a flow imports module faces only and names no table; nothing below the flows imports one', () => {
    const file = (name: string, targets: string[], strings: string[] = []): SourceFile => ({ file: name, strings, imports: targets.map((target) => ({ target, typeOnly: false })) });
    const found = findReachIns([
      file('src/flows/merge.ts', ['src/modules/customers/index.ts', 'src/modules/orders/service.ts', 'src/flows/other.ts'], ['DELETE FROM orders WHERE id = $1']),
      file('src/modules/customers/routes.ts', ['src/flows/merge.ts']),
      file('src/flows/app.ts', ['src/app/services.ts']),
    ]);
    assert.deepEqual(found.map((r) => `${r.from} ${r.kind} ${r.target}`), [
      'customers app flows/merge.ts',
      'flows app app/services.ts',
      'flows import modules/orders/service.ts',
      'flows table orders',
    ]);
  });

  test('table names are read from SQL, not from prose', () => {
    assert.deepEqual(tablesIn('SELECT a FROM orders o JOIN order_lines l ON true WHERE x IN (SELECT 1 FROM refunds)'), ['orders', 'order_lines', 'refunds']);
    assert.deepEqual(tablesIn('INSERT INTO events (a) VALUES (1)'), ['events']);
    assert.deepEqual(tablesIn('UPDATE customers SET a = 1'), ['customers']);
    assert.deepEqual(tablesIn('orders from the customers'), []);
  });

  test('a cycle is found over runtime imports only; a type-only import closes none', () => {
    const file = (name: string, imports: [string, boolean][]): SourceFile => ({ file: name, strings: [], imports: imports.map(([target, typeOnly]) => ({ target, typeOnly })) });
    const graph = [file('a.ts', [['b.ts', false]]), file('b.ts', [['c.ts', false]]), file('c.ts', [['a.ts', true]]), file('d.ts', [['d.ts', false]])];
    assert.deepEqual(importCycles(graph), [['d.ts']]);
    assert.deepEqual(importCycles(graph, { types: true }), [['a.ts', 'b.ts', 'c.ts'], ['d.ts']]);
  });

  test('the allowlist is read from its table, with several targets in one cell', () => {
    const doc = `# x\n${ALLOWLIST_HEADING}\n\ntext\n\n| from | kind | targets | why |\n|---|---|---|---|\n| \`loyalty\` | table | \`orders\`, \`refunds\` | reads |\n\n| not | this |\n`;
    assert.deepEqual(readAllowlist(doc), [
      { from: 'loyalty', kind: 'table', target: 'orders' },
      { from: 'loyalty', kind: 'table', target: 'refunds' },
    ]);
  });
});
