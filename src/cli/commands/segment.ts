import { createWriteStream, readFileSync } from 'node:fs';
import { pipeline } from 'node:stream/promises';
import { Readable } from 'node:stream';
import type { Command } from 'commander';
import { NotFoundError, ValidationError } from '../../kernel/errors.ts';
import { instantFlag } from '../asOf.ts';
import { parseJsonText } from '../../modules/segments/ruleJson.ts';
import { AUDIENCE_FORMATS, type AudienceFormat } from '../../modules/segments/index.ts';
import { dataDirOption, resolveWorkspace, withServices, type DataDirOption } from '../context.ts';
import { emit } from '../output.ts';
import { exportFlags, parseExportFlags } from '../exportFlags.ts';

interface Common extends DataDirOption {
  workspace?: string;
  json?: boolean;
}

/** `kizuna segment …`: preview rules, create, list, refresh and export segments (docs/segments.md). */
export function register(program: Command): void {
  const segment = program.command('segment').description('customer segments: preview rules, create, list, refresh, export audiences');
  const common = (cmd: Command) =>
    dataDirOption(cmd.option('--workspace <id>', 'workspace id or name (default: the only one)').option('--json', 'print JSON'));

  common(
    segment
      .command('preview')
      .description('count (and show a few of) the customers a rule matches')
      .requiredOption('--rule <file>', 'a rule as JSON (docs/segments.md)')
      .option('--as-of <time>', 'evaluate at this ISO 8601 time instead of now')
      .option('--sample <n>', 'customers to show', '10'),
  ).action(async (opts: Common & { rule: string; asOf?: string; sample: string }) => {
    const rule = readRule(opts.rule);
    const asOf = instantFlag('--as-of', opts.asOf);
    const sampleSize = Number(opts.sample);
    if (!Number.isInteger(sampleSize) || sampleSize < 1 || sampleSize > 100) {
      throw new ValidationError('Invalid options', [{ path: ['--sample'], message: 'must be a whole number from 1 to 100' }]);
    }
    const started = performance.now();
    const preview = await withServices(opts, async (s) => s.segments.preview(await resolveWorkspace(s, opts.workspace), rule, { asOf, sampleSize }));
    const ms = Math.round(performance.now() - started);
    emit(opts.json, preview, () =>
      [
        `${preview.count.toLocaleString('en')} customers match`,
        ...preview.sample.map((c) => `  ${c.externalId}  ${[c.familyName, c.givenName].filter(Boolean).join(' ')}  ${c.email ?? ''}`.trimEnd()),
        `(${ms} ms including start-up)`,
      ].join('\n'),
    );
  });

  common(
    segment
      .command('create')
      .description('save a rule as a segment and compute its membership')
      .requiredOption('--name <name>', 'segment name')
      .requiredOption('--rule <file>', 'a rule as JSON (docs/segments.md)')
      .option('--description <text>', 'what the segment is for'),
  ).action(async (opts: Common & { name: string; rule: string; description?: string }) => {
    const rule = readRule(opts.rule);
    const { created, refreshed } = await withServices(opts, async (s) => {
      const ws = await resolveWorkspace(s, opts.workspace);
      const created = await s.segments.create(ws, { name: opts.name, description: opts.description, rule });
      return { created, refreshed: await s.segments.refresh(ws, created.id) };
    });
    emit(opts.json, { ...created, memberCount: refreshed.members }, () => `segment ${created.name}: ${created.id} (${refreshed.members} members)`);
  });

  common(segment.command('list').description('list segments with their member counts')).action(async (opts: Common) => {
    const list = await withServices(opts, async (s) => s.segments.list(await resolveWorkspace(s, opts.workspace)));
    emit(opts.json, list, () =>
      list.map((x) => `${x.id}  ${String(x.memberCount).padStart(8)}  ${x.name}${x.refreshedAt ? '' : '  (not computed yet)'}`).join('\n'),
    );
  });

  common(
    segment
      .command('refresh')
      .description('recompute membership (every segment, or one), writing Segment Entered/Exited events')
      .option('--segment <id>', 'only this segment')
      .option('--as-of <time>', 'evaluate at this ISO 8601 time instead of now'),
  ).action(async (opts: Common & { segment?: string; asOf?: string }) => {
    const asOf = instantFlag('--as-of', opts.asOf);
    const results = await withServices(opts, async (s) => {
      const ws = await resolveWorkspace(s, opts.workspace);
      return opts.segment ? [await s.segments.refresh(ws, opts.segment, { asOf })] : s.segments.refreshAll(ws, { asOf });
    });
    emit(opts.json, results, () =>
      results.map((r) => `${r.segmentId}  ${r.members} members (+${r.entered} −${r.exited}) in ${r.ms} ms`).join('\n'),
    );
  });

  common(
    segment
      .command('export')
      .description('write the members as an ad-platform audience file: email_sha256,phone_sha256')
      .requiredOption('--segment <id>', 'segment id')
      .requiredOption('--out <file>', 'CSV file to write')
      .option('--format <platform>', `phone normalization: ${AUDIENCE_FORMATS.join(' or ')}`, 'meta'),
  ).action(async (opts: Common & { segment: string; out: string; format: string }) => {
    if (!(AUDIENCE_FORMATS as readonly string[]).includes(opts.format)) {
      throw new ValidationError('Invalid options', [{ path: ['--format'], message: `must be ${AUDIENCE_FORMATS.join(' or ')}` }]);
    }
    const rows = await withServices(opts, async (s) => {
      const { lines } = await s.segments.audience(await resolveWorkspace(s, opts.workspace), opts.segment, opts.format as AudienceFormat);
      let count = -1; // the header
      const counted = async function* () {
        for await (const chunk of lines) {
          count += chunk.split('\n').length - 1;
          yield chunk;
        }
      };
      await pipeline(Readable.from(counted()), createWriteStream(opts.out));
      return count;
    });
    emit(opts.json, { file: opts.out, rows }, () => `wrote ${rows} customers to ${opts.out}`);
  });

  common(
    exportFlags(
      segment
        .command('members')
        .description("write the members with names, contacts and addresses as CSV (UTF-8 with BOM or Shift_JIS; times in the workspace's zone)")
        .requiredOption('--segment <id>', 'segment id')
        .requiredOption('--out <file>', 'CSV file to write'),
    ),
  ).action(async (opts: Common & { segment: string; out: string; encoding?: string; lang?: string }) => {
    const asked = parseExportFlags(opts);
    const rows = await withServices(opts, async (s) => {
      const { segment: found, csv } = await s.segments.membersCsv(await resolveWorkspace(s, opts.workspace), opts.segment, asked);
      await pipeline(csv, createWriteStream(opts.out));
      return found.memberCount;
    });
    emit(opts.json, { file: opts.out, rows }, () => `wrote ${rows} customers to ${opts.out}`);
  });
}

/** Reads a rule file; a JSON syntax error names the line and column. */
function readRule(file: string): unknown {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch {
    throw new NotFoundError(`cannot read ${file}`);
  }
  return parseJsonText(text, file);
}

/** --workspace by id or name; without it the only workspace, so a single-shop install needs no flag. */
