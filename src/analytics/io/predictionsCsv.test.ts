import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readSummaryCsv } from './summaryCsv.ts';
import { cacheSlots, writePredictionsCsv } from './predictionsCsv.ts';

test('each input record is copied unchanged, cut or padded to the header, then its pattern and row values', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'kizuna-pred-'));
  try {
    const input = join(dir, 'in.csv');
    writeFileSync(input, 'id,frequency,recency,T,"a,note"\r\n"x,1",2,3,10,"q ""z"""\r\ny,0,0,9\r\nw,2,3,10,n,extra\r\n');
    const s = readSummaryCsv(input);
    const out = join(dir, 'out.csv');
    await writePredictionsCsv(out, s.records, {
      patternOf: Uint32Array.from([0, 1, 0]),
      expected: Float64Array.from([1.25, 0.5]),
      pAlive: Float64Array.from([0.75, 1]),
      value: { expectedValue: Float64Array.from([10, 20, 30]), det: Float64Array.from([1.25, 0.25]), margin: 1 },
    });
    assert.equal(
      readFileSync(out, 'utf8'),
      'id,frequency,recency,T,"a,note",expected_purchases,p_alive,expected_avg_value,clv\n' +
        '"x,1",2,3,10,"q ""z""",1.25,0.75,10,12.5\n' +
        'y,0,0,9,,0.5,1,20,5\n' +
        'w,2,3,10,n,1.25,0.75,30,37.5\n',
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('a pattern whose rows share one expected value and CLV is formatted once, with the same text as row by row', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'kizuna-pred-'));
  try {
    const input = join(dir, 'in.csv');
    writeFileSync(input, 'id,frequency,recency,T\na,0,0,9\nb,2,3,10\nc,0,0,9\nd,2,3,10\ne,0,0,9\n');
    const s = readSummaryCsv(input);
    const out = join(dir, 'out.csv');
    const columns = {
      patternOf: Uint32Array.from([0, 1, 0, 1, 0]),
      expected: Float64Array.from([0.1, 2 / 3]),
      pAlive: Float64Array.from([1, 0.25]),
      // pattern 0: the same values on every row (formatted once); pattern 1: rows differ
      value: { expectedValue: Float64Array.from([35.5, 20, 35.5, 20.5, 35.5]), det: Float64Array.from([1 / 213, 0.125]), margin: 2 },
    };
    await writePredictionsCsv(out, s.records, columns);
    assert.equal(
      readFileSync(out, 'utf8'),
      'id,frequency,recency,T,expected_purchases,p_alive,expected_avg_value,clv\n' +
        'a,0,0,9,0.1,1,35.5,0.333333333333\n' +
        'b,2,3,10,0.666666666667,0.25,20,5\n' +
        'c,0,0,9,0.1,1,35.5,0.333333333333\n' +
        'd,2,3,10,0.666666666667,0.25,20.5,5.125\n' +
        'e,0,0,9,0.1,1,35.5,0.333333333333\n',
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('only patterns of several rows get a slot in the text cache', () => {
  assert.deepEqual(cacheSlots(Uint32Array.from([0, 1, 0, 3, 3, 3]), 4), { slot: Int32Array.from([0, -1, -1, 1]), slots: 2 });
  assert.deepEqual(cacheSlots(new Uint32Array(0), 0), { slot: new Int32Array(0), slots: 0 });
});
