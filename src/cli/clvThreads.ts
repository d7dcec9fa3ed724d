/**
 * A second thread for `kizuna predict` on large inputs: the machine's second core scans part of the
 * input, fits the spend model (and each customer's expected spend), then formats and writes chunks of the output while this thread does the others. Started before the input
 * is read, so its start-up overlaps the parsing. From dist/ it runs the bundled dist/cli/clvWorker.js,
 * from src/ the TypeScript through tsx, as bin/kizuna.js does for the CLI.
 */
import { Worker } from 'node:worker_threads';
import { availableParallelism } from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import type { FitResult } from '../analytics/models/mle.ts';
import type { WriteJob } from '../analytics/io/predictionsCsv.ts';
import type { ChunkJob, ChunkScan } from '../analytics/io/csvChunks.ts';
import { PROJECT_ROOT } from '../kernel/projectRoot.ts';

export type ClvTask =
  | { task: 'scanChunks'; job: ChunkJob }
  | { task: 'fitSpend'; frequency: Float64Array; monetaryValue: Float64Array }
  | { task: 'writeRows'; job: WriteJob };

/** Inputs smaller than this (bytes) are done on one thread: starting a worker costs more than it saves. */
export const HELPER_MIN_INPUT_BYTES = 4 << 20;

export class ClvHelper {
  private readonly worker: Worker;
  private readonly waiting: { resolve: (v: unknown) => void; reject: (e: Error) => void }[] = [];
  private failed: Error | undefined;

  private constructor() {
    if (import.meta.url.includes('/dist/')) this.worker = new Worker(path.join(PROJECT_ROOT, 'dist/cli/clvWorker.js'));
    else {
      // from src/: register tsx in the thread first, as bin/kizuna.js does (a Worker's --import does not reach its entry file)
      const entry = pathToFileURL(path.join(PROJECT_ROOT, 'src/cli/clvWorker.ts')).href;
      const tsx = import.meta.resolve('tsx/esm/api');
      this.worker = new Worker(`import(${JSON.stringify(tsx)}).then((m) => { m.register(); return import(${JSON.stringify(entry)}); });`, { eval: true });
    }
    this.worker.on('message', (m: { ok?: unknown; error?: string }) => {
      const w = this.waiting.shift()!;
      if (m.error !== undefined) w.reject(new Error(m.error));
      else w.resolve(m.ok);
    });
    this.worker.on('error', (err) => this.fail(err));
    this.worker.on('exit', (code) => this.fail(new Error(`the helper thread exited (${code})`)));
  }

  /** A helper when the machine has a second core, else undefined (everything then runs here). */
  static start(): ClvHelper | undefined {
    return availableParallelism() > 1 ? new ClvHelper() : undefined;
  }

  private fail(err: Error): void {
    this.failed ??= err;
    for (const w of this.waiting.splice(0)) w.reject(err);
  }

  private run<T>(task: ClvTask, transfer: ArrayBuffer[] = []): Promise<T> {
    if (this.failed) return Promise.reject(this.failed);
    return new Promise<T>((resolve, reject) => {
      this.waiting.push({ resolve: resolve as (v: unknown) => void, reject });
      this.worker.postMessage(task, transfer);
    });
  }

  /** Takes chunks of the input's scan until none is left (csvChunks.ts). */
  scanChunks(job: ChunkJob): Promise<ChunkScan[]> {
    return this.run({ task: 'scanChunks', job });
  }

  /** The Gamma-Gamma fit and, by its estimates, each customer's conditional expected spend. */
  fitSpend(frequency: Float64Array, monetaryValue: Float64Array): Promise<{ fit: FitResult<string>; expectedValue: Float64Array }> {
    return this.run({ task: 'fitSpend', frequency, monetaryValue });
  }

  /** Takes chunks of the output rows, formats and writes them, until none is left (predictionsCsv.ts); resolves to the chunks it wrote. */
  writeRows(job: WriteJob): Promise<number> {
    return this.run({ task: 'writeRows', job });
  }

  async close(): Promise<void> {
    this.failed ??= new Error('closed');
    await this.worker.terminate();
  }
}
