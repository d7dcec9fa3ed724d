import { test } from 'node:test';
import assert from 'node:assert/strict';
import { scanCsvNumbers, type CsvNumbers } from './csvBytes.ts';
import { CHUNK_BYTES, claimChunks, scanChunk, scanCsvNumbersShared, type ChunkJob } from './csvChunks.ts';

/** A file of a few chunks in shared memory, as readInputFile(…, { shared: true }) gives it. */
function sharedCsv(text: string): Buffer {
  const bytes = Buffer.from(new SharedArrayBuffer(Buffer.byteLength(text)));
  bytes.write(text);
  return bytes;
}

function summaryText(rows: number, extra: (i: number) => string = () => ''): string {
  const lines = ['id,frequency,recency,T,monetary_value'];
  for (let i = 0; i < rows; i++) lines.push(`c${i},${i % 7},${(i % 7) * 3},${100 + (i % 50)},${((i * 37) % 1000) / 100}${extra(i)}`);
  return `${lines.join('\n')}\n`;
}

const columns = (header: string[]) => ['frequency', 'recency', 'T', 'monetary_value'].map((c) => header.indexOf(c));

function plain(scan: CsvNumbers) {
  return { ...scan, start: [...scan.start], end: [...scan.end], short: [...scan.short], line: [...scan.line], values: scan.values.map((v) => [...v]) };
}

/** The other thread's share, taken here in a later turn (so this thread claims first, as a late helper would let it). */
const later = (job: ChunkJob) => new Promise<ReturnType<typeof claimChunks>>((resolve) => setImmediate(() => resolve(claimChunks(job))));

test('a scan shared between threads equals the one-thread scan: records, values and line numbers (empty lines and CRLF included)', async () => {
  const text = summaryText(200_000).replace(/\nc5000,/, '\n\n\r\nc5000,').replace(/\nc90000,/g, '\r\nc90000,');
  assert.ok(text.length > 3 * CHUNK_BYTES);
  const bytes = sharedCsv(text);
  let theirs: number[] = [];
  const shared = await scanCsvNumbersShared(bytes, 'in.csv', columns, () => assert.fail('no bad cell'), async (job) => {
    const first = scanChunk(job, Atomics.add(job.counter, 0, 1)); // the helper claims before this thread starts
    const rest = await later(job); // and finds nothing left afterwards
    theirs = [first, ...rest].map((s) => s.chunk);
    return [first, ...rest];
  });
  assert.deepEqual(theirs, [0]);
  const alone = scanCsvNumbers(bytes, 'in.csv', columns, () => assert.fail('no bad cell'));
  assert.deepEqual(plain(shared), plain(alone));
  assert.equal(shared.count, 200_000);
  assert.equal(shared.line[5000], 5004); // header, 5000 records, then two empty lines
});

test('a file with quotes, or a record of another kind, is scanned on one thread with the same result and its errors', async () => {
  const quoted = summaryText(200_000, (i) => (i === 150_000 ? ',"a note"' : ''));
  const unusual = summaryText(200_000).replace('\nc150000,', '\nc150000,1e1,').replace(/\nc150001,\d+,/, '\nc150001,x,');
  for (const text of [quoted, unusual]) {
    const bytes = sharedCsv(text);
    const bad: number[] = [];
    const shared = await scanCsvNumbersShared(bytes, 'in.csv', columns, (record) => bad.push(record), later);
    const alone = scanCsvNumbers(bytes, 'in.csv', columns, () => {});
    assert.deepEqual(plain(shared), plain(alone));
    assert.deepEqual(bad, text === unusual ? [150_001] : []);
  }
});

test('a chunk holds as many records as line ends: a bare CR ends one, and the last may have none', async () => {
  for (const text of [summaryText(200_000), summaryText(200_000).replace(/\nc7000,/, '\rc7000,').replace(/\nc130000,/, '\rc130000,').slice(0, -1)]) {
    const bytes = sharedCsv(text);
    const shared = await scanCsvNumbersShared(bytes, 'in.csv', columns, () => assert.fail('no bad cell'), later);
    // records and values alike (line numbers after a bare CR differ between the two scans, as they did before chunks had exact slots)
    const alone = scanCsvNumbers(bytes, 'in.csv', columns, () => assert.fail('no bad cell'));
    assert.deepEqual({ ...plain(shared), line: [] }, { ...plain(alone), line: [] });
    assert.equal(shared.count, 200_000);
  }
});
