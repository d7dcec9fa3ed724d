import { Readable, pipeline } from 'node:stream';
import { parse, CsvError, type Options } from 'csv-parse';
import { ValidationError } from '../../../kernel/errors.ts';

export interface CsvRecord {
  cells: string[];
  /** 1-based line of the file where the record starts (the header is line 1). */
  line: number;
}

const LINE_BREAKS = /\r\n|\r|\n/g;

/**
 * Streams records with the line each starts on. csv-parse's own line count treats the CR and LF
 * of a CRLF inside a quoted cell as two lines, so lines are counted here: one per record plus the
 * line breaks inside its cells. Blank lines (and rows of empty cells, as Excel leaves) are skipped.
 */
export async function* readRecords(text: AsyncIterable<string>): AsyncGenerator<CsvRecord> {
  // Counted in on_record, which runs in order as records are parsed: when a later record fails,
  // `line` is where it starts even though the records before it were never consumed.
  let line = 1;
  const options: Options = {
    relax_column_count: true,
    relax_quotes: true,
    // A quote left open would otherwise pull the rest of the file into one cell in memory.
    max_record_size: 1_000_000,
    on_record: (cells) => {
      const start = line;
      line += 1;
      let blank = true;
      for (const cell of cells) {
        if (cell === '') continue;
        blank = false;
        if (cell.includes('\n') || cell.includes('\r')) line += cell.match(LINE_BREAKS)!.length;
      }
      return blank ? null : Object.assign(cells, { line: start });
    },
  };
  const parser = parse(options);
  // Errors reach the loop below: pipeline destroys the parser with the source's error.
  pipeline(Readable.from(text), parser, () => {});
  try {
    for await (const cells of parser as AsyncIterable<string[] & { line: number }>) yield { cells, line: cells.line };
  } catch (err) {
    throw syntaxError(err, line);
  } finally {
    // A consumer that stops early (a bad header) must not leave the file open.
    parser.destroy();
  }
}

function syntaxError(err: unknown, line: number): unknown {
  if (!(err instanceof CsvError)) return err;
  // csv-parse's message carries its own (miscounted) line number; keep the reason only.
  const reason = err.message.replace(/\s*at line \d+.*$/s, '').replace(/:.*$/s, '');
  const message = `${reason} in the record starting here; the rest of the file cannot be read`;
  return new ValidationError(`CSV syntax error on line ${line}: ${reason}`, [{ path: [], line, message }]);
}
