import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CsvFileWriter, csvCell, formatNumber } from './csvWriter.ts';
import { createRng } from '../random.ts';

const format = (v: number): string => {
  const out = Buffer.alloc(64);
  return out.toString('latin1', 0, formatNumber(v, out, 0, new Uint8Array(24)));
};

describe('CSV writer', () => {
  let dir = '';
  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'kizuna-writer-'));
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  test('numbers: 12 significant digits, plain decimals, no trailing zeros; extremes as String()', () => {
    const cases: [number, string][] = [
      [0, '0'],
      [1, '1'],
      [-2.5, '-2.5'],
      [1.226, '1.226'],
      [2 / 3, '0.666666666667'],
      [0.1 + 0.2, '0.3'],
      [123456789012345, '123456789012000'],
      [99999999999999.98, '100000000000000'],
      [0.000123, '0.000123'],
      [1e-7, '0.0000001'],
      [1e-30, '1e-30'],
      [2e15, '2000000000000000'],
      [NaN, 'NaN'],
    ];
    for (const [v, want] of cases) assert.equal(format(v), want, String(v));
  });

  test('numbers read back within 5e-12 relative over many magnitudes', () => {
    const rng = createRng(5);
    let worst = 0;
    for (let i = 0; i < 100_000; i++) {
      const v = Math.exp((rng.next() - 0.5) * 60) * (rng.next() < 0.2 ? -1 : 1);
      worst = Math.max(worst, Math.abs(Number(format(v)) - v) / Math.abs(v));
    }
    assert.ok(worst < 5e-12, `worst ${worst}`);
  });

  test('cells are quoted as csv-stringify does', () => {
    assert.deepEqual(['a', 'a,b', 'say "hi"', 'x\ny', ' s '].map(csvCell), ['a', '"a,b"', '"say ""hi"""', '"x\ny"', ' s ']);
  });

  test('the file appears under its name only when complete; an abort leaves nothing', () => {
    const path = join(dir, 'out.csv');
    const w = new CsvFileWriter(path, 64);
    w.text('a,b\n');
    for (let i = 0; i < 100; i++) {
      w.number(i / 8);
      w.byte(10);
    }
    assert.equal(existsSync(path), false);
    w.close();
    const lines = readFileSync(path, 'utf8').split('\n');
    assert.equal(lines[0], 'a,b');
    assert.equal(lines[100], '12.375');
    const aborted = new CsvFileWriter(join(dir, 'gone.csv'), 64);
    aborted.text('x'.repeat(200));
    aborted.abort();
    assert.deepEqual(readdirSync(dir), ['out.csv']);
  });
});
