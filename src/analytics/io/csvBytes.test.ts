import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ValidationError, describeIssue } from '../../kernel/errors.ts';
import { parseDecimal, scanCsvNumbers } from './csvBytes.ts';
import { readSummaryCsv } from './summaryCsv.ts';
import { ROWS_PER_CHUNK, RowFormatter, cacheSlots, writeChunks, writePredictionsCsv } from './predictionsCsv.ts';
import type { PredictionRows } from './predictionsCsv.ts';
import { createRng } from '../random.ts';

/** Scans `text` for the named columns; bad cells are collected as "record:column:text". */
function scan(text: string, names: string[]) {
  const bad: string[] = [];
  const result = scanCsvNumbers(
    Buffer.from(text),
    'test.csv',
    (header) => names.map((n) => header.indexOf(n)),
    (record, column, cell) => bad.push(`${record}:${column}:${cell}`),
  );
  return { ...result, bad, columns: result.values.map((v) => Array.from(v)) };
}

describe('byte-level CSV reader', () => {
  test('plain records: numbers straight from the bytes, record spans without line ends', () => {
    const s = scan('id,a,b\n1,2.5,-3\n2,0.125,40\n', ['a', 'b']);
    assert.equal(s.count, 2);
    assert.deepEqual(s.columns, [
      [2.5, 0.125],
      [-3, 40],
    ]);
    assert.deepEqual([...s.start], [7, 16]);
    assert.deepEqual([...s.end], [15, 26]);
    assert.deepEqual([...s.line], [2, 3]);
    assert.deepEqual(s.bad, []);
  });

  test('header names in any order: the wanted columns are found by name, other columns skipped', () => {
    const s = scan('T,note,frequency,recency\n10,x,2,3.5\n9,y,0,0\n', ['frequency', 'recency', 'T']);
    assert.deepEqual(s.columns, [
      [2, 0],
      [3.5, 0],
      [10, 9],
    ]);
    const summary = readSummaryCsv(writeTemp('order.csv', 'monetary_value,T,recency,id,frequency\n12.5,10,3,a,2\n0,9,0,b,0\n'), { monetary: true });
    assert.deepEqual([Array.from(summary.frequency), Array.from(summary.recency), Array.from(summary.T), Array.from(summary.monetaryValue!)], [
      [2, 0],
      [3, 0],
      [10, 9],
      [12.5, 0],
    ]);
  });

  test('quoted cells (commas, doubled quotes, line breaks), CRLF and a BOM', () => {
    const s = scan('\uFEFFname,a\r\n"x, ""y""\r\nz",1.5\r\n"plain","7"\r\n', ['a']);
    assert.deepEqual(s.header, ['name', 'a'], 'the BOM is not part of the first header');
    assert.deepEqual(s.columns, [[1.5, 7]]);
    assert.deepEqual([...s.line], [2, 4], 'a record after a quoted line break starts on its own line');
    const text = (i: number) => Buffer.from('\uFEFFname,a\r\n"x, ""y""\r\nz",1.5\r\n"plain","7"\r\n').toString('utf8', s.start[i], s.end[i]);
    assert.equal(text(0), '"x, ""y""\r\nz",1.5', 'the record is kept as written, without its CRLF');
    assert.equal(text(1), '"plain","7"');
  });

  test('the fast path and the general path read the same numbers', () => {
    // each of these records leaves the fast path somewhere (quote, exponent, sign, spaces, width)
    const s = scan('a,b,c\n1,2,3\n"1",2,3\n1e0,2,3\n+1,2,3\n 1 ,2,3\n1,2\n1,2,3,4\n0.1000000000000000055,2,3\n', ['a', 'b', 'c']);
    assert.deepEqual(s.columns[0], [1, 1, 1, 1, 1, 1, 1, 0.1]);
    assert.deepEqual(s.columns[1], [2, 2, 2, 2, 2, 2, 2, 2]);
    assert.deepEqual(s.columns[2].slice(0, 5), [3, 3, 3, 3, 3]);
    assert.ok(Number.isNaN(s.columns[2][5]), 'a short record lacks c');
    assert.deepEqual([...s.short], [0, 0, 0, 0, 0, 1, 0, 0]);
    assert.deepEqual(s.bad, ['5:2:']);
  });

  test('random decimals parse exactly as Number() does', () => {
    const rng = createRng(11);
    const cells: string[] = [];
    for (let i = 0; i < 20_000; i++) {
      const v = (rng.next() - 0.3) * 10 ** Math.floor(rng.next() * 12 - 4);
      cells.push(rng.next() < 0.5 ? v.toFixed(Math.floor(rng.next() * 8)) : String(v));
    }
    const s = scan(`v\n${cells.join('\n')}\n`, ['v']);
    cells.forEach((c, i) => assert.equal(s.columns[0][i], Number(c), c));
    const b = Buffer.from('  -12.5e-1\t');
    assert.equal(parseDecimal(b, 0, b.length), -1.25);
    const long = Buffer.from('-0.04164732151656464');
    assert.equal(parseDecimal(long, 0, long.length), -0.04164732151656464, 'a long negative number keeps its sign');
  });

  test('bad numbers name their line and column', () => {
    const s = scan('a,b\n1,2\n"multi\nline",3\n1,x\n1,0x10\n', ['a', 'b']);
    assert.deepEqual(s.bad, ['1:0:multi\nline', '2:1:x', '3:1:0x10']);
    assert.deepEqual([...s.line], [2, 3, 5, 6]);
    const issues = issuesOf(() => readSummaryCsv(writeTemp('bad.csv', 'T,recency,frequency\r\n10,1,1\r\n10,"1,5",1\r\n10,1,two\r\n')));
    assert.deepEqual(issues, ['line 3, column recency: not a number: "1,5"', 'line 4, column frequency: not a number: "two"']);
  });

  test('broken quoting is reported with the line it starts on', () => {
    assert.match(issuesOf(() => scan('a\n1\n"open\n', ['a']))[0], /line 3: quoted cell not closed/);
    assert.match(issuesOf(() => scan('a,b\n"x"y,1\n', ['a']))[0], /line 2: characters after a closing quote/);
  });
});

describe('byte-level CSV writer', () => {
  test('rows formatted in parts, each by its own formatter (as threads take chunks), equal the rows formatted at once', () => {
    const text = 'id,frequency,recency,T,note\n"a,1",2,3,10,"q ""z"""\nb,0,0,9\nc,2,3,10,n,extra\nd,1,1,5,x\n';
    const s = readSummaryCsv(writeTemp('rows.csv', text));
    const rows: PredictionRows = {
      bytes: s.records.bytes,
      start: s.records.start,
      end: s.records.end,
      short: s.records.short,
      patternOf: Uint32Array.from([0, 1, 0, 2]),
      expected: Float64Array.from([1.25, 0.5, 2 / 3]),
      pAlive: Float64Array.from([0.75, 1, 0.5]),
      ...cacheSlots(Uint32Array.from([0, 1, 0, 2]), 3),
      expectedValue: Float64Array.from([10, 20, 30, 40]),
      det: Float64Array.from([1.25, 0.25, 1 / 120]),
      margin: 1,
    };
    const whole = Buffer.from(new RowFormatter(rows).format(0, 4)).toString();
    assert.equal(
      whole,
      '"a,1",2,3,10,"q ""z""",1.25,0.75,10,12.5\n' +
        'b,0,0,9,,0.5,1,20,5\n' +
        'c,2,3,10,n,1.25,0.75,30,37.5\n' +
        'd,1,1,5,x,0.666666666667,0.5,40,0.333333333333\n',
    );
    const pieces = [[0, 1], [1, 3], [3, 4]].map(([from, to]) => Buffer.from(new RowFormatter(rows).format(from!, to!)).toString());
    assert.equal(pieces.join(''), whole);
  });

  test('with chunks formatted and written elsewhere, the file is byte for byte the one written alone', async () => {
    const n = 2 * ROWS_PER_CHUNK + 1000; // enough rows for a helper to take part
    const lines = ['customer_id,frequency,recency,T'];
    for (let i = 0; i < n; i++) lines.push(`${i},${i % 3},${i % 3},${5 + (i % 7)}`);
    const s = readSummaryCsv(writeTemp('many.csv', `${lines.join('\r\n')}\r\n`));
    const patternOf = Uint32Array.from({ length: n }, (_, i) => i % 5);
    const columns = {
      patternOf,
      expected: Float64Array.from([0.1, 0.2, 0.3, 0.4, 0.5]),
      pAlive: Float64Array.from([0.9, 0.8, 0.7, 0.6, 0.5]),
      value: { expectedValue: Float64Array.from({ length: n }, (_, i) => 10 + i / 7), det: Float64Array.from([0.5, 1, 1.5, 2, 2.5]), margin: 2 },
    };
    const alone = join(dir, 'alone.csv');
    const helped = join(dir, 'helped.csv');
    await writePredictionsCsv(alone, s.records, columns);
    let handedOver = 0;
    await writePredictionsCsv(helped, s.records, columns, async (job) => {
      handedOver += await writeChunks(job, () => {});
    });
    assert.ok(handedOver > 0, 'chunks written elsewhere');
    const text = readFileSync(helped, 'utf8');
    assert.equal(text, readFileSync(alone, 'utf8'));
    const out = text.split('\n');
    assert.equal(out.length, n + 2);
    assert.equal(out[0], 'customer_id,frequency,recency,T,expected_purchases,p_alive,expected_avg_value,clv');
    assert.equal(out[n], `${n - 1},${(n - 1) % 3},${(n - 1) % 3},${5 + ((n - 1) % 7)},${[0.1, 0.2, 0.3, 0.4, 0.5][(n - 1) % 5]},${[0.9, 0.8, 0.7, 0.6, 0.5][(n - 1) % 5]},${Number((10 + (n - 1) / 7).toPrecision(12))},${Number(([0.5, 1, 1.5, 2, 2.5][(n - 1) % 5]! * (10 + (n - 1) / 7) * 2).toPrecision(12))}`);
  });
});

let dir = '';
before(() => {
  dir = mkdtempSync(join(tmpdir(), 'kizuna-bytes-'));
});
after(() => rmSync(dir, { recursive: true, force: true }));

function writeTemp(name: string, text: string): string {
  const f = join(dir, name);
  writeFileSync(f, text);
  return f;
}

/** The issues of the ValidationError thrown, as the CLI prints them. */
function issuesOf(f: () => unknown): string[] {
  try {
    f();
  } catch (err) {
    assert.ok(err instanceof ValidationError, String(err));
    return err.issues.map(describeIssue);
  }
  assert.fail('no error thrown');
}
