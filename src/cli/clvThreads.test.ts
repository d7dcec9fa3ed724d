import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { ClvHelper } from './clvThreads.ts';
import { readSummaryCsv } from '../analytics/io/summaryCsv.ts';
import { RowFormatter, cacheSlots, sliceRows } from '../analytics/io/predictionsCsv.ts';
import { fitGammaGamma, gammaGammaConditionalExpectedValues } from '../analytics/models/gammagamma.ts';
import type { GammaGammaParams } from '../analytics/models/gammagamma.ts';
import { MODEL_FIXTURES_DIR } from '../analytics/models/testData.ts';

test('the helper thread fits Gamma-Gamma, computes expected spend and formats rows exactly as this thread does', async (t) => {
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
    const rows = {
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
    const here = Buffer.from(new RowFormatter(rows).format(100, n)).toString();
    const there = await helper.formatRows(sliceRows(rows, 100, n));
    assert.equal(Buffer.from(there).toString(), here);
  } finally {
    await helper.close();
  }
});
