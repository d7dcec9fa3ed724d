import { createWriteStream } from 'node:fs';
import { once } from 'node:events';
import { pipeline } from 'node:stream/promises';
import { stringify, type Stringifier } from 'csv-stringify';

/**
 * The error CSV of `--skip-invalid`: each rejected row with its original columns plus `line` and
 * `error`, so it can be fixed and imported again. UTF-8 with a BOM, which Excel opens correctly
 * whatever the input's encoding was. The file is created at the first reject only.
 */
export class RejectFile {
  private out?: { csv: Stringifier; done: Promise<void> };

  constructor(
    readonly path: string,
    private readonly header: string[],
  ) {}

  get written(): boolean {
    return this.out !== undefined;
  }

  async write(cells: string[], line: number, error: string): Promise<void> {
    if (!this.out) {
      const csv = stringify({ bom: true, record_delimiter: 'windows', escape_formulas: true });
      this.out = { csv, done: pipeline(csv, createWriteStream(this.path)) };
      csv.write([...this.header, 'line', 'error']);
    }
    const row = this.header.map((_, i) => cells[i] ?? '');
    if (!this.out.csv.write([...row, String(line), error])) await Promise.race([once(this.out.csv, 'drain'), this.out.done]);
  }

  async close(): Promise<void> {
    if (!this.out) return;
    this.out.csv.end();
    await this.out.done;
  }
}
