import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import { after, test } from 'node:test';
import iconv from 'iconv-lite';
import { ValidationError } from '../../../kernel/errors.ts';
import { createServices } from '../../../app/services.ts';
import { describeEachDatabase } from '../../../db/testDatabase.ts';
import { importCsv, type ImportOptions } from './importer.ts';

const BOM = Buffer.from([0xef, 0xbb, 0xbf]);
const utf8Bom = (text: string) => Buffer.concat([BOM, Buffer.from(text)]);
const sjis = (text: string) => iconv.encode(text.replace(/\n/g, '\r\n'), 'cp932');

describeEachDatabase('CSV import', (t) => {
  const dir = mkdtempSync(path.join(tmpdir(), 'kizuna-csv-'));
  after(() => rmSync(dir, { recursive: true, force: true }));
  const setup = async () => {
    const services = createServices(t.db);
    const { workspace } = await services.workspaces.create({ name: `csv-${Math.random().toString(36).slice(2)}` });
    /** `file` as one chunk, or as the given chunks. */
    const run = (kind: ImportOptions['kind'], file: Buffer | string | string[], options: Partial<ImportOptions> = {}) =>
      importCsv(services, Readable.from((Array.isArray(file) ? file : [file]).map((c) => Buffer.from(c))), { kind, workspaceId: workspace.id, ...options });
    const count = async (table: string) =>
      (await t.db.query<{ n: number }>(`SELECT count(*)::int AS n FROM ${table} WHERE workspace_id = $1`, [workspace.id])).rows[0]!.n;
    return { services, workspace, run, count };
  };

  test('customers: UTF-8 with BOM, Japanese headers, 全角, phones, postal codes, names and consent', async () => {
    const { services, workspace, run } = await setup();
    const csv = [
      '会員ID,氏名,フリガナ,メールアドレス,電話番号,郵便番号,都道府県,市区町村,番地,生年月日,メルマガ許諾,登録日,ランク',
      'Ｃ００１,山田　太郎,ヤマダ タロウ,ＴＡＲＯ@Example.com,０９０－１２３４－５６７８,〒１５０－０００１,東京,渋谷区,神南１－２－３,1990年4月1日,希望する,2023/04/01,ゴールド',
      'C002,佐藤 花子,,hanako@example.com,03-1234-5678,1500002,大阪府,大阪市,,1985/12/31,0,,100',
    ].join('\r\n');
    const summary = await run('customers', utf8Bom(csv));
    assert.deepEqual(
      { rows: summary.rows, imported: summary.imported, created: summary.created, encoding: summary.encoding, committed: summary.committed, errors: summary.errors },
      { rows: 2, imported: 2, created: 2, encoding: 'utf8', committed: true, errors: [] },
    );
    const taro = await services.customers.find(workspace.id, 'C001');
    assert.deepEqual(
      [taro.familyName, taro.givenName, taro.familyNameKana, taro.givenNameKana, taro.email, taro.phone, taro.postalCode, taro.prefecture, taro.addressLine1, taro.birthday],
      ['山田', '太郎', 'ヤマダ', 'タロウ', 'taro@example.com', '+819012345678', '1500001', '東京都', '神南1-2-3', '1990-04-01'],
    );
    assert.equal(taro.createdAt.toISOString(), '2023-03-31T15:00:00.000Z');
    assert.deepEqual(taro.attributes, { ランク: 'ゴールド' });
    const consent = await services.customers.consentState(workspace.id, taro.id);
    assert.deepEqual(consent.map((c) => [c.channel, c.status, c.source]), [['email', 'opted_in', 'csv_import']]);
    const hanako = await services.customers.find(workspace.id, 'C002');
    assert.deepEqual([hanako.phone, hanako.attributes, (await services.customers.consentState(workspace.id, hanako.id))[0]?.status], ['+81312345678', { ランク: 100 }, 'opted_out']);
  });

  test('orders: Shift_JIS, lines grouped by order, returns and refunds totalled, dates in the workspace zone', async () => {
    const { services, workspace, run, count } = await setup();
    const csv = [
      '注文番号,顧客ID,購入日,合計金額,商品コード,商品名,数量,単価,返金額,ステータス',
      'A-1,C1,2024/01/05 10:00,"3,300",SKU-1,Ｔシャツ,2,"1,000",,完了',
      'A-1,,,,SKU-2,"マグ',
      'カップ",1,1300,,',
      'A-2,C2,2024年1月6日,1500,SKU-1,Tシャツ,3,500,,発送済み',
      'A-2,C2,2024/01/08,,SKU-1,Tシャツ,-1,500,,',
      'A-3,C1,2024-01-09,800,,,,,300,キャンセル',
    ].join('\n');
    const summary = await run('orders', sjis(csv));
    assert.equal(summary.encoding, 'cp932');
    assert.deepEqual([summary.rows, summary.imported, summary.created, summary.rejected], [5, 5, 3, 0], JSON.stringify(summary.errors));

    const a1 = await services.orders.get(workspace.id, 'A-1');
    assert.equal(a1.orderedAt.toISOString(), '2024-01-05T01:00:00.000Z');
    assert.deepEqual(
      a1.lines.map((l) => [l.sku, l.name, l.quantity, l.unitPriceMinor]),
      [
        ['SKU-1', 'Tシャツ', 2, 1000],
        ['SKU-2', 'マグ\r\nカップ', 1, 1300],
      ],
    );
    assert.deepEqual([a1.totalMinor, a1.netMinor, a1.status], [3300, 3300, 'completed']);
    const a2 = await services.orders.get(workspace.id, 'A-2');
    assert.deepEqual([a2.lines.length, a2.totalMinor, a2.refundedMinor, a2.netMinor], [1, 1500, 500, 1000]);
    const a3 = await services.orders.get(workspace.id, 'A-3');
    assert.deepEqual([a3.status, a3.totalMinor, a3.refundedMinor, a3.netMinor], ['cancelled', 800, 300, 0]);

    // The same file again replaces the orders and does not refund twice.
    const again = await run('orders', sjis(csv));
    assert.deepEqual([again.created, again.updated, again.duplicates], [0, 3, 2]);
    assert.equal(await count('refunds'), 2);
    assert.equal((await services.orders.get(workspace.id, 'A-2')).refundedMinor, 500);
  });

  test('chunks never split an order', async () => {
    const { services, workspace, run } = await setup();
    const rows = ['注文番号,顧客ID,購入日,数量,単価'];
    for (let order = 1; order <= 5; order++) for (let line = 1; line <= 3; line++) rows.push(`K${order},C${order},2024/01/0${order},${line},100`);
    const summary = await run('orders', rows.join('\n'), { chunkRows: 2 });
    assert.deepEqual([summary.imported, summary.created], [15, 5]);
    for (let order = 1; order <= 5; order++) assert.equal((await services.orders.get(workspace.id, `K${order}`)).totalMinor, 600);
  });

  test('a bad row rejects the file, names line and column, and leaves the database as it was', async () => {
    const { run, count } = await setup();
    await run('customers', '顧客ID,メールアドレス\nKEEP,keep@example.com\n');
    const csv = [
      '顧客ID,メールアドレス,電話番号,郵便番号,生年月日',
      'C1,ok@example.com,090-1234-5678,150-0001,1990/01/01',
      'C2,"not an',
      'email",090-1234-5678,150-0001,1990/01/01',
      'C3,c3@example.com,12,１５０,1990/02/30',
    ].join('\n');
    const summary = await run('customers', csv);
    assert.equal(summary.committed, false);
    assert.deepEqual([summary.rows, summary.imported, summary.rejected], [3, 0, 2]);
    assert.deepEqual(
      summary.errors.map((e) => [e.line, e.column]),
      [
        [3, 'メールアドレス'],
        [5, '電話番号'],
        [5, '郵便番号'],
        [5, '生年月日'],
      ],
    );
    assert.match(summary.errors[1]!.message, /"12" is not a valid phone number/);
    assert.equal(await count('customers'), 1);
  });

  test('a CSV syntax error late in the file rolls back what was written, even with --skip-invalid', async () => {
    const { run, count } = await setup();
    const rows = ['顧客ID,メールアドレス', ...Array.from({ length: 2000 }, (_, i) => `Z${i},z${i}@example.com`), 'Z9999,"unclosed'];
    await assert.rejects(
      run('customers', rows.map((r) => `${r}\n`), { chunkRows: 100, skipInvalid: true }),
      (err: unknown) => err instanceof ValidationError && err.issues[0]!.line === 2002,
    );
    assert.equal(await count('customers'), 0);
  });

  test('a missing required column is an error before any row is read', async () => {
    const { run } = await setup();
    await assert.rejects(
      run('orders', '注文番号,購入日,金額\n1,2024/01/01,100\n'),
      (err: unknown) => err instanceof ValidationError && err.issues[0]!.column === '顧客ID (customer_id)' && /missing required column 顧客ID/.test(err.message),
    );
  });

  test('--skip-invalid imports the valid rows and writes the rejects with line and error', async () => {
    const { run, count } = await setup();
    const errorsOut = path.join(dir, 'orders.errors.csv');
    const csv = [
      '注文番号,顧客ID,購入日,数量,単価',
      'O1,C1,2024/01/01,1,100',
      'O2,C1,2024/01/02,1,100',
      'O2,C1,2024/01/02,x,100',
      'O3,C2,2024/01/03,1,100',
      'O1,C1,2024/01/04,1,100',
    ].join('\n');
    const summary = await run('orders', csv, { skipInvalid: true, errorsOut });
    assert.deepEqual([summary.committed, summary.imported, summary.rejected, summary.created, summary.errorFile], [true, 2, 3, 2, errorsOut]);
    assert.equal(await count('orders'), 2);
    const rejects = readFileSync(errorsOut, 'utf8');
    assert.ok(rejects.startsWith('\ufeff'), 'BOM for Excel');
    assert.deepEqual(rejects.slice(1).trim().split('\r\n'), [
      '注文番号,顧客ID,購入日,数量,単価,line,error',
      'O2,C1,2024/01/02,1,100,3,order O2 is rejected because of line 4',
      'O2,C1,2024/01/02,x,100,4,"数量: ""x"" is not a whole number"',
      'O1,C1,2024/01/04,1,100,6,注文番号: order O1 already appeared on line 2: the rows of one order must be next to each other (sort the file by this column)',
    ]);
  });

  test('rows the database refuses are isolated and rejected with the reason', async () => {
    const { run, count } = await setup();
    const csv = ['注文番号,顧客ID,購入日,金額,返金額', 'R1,C1,2024/01/01,1000,', 'R2,C1,2024/01/01,1000,1500', 'R3,C1,2024/01/01,1000,200'].join('\n');
    const summary = await run('orders', csv, { skipInvalid: true, chunkRows: 10 });
    assert.deepEqual([summary.imported, summary.rejected, summary.errors[0]?.line], [2, 1, 3]);
    assert.match(summary.errors[0]!.message, /exceed/);
    assert.deepEqual([await count('orders'), await count('refunds')], [2, 1]);
  });

  test('--dry-run validates and counts but writes nothing', async () => {
    const { run, count } = await setup();
    const summary = await run('products', '商品コード,商品名,価格,色\nP1,シャツ,"¥1,980",白\nP2,帽子,500,黒\n', { dryRun: true });
    assert.deepEqual([summary.dryRun, summary.committed, summary.imported, summary.created], [true, false, 2, 2]);
    assert.equal(await count('products'), 0);
  });

  test('products and events, with unknown columns kept as attributes and properties', async () => {
    const { services, workspace, run, count } = await setup();
    await run('products', 'SKU,Name,Category,Price,Currency,Color\nP1,Shirt,Tops,12.50,USD,white\n');
    const { rows } = await t.db.query<{ price_minor: number; currency: string; attributes: unknown }>(
      'SELECT price_minor, currency, attributes FROM products WHERE workspace_id = $1',
      [workspace.id],
    );
    assert.deepEqual(rows, [{ price_minor: 1250, currency: 'USD', attributes: { Color: 'white' } }]);

    const events = 'customer_id,event,timestamp,page\nC1,Page Viewed,2024-01-05 10:00,/top\nC1,Page Viewed,2024-01-05 10:01,/cart\n';
    assert.deepEqual((await run('events', events)).created, 2);
    const second = await run('events', events);
    assert.deepEqual([second.created, second.duplicates], [0, 2]);
    assert.equal(await count('events'), 2);
    const customer = await services.customers.find(workspace.id, 'C1');
    const { rows: stored } = await t.db.query<{ properties: unknown }>('SELECT properties FROM events WHERE customer_id = $1 ORDER BY occurred_at', [customer.id]);
    assert.deepEqual(stored.map((r) => r.properties), [{ page: '/top' }, { page: '/cart' }]);
  });
});
