import { test } from 'node:test';
import { closeSync, mkdtempSync, openSync, readFileSync, rmSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { ClvHelper } from './clvThreads.ts';
import { readSummaryCsv } from '../analytics/io/summaryCsv.ts';
import { awaitPlaced, cacheSlots, writeChunks, writeJob } from '../analytics/io/predictionsCsv.ts';
import type { PredictionRows, WriteJob } from '../analytics/io/predictionsCsv.ts';
import { fitGammaGamma, gammaGammaConditionalExpectedValues } from '../analytics/models/gammagamma.ts';
import type { GammaGammaParams } from '../analytics/models/gammagamma.ts';
import { MODEL_FIXTURES_DIR } from '../analytics/models/testData.ts';

test('the helper thread fits Gamma-Gamma, computes expected spend, and formats and writes rows with this thread exactly as this thread alone', async (t) => {
  const helper = ClvHelper.start();
  if (!helper) return t.skip('one core: predict runs on one thread');
  try {
    const s = readSummaryCsv(join(MODEL_FIXTURES_DIR, 'cdnow_customers_summary_with_transactions.csv'), { monetary: true });
    const { fit, expectedValue } = await helper.fitSpend(s.frequency, s.monetaryValue!);
    assert.deepEqual(fit, fitGammaGamma({ frequency: s.frequency, monetaryValue: s.monetaryValue! }, { standardErrors: false }));
    assert.deepEqual(expectedValue, gammaGammaConditionalExpectedValues(fit.params as unknown as GammaGammaParams, s.frequency, s.monetaryValue!));
    const n = s.records.count;
    // patterns of one row each, and of several (every tenth row in pattern 0)
    const patternOf = Uint32Array.from({ length: n }, (_, i) => (i % 10 === 0 ? 0 : i));
    const rows: PredictionRows = {
      bytes: s.records.bytes,
      start: s.records.start,
      end: s.records.end,
      short: s.records.short,
      patternOf,
      expected: Float64Array.from({ length: n }, (_, i) => i / 7),
      pAlive: Float64Array.from({ length: n }, (_, i) => 1 / (i + 1)),
      ...cacheSlots(patternOf, n),
      expectedValue: s.monetaryValue!,
      det: Float64Array.from({ length: n }, (_, i) => 1 + i / 3),
      margin: 1.5,
    };
    const dir = mkdtempSync(join(tmpdir(), 'kizuna-threads-'));
    try {
      // chunks of 16 rows: the two threads take turns many times; the file must be the one this thread writes alone
      const write = async (file: string, elsewhere?: (job: WriteJob) => Promise<number>): Promise<string> => {
        const fd = openSync(file, 'w');
        writeSync(fd, 'header\n');
        const job = writeJob(rows, fd, 'header\n'.length, 16);
        const theirs = elsewhere?.(job);
        const mine = await writeChunks(job, theirs ? awaitPlaced(theirs) : () => {});
        assert.equal(mine + ((await theirs) ?? 0), Math.ceil(n / 16));
        closeSync(fd);
        return readFileSync(file, 'latin1');
      };
      const alone = await write(join(dir, 'alone.csv'));
      assert.equal(alone.split('\n').length, n + 2);
      assert.equal(await write(join(dir, 'helped.csv'), (job) => helper.writeRows(job)), alone);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  } finally {
    await helper.close();
  }
});
