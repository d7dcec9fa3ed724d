import { pipeline } from 'node:stream/promises';
import { Readable } from 'node:stream';
import type pg from 'pg';
import { from as copyFrom, to as copyTo } from 'pg-copy-streams';

/**
 * COPY in PostgreSQL's text format, for the million-row moves of a scoring run: one round trip,
 * no per-row protocol overhead, and rows parsed straight into the caller's typed arrays.
 */

/** Runs `COPY (…) TO STDOUT` and calls `onRow` with the raw fields of each row (`\N` is null). */
export async function copyOut(client: pg.PoolClient, sql: string, onRow: (fields: string[]) => void): Promise<void> {
  const stream = client.query(copyTo(`COPY (${sql}) TO STDOUT`));
  let rest = '';
  for await (const chunk of stream as AsyncIterable<Buffer>) {
    const text = rest + chunk.toString('utf8');
    let start = 0;
    for (let nl = text.indexOf('\n'); nl >= 0; nl = text.indexOf('\n', start)) {
      onRow(text.slice(start, nl).split('\t'));
      start = nl + 1;
    }
    rest = text.slice(start);
  }
}

/** Streams rows (already in text format, one line each, no trailing newline) into `COPY table FROM STDIN`. */
export async function copyIn(client: pg.PoolClient, table: string, rows: Iterable<string>): Promise<void> {
  const lines = function* () {
    let batch: string[] = [];
    for (const row of rows) {
      batch.push(row);
      if (batch.length === 2000) {
        yield `${batch.join('\n')}\n`;
        batch = [];
      }
    }
    if (batch.length > 0) yield `${batch.join('\n')}\n`;
  };
  await pipeline(Readable.from(lines()), client.query(copyFrom(`COPY ${table} FROM STDIN`)));
}

