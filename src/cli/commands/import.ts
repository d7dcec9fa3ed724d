import { createReadStream, statSync } from 'node:fs';
import cliProgress from 'cli-progress';
import { Argument, Option, type Command } from 'commander';
import { NotFoundError, ValidationError } from '../../kernel/errors.ts';
import { ENCODINGS, type EncodingOption } from '../../modules/ingest/csv/encoding.ts';
import { importCsv, type ImportSummary } from '../../modules/ingest/csv/importer.ts';
import { favorMemoryOverSpeed } from '../../modules/ingest/csv/memory.ts';
import { IMPORT_KINDS, type ImportKind } from '../../modules/ingest/csv/kind.ts';
import { dataDirOption, resolveWorkspace, withServices, type DataDirOption } from '../context.ts';
import { cliIo, emit, exitCodeAtEnd } from '../output.ts';

interface ImportOptions extends DataDirOption {
  dryRun?: boolean;
  skipInvalid?: boolean;
  errorsOut?: string;
  encoding: EncodingOption;
  workspace?: string;
  json?: boolean;
}

export function register(program: Command): void {
  dataDirOption(
    program
      .command('import')
      .description('import a CSV file (UTF-8 or Shift_JIS, Japanese or English headers); see docs/import.md')
      .addArgument(new Argument('<kind>', 'what the file holds').choices(IMPORT_KINDS))
      .argument('<file>', 'the CSV file, or - for standard input')
      .option('--dry-run', 'validate everything, write nothing')
      .option('--skip-invalid', 'import the valid rows and write the rejected ones to an error CSV')
      .option('--errors-out <path>', 'where --skip-invalid writes rejected rows (default <file>.errors.csv)')
      .addOption(new Option('--encoding <encoding>', 'the file encoding').choices(ENCODINGS).default('auto'))
      .option('--workspace <id>', 'workspace id or name (env KIZUNA_WORKSPACE); optional when there is only one')
      .option('--json', 'print the summary as JSON'),
  ).action(async (kind: ImportKind, file: string, opts: ImportOptions) => {
    favorMemoryOverSpeed();
    const size = file === '-' ? undefined : fileSize(file);
    const summary = await withServices(opts, async (services) => {
      const workspaceId = await resolveWorkspace(services, opts.workspace ?? cliIo().env.KIZUNA_WORKSPACE);
      const bar = size !== undefined && cliIo().stderr.isTTY ? progressBar(size) : undefined;
      try {
        const input = file === '-' ? process.stdin : createReadStream(file);
        return await importCsv(services, countBytes(input, (n) => bar?.update(n)), {
          kind,
          workspaceId,
          encoding: opts.encoding,
          dryRun: opts.dryRun,
          skipInvalid: opts.skipInvalid,
          errorsOut: opts.errorsOut ?? (file === '-' ? `${kind}.errors.csv` : `${file}.errors.csv`),
        });
      } finally {
        bar?.stop();
      }
    });
    const rejected = summary.rejected > 0 && !opts.skipInvalid;
    if (rejected && !opts.json) {
      throw new ValidationError(
        `${summary.rejected} of ${summary.rows} rows are invalid; nothing was imported (use --skip-invalid to import the valid rows)`,
        summary.errors.map((e) => ({ path: e.column ? [e.column] : [], ...e })),
      );
    }
    emit(opts.json, summary, () => describe(file, summary));
    if (rejected) exitCodeAtEnd(2);
  });
}

function fileSize(file: string): number {
  try {
    return statSync(file).size;
  } catch {
    throw new NotFoundError(`cannot read ${file}`);
  }
}

async function* countBytes(input: AsyncIterable<Buffer>, onBytes: (total: number) => void): AsyncGenerator<Buffer> {
  let total = 0;
  for await (const chunk of input) {
    total += chunk.length;
    onBytes(total);
    yield chunk;
  }
}

function progressBar(size: number): cliProgress.SingleBar {
  const bar = new cliProgress.SingleBar(
    {
      stream: process.stderr,
      format: 'importing {bar} {percentage}% | {value}/{total} MB | ETA {eta_formatted}',
      formatValue: (v, _options, type) => (type === 'value' || type === 'total' ? (v / 1e6).toFixed(1) : String(v)),
      hideCursor: true,
    },
    cliProgress.Presets.shades_classic,
  );
  bar.start(size, 0);
  return bar;
}

const n = (value: number) => value.toLocaleString('en');

function describe(file: string, s: ImportSummary): string {
  const lines = [
    `${file} (${s.encoding}): ${n(s.rows)} rows, ${n(s.imported)} imported, ${n(s.rejected)} rejected`,
    `  ${s.kind}: ${n(s.created)} created, ${n(s.updated)} updated${s.duplicates ? `, ${n(s.duplicates)} already stored` : ''}`,
  ];
  for (const e of s.errors.slice(0, 10)) lines.push(`  line ${e.line}${e.column ? `, column ${e.column}` : ''}: ${e.message}`);
  if (s.errors.length > 10) lines.push(`  … ${n(s.rejected)} rejected rows in all`);
  if (s.errorFile) lines.push(`  rejected rows written to ${s.errorFile}`);
  if (s.dryRun) lines.push('  dry run: nothing was written');
  return lines.join('\n');
}
