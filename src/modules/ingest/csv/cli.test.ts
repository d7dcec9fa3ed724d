import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, test } from 'node:test';
import iconv from 'iconv-lite';
import { createServices } from '../../../app/services.ts';
import { describeEachDatabase } from '../../../db/testDatabase.ts';

const BIN = new URL('../../../../bin/kizuna.js', import.meta.url).pathname;

describeEachDatabase('kizuna import (CLI)', (t) => {
  const dir = mkdtempSync(path.join(tmpdir(), 'kizuna-csv-'));
  after(() => rmSync(dir, { recursive: true, force: true }));

  /** Runs the real CLI against this suite's database (DATABASE_URL wins over the embedded data dir). */
  const cli = (args: string[]) =>
    new Promise<{ code: number; stdout: string; stderr: string }>((resolve) => {
      execFile(process.execPath, [BIN, ...args], { env: { ...process.env, DATABASE_URL: t.db.url } }, (err, stdout, stderr) =>
        resolve({ code: err ? Number(err.code ?? 1) : 0, stdout, stderr }),
      );
    });

  test('imports a Shift_JIS orders file and prints a JSON summary; rejects a bad one naming the line', async () => {
    const services = createServices(t.db);
    const { workspace } = await services.workspaces.create({ name: 'cli-shop' });
    const good = path.join(dir, 'orders.csv');
    writeFileSync(good, iconv.encode('受注番号,会員ID,注文日,金額\r\nX1,C1,2024/02/01,１２００\r\nX2,C2,2024/02/02,800\r\n', 'cp932'));

    const ok = await cli(['import', 'orders', good, '--workspace', workspace.id, '--json']);
    assert.equal(ok.code, 0, ok.stderr);
    const summary = JSON.parse(ok.stdout);
    assert.deepEqual(
      [summary.kind, summary.rows, summary.imported, summary.created, summary.encoding, summary.committed],
      ['orders', 2, 2, 2, 'cp932', true],
    );
    assert.equal((await services.orders.get(workspace.id, 'X1')).totalMinor, 1200);

    const bad = path.join(dir, 'bad.csv');
    writeFileSync(bad, '受注番号,会員ID,注文日,金額\nY1,C1,2024/02/01,100\nY2,C1,2024/02/01,百円\n');
    const rejected = await cli(['import', 'orders', bad, '--workspace', 'cli-shop']);
    assert.equal(rejected.code, 2);
    assert.match(rejected.stderr, /line 3, column 金額: "百円" is not an amount/);
    assert.equal(existsSync(`${bad}.errors.csv`), false);
    await assert.rejects(services.orders.get(workspace.id, 'Y1'));

    const skipped = await cli(['import', 'orders', bad, '--workspace', 'cli-shop', '--skip-invalid', '--json']);
    assert.equal(skipped.code, 0, skipped.stderr);
    assert.deepEqual([JSON.parse(skipped.stdout).imported, JSON.parse(skipped.stdout).errorFile], [1, `${bad}.errors.csv`]);
    assert.ok(existsSync(`${bad}.errors.csv`));
  });
});
