import type { Db } from '../../db/database.ts';
import { creditEach, debitEach, debitResult, type Credit, type Debit, type DebitOutcome, type LedgerEntry } from './ledger.ts';

/** At most this many operations share a call: bounds one statement's locks and arrays. */
const MAX_BATCH = 64;

interface Waiting<T, R> {
  item: T;
  resolve: (r: R) => void;
  reject: (e: unknown) => void;
}

/**
 * Group commit per workspace: an operation is written at once while fewer than `maxInFlight` calls
 * of its workspace are running, else it waits and goes with the others that arrived meanwhile in
 * the next call (one statement, so one transaction and one commit). Each caller is answered after
 * that commit with its own result. A call that fails is retried one operation at a time, so a bad
 * operation fails only its own caller.
 */
class Batcher<T, R> {
  private readonly queues = new Map<string, { waiting: Waiting<T, R>[]; inFlight: number }>();

  constructor(
    private readonly write: (workspaceId: string, items: T[]) => Promise<R[]>,
    private readonly maxInFlight: number,
  ) {}

  add(workspaceId: string, item: T): Promise<R> {
    return new Promise((resolve, reject) => {
      let queue = this.queues.get(workspaceId);
      if (!queue) this.queues.set(workspaceId, (queue = { waiting: [], inFlight: 0 }));
      queue.waiting.push({ item, resolve, reject });
      this.pump(workspaceId, queue);
    });
  }

  private pump(workspaceId: string, queue: { waiting: Waiting<T, R>[]; inFlight: number }): void {
    while (queue.waiting.length > 0 && queue.inFlight < this.maxInFlight) {
      const batch = queue.waiting.splice(0, MAX_BATCH);
      queue.inFlight++;
      void this.flush(workspaceId, batch).finally(() => {
        queue.inFlight--;
        if (queue.inFlight === 0 && queue.waiting.length === 0) this.queues.delete(workspaceId);
        else this.pump(workspaceId, queue);
      });
    }
  }

  private async flush(workspaceId: string, batch: Waiting<T, R>[]): Promise<void> {
    if (batch.length > 1) {
      try {
        const results = await this.write(workspaceId, batch.map((w) => w.item));
        batch.forEach((w, i) => w.resolve(results[i]!));
        return;
      } catch {
        // Each operation again on its own, below. Usually nothing was committed; if the connection
        // was lost after the commit, the keys make the retries replays, never second writes.
      }
    }
    // One after another: arrival order per customer holds (which debit a short balance refuses),
    // and a failed batch does not take every pooled connection at once.
    for (const w of batch) {
      try {
        w.resolve((await this.write(workspaceId, [w.item]))[0]!);
      } catch (err) {
        w.reject(err);
      }
    }
  }
}

/**
 * Single ledger operations from concurrent callers (HTTP requests, the benchmark's clients), written
 * by group commit: concurrent credits share one `points_credit` call, debits one `points_debit_each`
 * call, which costs the database far less per operation than a statement and a commit each. For
 * operations outside a caller's transaction; inside one, use ledger.ts directly.
 */
export class LedgerWriter {
  private readonly credits: Batcher<Credit & { now: Date }, LedgerEntry | null>;
  private readonly debits: Batcher<Debit & { now: Date }, DebitOutcome>;

  constructor(db: Db, maxInFlight = 2) {
    this.credits = new Batcher((ws, items) => creditEach(db, ws, items), maxInFlight);
    this.debits = new Batcher((ws, items) => debitEach(db, ws, items), maxInFlight);
  }

  /** The entry written, or null when the credit's key already existed. */
  credit(workspaceId: string, c: Credit, now: Date): Promise<LedgerEntry | null> {
    return this.credits.add(workspaceId, { ...c, now });
  }

  /** As ledger.ts `debit`: a short balance is a ConflictError, a repeated key returns the earlier entry. */
  async debit(workspaceId: string, d: Debit, now: Date): Promise<{ entry: LedgerEntry; replayed: boolean }> {
    return debitResult(d, await this.debits.add(workspaceId, { ...d, now }));
  }
}
