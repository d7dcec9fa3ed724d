import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ValidationError } from '../../../kernel/errors.ts';
import { parseCalendarDate, parseInstant } from './dates.ts';
import { mapHeader } from './headers.ts';
import { readRecords } from './records.ts';
import { parseDecimal, parseFlag, parseInteger } from './row.ts';

test('dates in the forms spreadsheets write, read in the workspace time zone', () => {
  const tokyo = (s: string) => parseInstant(s, 'Asia/Tokyo')?.toISOString();
  assert.equal(tokyo('2024/01/05'), '2024-01-04T15:00:00.000Z');
  assert.equal(tokyo('2024-01-05'), '2024-01-04T15:00:00.000Z');
  assert.equal(tokyo('2024年1月5日'), '2024-01-04T15:00:00.000Z');
  assert.equal(tokyo('20240105'), '2024-01-04T15:00:00.000Z');
  assert.equal(tokyo('2024/1/5 9:05'), '2024-01-05T00:05:00.000Z');
  assert.equal(tokyo('2024-01-05T09:05:30.5'), '2024-01-05T00:05:30.500Z');
  assert.equal(tokyo('2024年1月5日 9時5分'), '2024-01-05T00:05:00.000Z');
  assert.equal(tokyo('2024-01-05T09:05:00Z'), '2024-01-05T09:05:00.000Z');
  assert.equal(tokyo('2024-01-05 09:05:00+02:00'), '2024-01-05T07:05:00.000Z');
  for (const bad of ['2024/02/30', '2024/13/01', '05/01/2024', '2024/01/05 25:00', 'yesterday']) assert.equal(tokyo(bad), undefined, bad);
});

test('wall-clock times across a daylight-saving change', () => {
  const ny = (s: string) => parseInstant(s, 'America/New_York')?.toISOString();
  assert.equal(ny('2024-01-15 12:00'), '2024-01-15T17:00:00.000Z');
  assert.equal(ny('2024-07-15 12:00'), '2024-07-15T16:00:00.000Z');
  assert.equal(ny('2024-03-10 03:30'), '2024-03-10T07:30:00.000Z');
});

test('calendar dates, amounts, integers and yes/no', () => {
  assert.equal(parseCalendarDate('1990年4月1日'), '1990-04-01');
  assert.equal(parseCalendarDate('1990/4/1 0:00'), '1990-04-01');
  assert.equal(parseDecimal('¥1,980'), 1980);
  assert.equal(parseDecimal('1,980円'), 1980);
  assert.equal(parseDecimal('△500'), -500);
  assert.equal(parseDecimal('12.50'), 12.5);
  assert.equal(parseDecimal('12,5x'), undefined);
  assert.equal(parseInteger('-2'), -2);
  assert.equal(parseInteger('1.5'), undefined);
  assert.equal(parseFlag('希望する'), true);
  assert.equal(parseFlag('×'), false);
  assert.equal(parseFlag('maybe'), undefined);
});

const specs = [
  { key: 'externalId', aliases: ['顧客ID', 'customer_id'] },
  { key: 'familyNameKana', aliases: ['姓カナ'] },
  { key: 'familyName', aliases: ['姓'] },
  { key: 'total', aliases: ['金額', 'total'] },
  { key: 'unitPrice', aliases: ['単価'] },
];

test('headers match across width, case, spacing and brackets; the rest are extras', () => {
  const map = mapHeader(['ＣＵＳＴＯＭＥＲ ＩＤ', '姓（カナ）', '姓(漢字)', '金額(税込)', 'ランク'], specs, [['externalId'], ['total', 'unitPrice']]);
  assert.deepEqual(Object.fromEntries(map.fields), { externalId: 0, familyNameKana: 1, familyName: 2, total: 3 });
  assert.deepEqual(map.extras, [4]);
});

test('a missing required column is named before any row is read; so is a duplicate', () => {
  assert.throws(
    () => mapHeader(['氏名', '単価'], specs, [['externalId'], ['total', 'unitPrice']]),
    (err: unknown) => err instanceof ValidationError && err.issues.length === 1 && err.issues[0]!.message === 'missing required column 顧客ID (customer_id)',
  );
  assert.throws(
    () => mapHeader(['顧客ID', 'customer_id', '金額'], specs, [['externalId']]),
    (err: unknown) => err instanceof ValidationError && /means the same as column "顧客ID"/.test(err.issues[0]!.message),
  );
});

async function records(text: string) {
  const out = [];
  async function* source() {
    yield text;
  }
  for await (const r of readRecords(source())) out.push(r);
  return out;
}

test('records carry the physical line they start on, quoted line breaks included', async () => {
  const got = await records('a,b\r\n1,"x\r\ny"\r\n\r\n2,3\r\n"q\nr\ns",4\r\n,\r\n5,6');
  assert.deepEqual(
    got.map((r) => [r.line, r.cells[0]]),
    [
      [1, 'a'],
      [2, '1'],
      [5, '2'],
      [6, 'q\nr\ns'],
      [10, '5'],
    ],
  );
});

test('a CSV syntax error names the line of the broken record', async () => {
  await assert.rejects(records('a,b\n1,2\n3,"open\n4,5\n'), (err: unknown) => err instanceof ValidationError && err.issues[0]!.line === 3);
});
