import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ValidationError, describeIssue } from '../../kernel/errors.ts';
import { readSummaryCsv } from './summaryCsv.ts';
import { parseDateCell, readTransactionsCsv } from './transactionsCsv.ts';
import { loadClvInput } from './clvInput.ts';
import { dayNumber } from '../models/summary.ts';
import { MODEL_FIXTURES_DIR } from '../models/testData.ts';

describe('CLV CSV readers', () => {
  let dir = '';
  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'kizuna-csv-'));
  });
  after(() => rmSync(dir, { recursive: true, force: true }));
  const file = (name: string, text: string): string => {
    const f = join(dir, name);
    writeFileSync(f, text);
    return f;
  };
  /** The issues of the ValidationError thrown, formatted as the CLI prints them. */
  const issuesOf = (f: () => unknown): string[] => {
    try {
      f();
    } catch (err) {
      assert.ok(err instanceof ValidationError, String(err));
      return err.issues.map(describeIssue);
    }
    assert.fail('no error thrown');
  };
  const rejectionIssues = async (p: Promise<unknown>): Promise<string[]> => {
    const err = await p.then(
      () => assert.fail('no error thrown'),
      (e: unknown) => e,
    );
    assert.ok(err instanceof ValidationError, String(err));
    return err.issues.map(describeIssue);
  };

  test('reads lifetimes columns, ignores extra columns, accepts x/t_x/zbar aliases', () => {
    const s = readSummaryCsv(file('ok.csv', 'id,frequency,recency,T,note\n7,2,3.5,10,hi\n8,0,0,9,\n'));
    assert.deepEqual(Array.from(s.frequency), [2, 0]);
    assert.deepEqual(Array.from(s.recency), [3.5, 0]);
    assert.equal(s.records.count, 2);
    const a = readSummaryCsv(file('alias.csv', 'ID,x,t_x,T,zbar\n1,2,30.43,38.86,22.35\n2,0,0,38.86,0\n'), { monetary: true });
    assert.deepEqual(Array.from(a.monetaryValue!), [22.35, 0]);
  });

  test('the byte reader: quoted cells with commas, quotes and line breaks, CRLF, a BOM, short and long records', () => {
    const path = file(
      'quoted.csv',
      '\uFEFF id ,frequency,recency,T,note\r\n"a,1",2,"3.5",10,"say ""hi""\nthere"\r\n\r\nb,0,0,9\r\nc,1,1,5,x,extra\r\n',
    );
    const s = readSummaryCsv(path);
    assert.deepEqual(s.records.header, ['id', 'frequency', 'recency', 'T', 'note']);
    assert.deepEqual([Array.from(s.frequency), Array.from(s.recency), Array.from(s.T)], [[2, 0, 1], [3.5, 0, 1], [10, 9, 5]]);
    const text = (i: number) => Buffer.from(s.records.bytes).toString('utf8', s.records.start[i], s.records.end[i]);
    assert.equal(text(0), '"a,1",2,"3.5",10,"say ""hi""\nthere"');
    assert.equal(text(1), 'b,0,0,9');
    assert.equal(s.records.short[1], 1, 'one cell short of the header');
    assert.equal(text(2), 'c,1,1,5,x', 'cells beyond the header are not carried');
    // a bad cell after a multi-line record is located on its own line
    assert.deepEqual(issuesOf(() => readSummaryCsv(file('q2.csv', 'frequency,recency,T,note\n1,1,2,"a\nb"\n1,x,2,c\n'))), [
      'line 4, column recency: not a number: "x"',
    ]);
  });

  test('numbers as Number() reads them, and nothing else; broken quoting is a CSV error with its line', () => {
    const s = readSummaryCsv(file('n.csv', 'frequency,recency,T\n1,1e0, 7 \n0,0,+.5e1\n2,0.5,12345678901234567890\n'));
    assert.deepEqual(Array.from(s.recency), [1, 0, 0.5]);
    assert.deepEqual(Array.from(s.T), [7, 5, 12345678901234567890]);
    assert.deepEqual(issuesOf(() => readSummaryCsv(file('n2.csv', 'frequency,recency,T\n1,0x1,1_0\n'))), [
      'line 2, column recency: not a number: "0x1"',
      'line 2, column T: not a number: "1_0"',
    ]);
    assert.match(issuesOf(() => readSummaryCsv(file('u.csv', 'frequency,recency,T\n1,1,"2\n')))[0], /line 2: quoted cell not closed/);
    assert.match(issuesOf(() => readSummaryCsv(file('v.csv', 'frequency,recency,T\n1,1,2\n1,1,2"x\n')))[0], /line 3: a quote inside an unquoted cell/);
  });

  test('missing column', () => {
    assert.deepEqual(issuesOf(() => readSummaryCsv(file('m.csv', 'frequency,T\n1,10\n'))), [
      'line 1, column recency: missing column "recency" (also accepted: t_x); header is: frequency,T',
    ]);
    assert.match(issuesOf(() => readSummaryCsv(file('m2.csv', 'frequency,recency,T\n1,1,10\n'), { monetary: true }))[0], /monetary_value/);
  });

  test('negative recency, recency > T, non-numeric cells, fractional frequency — every bad cell reported', () => {
    const issues = issuesOf(() =>
      readSummaryCsv(file('bad.csv', 'frequency,recency,T\n1,2,10\n1,-1,10\n\n1,12,10\n2.5,1,10\nx,1,10\n1,,10\n0,3,10\n')),
    );
    assert.deepEqual(issues, [
      'line 3, column recency: must be >= 0 (got -1)',
      'line 5, column recency: recency 12 exceeds T 10',
      'line 6, column frequency: must be a whole number >= 0 (got 2.5)',
      'line 7, column frequency: not a number: "x"',
      'line 8, column recency: not a number: ""',
      'line 9, column recency: must be 0 when frequency is 0 (got 3)',
    ]);
  });

  test('empty file and header-only file', () => {
    assert.match(issuesOf(() => readSummaryCsv(file('e.csv', '')))[0], /line 1: no header row/);
    assert.match(issuesOf(() => readSummaryCsv(file('h.csv', 'frequency,recency,T\n')))[0], /line 2: no data rows/);
    assert.match(issuesOf(() => readSummaryCsv(join(dir, 'nope.csv')))[0], /not readable/);
  });

  test('zero spend for a repeat customer is rejected for Gamma-Gamma', () => {
    assert.deepEqual(issuesOf(() => readSummaryCsv(file('z.csv', 'frequency,recency,T,monetary_value\n2,3,10,0\n'), { monetary: true })), [
      'line 2, column monetary_value: must be > 0 for a customer with repeat purchases',
    ]);
  });

  test('transactions: dates in three forms, bad dates and amounts located', () => {
    assert.equal(parseDateCell('1997-01-01'), dayNumber('1997-01-01'));
    assert.equal(parseDateCell('19970101'), dayNumber('1997-01-01'));
    assert.equal(parseDateCell('2014-03-08 00:00:00'), dayNumber('2014-03-08'));
    assert.equal(parseDateCell('2014-03-08T10:00:00Z'), dayNumber('2014-03-08'));
    assert.ok(Number.isNaN(parseDateCell('08/03/2014')));
    const t = readTransactionsCsv(file('t.csv', 'date,id,amt\n2014-03-08,a,5\n2014-03-09,b,6\n'), { customerCol: 'id', dateCol: 'date', amountCol: 'amt' });
    assert.deepEqual(t.customer, ['a', 'b']);
    assert.deepEqual(
      issuesOf(() => readTransactionsCsv(file('tb.csv', 'date,id,amt\n2014-13-08,a,5\n2014-03-09,,x\n'), { customerCol: 'id', dateCol: 'date', amountCol: 'amt' })),
      [
        'line 2, column date: not a date (YYYY-MM-DD, YYYYMMDD or ISO date-time): "2014-13-08"',
        'line 3, column id: empty customer id',
        'line 3, column amt: not a number: "x"',
      ],
    );
  });

  test('loadClvInput builds a summary from lifetimes\' example transactions', async () => {
    const input = await loadClvInput(
      { transactions: `${MODEL_FIXTURES_DIR}example_transactions.csv`, customerCol: 'id', dateCol: 'date', unit: 'days' },
      false,
    );
    assert.equal(input.frequency.length, 5000);
    assert.deepEqual(input.records.header, ['customer_id', 'frequency', 'recency', 'T']);
    assert.match((await rejectionIssues(loadClvInput({ transactions: 'x.csv' }, false))).join('\n'), /--customer-col/);
    assert.match((await rejectionIssues(loadClvInput({}, false)))[0], /missing/);
  });
});
