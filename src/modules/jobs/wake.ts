import pg from 'pg';
import type { Queryable } from '../../db/database.ts';

/**
 * Waking the workers: whoever queues work sends a PostgreSQL NOTIFY on this channel, and every
 * worker LISTENs, so work starts within milliseconds instead of at the next tick. Inside a
 * transaction the notification goes out at COMMIT (never for a rolled-back write). The workers
 * keep a slow tick as well: notifications are not stored, so one sent while no worker listened
 * is made up for by the tick.
 */
export const WORK_CHANNEL = 'kizuna_work';

/** `what` is a job kind (a job was enqueued) or a module name (it has work due: check the schedule). */
export async function wakeWorkers(q: Queryable, what: string): Promise<void> {
  await q.query('SELECT pg_notify($1, $2)', [WORK_CHANNEL, what]);
}

export interface WorkListener {
  close(): Promise<void>;
}

/**
 * Listens on its own connection (a pooled one would be handed to other queries) and reconnects
 * after a second when the connection is lost, e.g. while the database restarts.
 */
export function listenForWork(url: string, onWork: (what: string) => void, onError: (err: Error) => void = () => {}): WorkListener {
  let client: pg.Client | undefined;
  let closed = false;
  let retry: NodeJS.Timeout | undefined;
  const open = async (): Promise<void> => {
    const c = new pg.Client({ connectionString: url });
    client = c;
    const reconnect = (err?: Error) => {
      if (closed || client !== c) return;
      client = undefined;
      if (err) onError(err);
      c.end().catch(() => {});
      retry = setTimeout(() => void open(), 1_000);
    };
    c.on('error', reconnect);
    c.on('end', () => reconnect());
    c.on('notification', (n) => onWork(n.payload ?? ''));
    try {
      await c.connect();
      await c.query(`LISTEN ${WORK_CHANNEL}`);
      // Work queued while we were not listening is found by checking once now.
      onWork('listening');
    } catch (err) {
      reconnect(err as Error);
    }
  };
  void open();
  return {
    async close() {
      closed = true;
      clearTimeout(retry);
      await client?.end().catch(() => {});
    },
  };
}
