/**
 * The helper thread of `kizuna predict` on large inputs (clvThreads.ts starts it): scans chunks of
 * the input while the main thread scans the others, fits the
 * Gamma-Gamma spend model (estimates only: predict needs no standard errors) and each customer's expected spend while the main thread fits the purchase model,
 * then formats and writes chunks of the output rows. Each message is one task; each answer is { ok } or { error }.
 */
import { parentPort } from 'node:worker_threads';
import { fitGammaGamma, gammaGammaConditionalExpectedValues } from '../analytics/models/gammagamma.ts';
import type { GammaGammaParams } from '../analytics/models/gammagamma.ts';
import { blockUntilPlaced, writeChunks } from '../analytics/io/predictionsCsv.ts';
import { claimChunks } from '../analytics/io/csvChunks.ts';
import type { ClvTask } from './clvThreads.ts';

const port = parentPort!;
port.on('message', async (task: ClvTask) => {
  try {
    if (task.task === 'scanChunks') {
      port.postMessage({ ok: claimChunks(task.job) }); // the records themselves are in the job's shared arrays
    } else if (task.task === 'fitSpend') {
      const fit = fitGammaGamma({ frequency: task.frequency, monetaryValue: task.monetaryValue }, { standardErrors: false });
      // each customer's expected spend too, while the main thread still fits the purchase model; in shared memory,
      // as this thread later reads it again to format rows
      const shared = new Float64Array(new SharedArrayBuffer(8 * task.frequency.length));
      const expectedValue = gammaGammaConditionalExpectedValues(fit.params as unknown as GammaGammaParams, task.frequency, task.monetaryValue, shared);
      port.postMessage({ ok: { fit, expectedValue } });
    } else {
      port.postMessage({ ok: await writeChunks(task.job, blockUntilPlaced) });
    }
  } catch (err) {
    port.postMessage({ error: err instanceof Error ? err.message : String(err) });
  }
});
