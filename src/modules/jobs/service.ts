import type { Queryable } from '../../db/database.ts';
import { newId } from '../../db/ids.ts';
import { camelRow, type RowOf } from '../../kernel/rowMapper.ts';
import { WORK_CHANNEL } from './wake.ts';

export interface JobInput {
  kind: string;
  payload?: Record<string, unknown>;
  /** Enqueueing again with the same key (per workspace) is a no-op, even after the job ran. */
  dedupeKey?: string;
  runAt?: Date;
  maxAttempts?: number;
}

export interface Job {
  workspaceId: string;
  id: string;
  kind: string;
  payload: Record<string, unknown>;
  dedupeKey: string | null;
  runAt: Date;
  attempts: number;
  maxAttempts: number;
  lastError: string | null;
}

const toJob = camelRow<Job>()('workspace_id id kind payload dedupe_key run_at attempts max_attempts last_error');

/** Retry delay after the n-th failed attempt: 30 s, 1 min, 2 min, … capped at an hour. */
export function backoffMs(attempts: number): number {
  return Math.min(3_600_000, 30_000 * 2 ** Math.max(0, attempts - 1));
}

/** A job queue in PostgreSQL (table `jobs`). */
export class JobService {
  constructor(private readonly db: Queryable) {}

  /**
   * Returns the new job's id, or null when a job with the same dedupe key exists. A new job wakes
   * the workers (wake.ts) in the same statement, so it is never queued without the signal.
   */
  async enqueue(workspaceId: string, input: JobInput, q: Queryable = this.db): Promise<string | null> {
    const { rows } = await q.query<{ id: string }>(
      `WITH ins AS (
         INSERT INTO jobs (workspace_id, id, kind, payload, dedupe_key, run_at, max_attempts)
         VALUES ($1, $2, $3, $4, $5, coalesce($6, now()), $7)
         ON CONFLICT (workspace_id, dedupe_key) WHERE dedupe_key IS NOT NULL DO NOTHING RETURNING id)
       SELECT id, pg_notify($8, $3) FROM ins`,
      [workspaceId, newId(), input.kind, JSON.stringify(input.payload ?? {}), input.dedupeKey ?? null, input.runAt ?? null, input.maxAttempts ?? 5, WORK_CHANNEL],
    );
    return rows[0]?.id ?? null;
  }

  /** Whether a job of `kind` is waiting or running in the workspace (not completed, not given up). */
  async pending(workspaceId: string, kind: string): Promise<boolean> {
    const { rows } = await this.db.query('SELECT 1 FROM jobs WHERE workspace_id = $1 AND kind = $2 AND completed_at IS NULL AND failed_at IS NULL LIMIT 1', [
      workspaceId,
      kind,
    ]);
    return rows.length > 0;
  }

  /** The heartbeat of a running job: keeps its claim for another `lockMs`, while `worker` still holds it. */
  async extend(job: Job, worker: string, lockMs: number): Promise<void> {
    await this.db.query(
      `UPDATE jobs SET locked_until = now() + make_interval(secs => $4::float8 / 1000)
       WHERE workspace_id = $1 AND id = $2 AND locked_by = $3 AND completed_at IS NULL`,
      [job.workspaceId, job.id, worker, lockMs],
    );
  }

  /**
   * Takes up to `limit` due jobs for `worker` and locks them for `lockMs`. SKIP LOCKED: concurrent
   * claimers pass over each other's rows instead of waiting, and never get the same job.
   */
  async claim(worker: string, options: { limit?: number; lockMs?: number; kinds?: string[] } = {}): Promise<Job[]> {
    const { rows } = await this.db.query<RowOf<typeof toJob>>(
      `UPDATE jobs j SET locked_until = now() + make_interval(secs => $2::float8 / 1000), locked_by = $1, attempts = j.attempts + 1
       FROM (SELECT workspace_id, id FROM jobs
             WHERE completed_at IS NULL AND failed_at IS NULL AND run_at <= now() AND (locked_until IS NULL OR locked_until < now())
               AND ($4::text[] IS NULL OR kind = ANY($4))
             ORDER BY run_at LIMIT $3 FOR UPDATE SKIP LOCKED) due
       WHERE j.workspace_id = due.workspace_id AND j.id = due.id
       RETURNING j.*`,
      [worker, options.lockMs ?? 15 * 60_000, options.limit ?? 1, options.kinds ?? null],
    );
    return rows.map(toJob);
  }

  async complete(job: Job, worker: string): Promise<void> {
    await this.db.query(`UPDATE jobs SET completed_at = now(), locked_until = NULL WHERE workspace_id = $1 AND id = $2 AND locked_by = $3`, [
      job.workspaceId,
      job.id,
      worker,
    ]);
  }

  /**
   * Gives a claimed job back unfinished (its worker is stopping): due again at once for another
   * worker, and the interrupted run does not count as an attempt. Clearing `locked_by` also turns
   * this worker's heartbeat, completion and failure for the job into no-ops.
   */
  async release(job: Job, worker: string): Promise<boolean> {
    const { rowCount } = await this.db.query(
      `UPDATE jobs SET locked_until = NULL, locked_by = NULL, attempts = greatest(attempts - 1, 0)
       WHERE workspace_id = $1 AND id = $2 AND locked_by = $3 AND completed_at IS NULL AND failed_at IS NULL`,
      [job.workspaceId, job.id, worker],
    );
    return (rowCount ?? 0) > 0;
  }

  /** Records the error; the job runs again after a backoff, or is given up after its last attempt. */
  async fail(job: Job, worker: string, error: string): Promise<'retry' | 'failed'> {
    const final = job.attempts >= job.maxAttempts;
    await this.db.query(
      `UPDATE jobs SET last_error = $4, locked_until = NULL,
         failed_at = CASE WHEN $5 THEN now() END, run_at = CASE WHEN $5 THEN run_at ELSE now() + make_interval(secs => $6::float8 / 1000) END
       WHERE workspace_id = $1 AND id = $2 AND locked_by = $3`,
      [job.workspaceId, job.id, worker, error.slice(0, 2000), final, backoffMs(job.attempts)],
    );
    return final ? 'failed' : 'retry';
  }

  async get(workspaceId: string, id: string): Promise<(Job & { completedAt: Date | null; failedAt: Date | null }) | null> {
    const { rows } = await this.db.query<RowOf<typeof toJob> & { completed_at: Date | null; failed_at: Date | null }>('SELECT * FROM jobs WHERE workspace_id = $1 AND id = $2', [workspaceId, id]);
    const r = rows[0];
    if (!r) return null;
    return { ...toJob(r), completedAt: r.completed_at, failedAt: r.failed_at };
  }
}
