import { Readable } from 'node:stream';
import iconv from 'iconv-lite';
import type { Queryable } from '../db/database.ts';

/**
 * Rows as the privacy export gives them: every column, so a column added later is exported without
 * anyone remembering to, under camelCase keys; `workspace_id` is left out, as it is not about the person.
 */
export async function exportRows(q: Queryable, sql: string, values: unknown[]): Promise<Record<string, unknown>[]> {
  const { rows } = await q.query(sql, values);
  return rows.map((row) =>
    Object.fromEntries(
      Object.entries(row)
        .filter(([column]) => column !== 'workspace_id')
        .map(([column, value]) => [column.replace(/_([a-z0-9])/g, (_, c: string) => c.toUpperCase()), value]),
    ),
  );
}

/**
 * The one CSV writer of every export (at risk, audiences, survey responses, UGC entries and winners),
 * made for the offices that open them in Japanese Excel:
 * - UTF-8 with a BOM by default (Excel reads UTF-8 without one as Shift_JIS and garbles it), or
 *   `shift_jis` (Windows-31J/CP932, what Excel writes; a character it lacks becomes "?");
 * - headers in the requested language (`lang`, default the workspace's locale);
 * - timestamps in the workspace's time zone with its offset (2026-11-01T09:00:00+09:00);
 * - text cells that would run as a formula (= + - @ tab CR first) get a leading quote (OWASP).
 */
export const EXPORT_ENCODINGS = ['utf-8', 'shift_jis'] as const;
export type ExportEncoding = (typeof EXPORT_ENCODINGS)[number];
export const EXPORT_LANGS = ['ja', 'en'] as const;
export type ExportLang = (typeof EXPORT_LANGS)[number];

export interface ExportColumn {
  header: Record<ExportLang, string>;
}

export interface ExportOptions {
  encoding: ExportEncoding;
  lang: ExportLang;
  timeZone: string;
}

/** The language of an export: the one asked for, else the workspace's locale when we have it, else Japanese. */
export function exportLang(asked: ExportLang | undefined, workspaceLocale: string): ExportLang {
  if (asked) return asked;
  const base = workspaceLocale.toLowerCase().split('-')[0];
  return base === 'en' ? 'en' : 'ja';
}

/** An instant as local ISO 8601 with the offset, in `timeZone`: 2026-11-01T09:00:00+09:00. */
export function localTimestamp(at: Date, timeZone: string): string {
  const parts = Object.fromEntries(
    new Intl.DateTimeFormat('en-CA', { timeZone, hourCycle: 'h23', year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', second: '2-digit' })
      .formatToParts(at)
      .map((p) => [p.type, p.value]),
  );
  const local = Date.UTC(+parts.year!, +parts.month! - 1, +parts.day!, +parts.hour!, +parts.minute!, +parts.second!);
  const offsetMinutes = Math.round((local - Math.floor(at.getTime() / 1000) * 1000) / 60_000);
  const sign = offsetMinutes < 0 ? '-' : '+';
  const abs = Math.abs(offsetMinutes);
  const offset = `${sign}${String(Math.floor(abs / 60)).padStart(2, '0')}:${String(abs % 60).padStart(2, '0')}`;
  return `${parts.year}-${parts.month}-${parts.day}T${parts.hour}:${parts.minute}:${parts.second}${offset}`;
}

function cell(value: unknown, timeZone: string): string {
  if (value === null || value === undefined) return '';
  if (value instanceof Date) return localTimestamp(value, timeZone);
  if (typeof value === 'number' || typeof value === 'bigint' || typeof value === 'boolean') return String(value);
  const text = Array.isArray(value) ? value.join('|') : typeof value === 'object' ? JSON.stringify(value) : String(value);
  const safe = /^[=+\-@\t\r]/.test(text) ? `'${text}` : text;
  return /[",\r\n]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
}

/** One CSV line (CRLF, as Excel writes) of already-ordered values. */
export function csvLine(values: readonly unknown[], timeZone: string): string {
  return `${values.map((v) => cell(v, timeZone)).join(',')}\r\n`;
}

/** Text to bytes in the export's encoding; the BOM comes first in UTF-8. */
export function encodeExport(text: string, encoding: ExportEncoding, first: boolean): Buffer {
  if (encoding === 'shift_jis') return iconv.encode(text, 'cp932');
  return Buffer.from(first ? `\uFEFF${text}` : text, 'utf8');
}

/**
 * The export as a byte stream: the header line, then every row that `rows` yields (arrays in the
 * columns' order), encoded as asked. Rows may come from an async source (a server-side cursor), so
 * a large export never sits in memory.
 */
export function csvExport(columns: readonly ExportColumn[], rows: Iterable<readonly unknown[]> | AsyncIterable<readonly unknown[]>, options: ExportOptions): Readable {
  async function* bytes() {
    yield encodeExport(csvLine(columns.map((c) => c.header[options.lang]), options.timeZone), options.encoding, true);
    let chunk = '';
    for await (const row of rows) {
      chunk += csvLine(row, options.timeZone);
      if (chunk.length > 64_000) {
        yield encodeExport(chunk, options.encoding, false);
        chunk = '';
      }
    }
    if (chunk) yield encodeExport(chunk, options.encoding, false);
  }
  return Readable.from(bytes(), { objectMode: false });
}

/** Content-Type and Content-Disposition of an export. */
export function exportHeaders(filename: string, encoding: ExportEncoding): Record<string, string> {
  return {
    'content-type': `text/csv; charset=${encoding === 'shift_jis' ? 'shift_jis' : 'utf-8'}`,
    'content-disposition': `attachment; filename="${filename}"`,
    'x-content-type-options': 'nosniff',
  };
}

/** The options of an export from what was asked (query or CLI flags) and the workspace's locale and zone. */
export function exportOptions(workspace: { locale: string; timeZone: string }, asked: { encoding?: ExportEncoding; lang?: ExportLang }): ExportOptions {
  return { encoding: asked.encoding ?? 'utf-8', lang: exportLang(asked.lang, workspace.locale), timeZone: workspace.timeZone };
}

/** A small export (a survey's responses, a campaign's entries) as one buffer. */
export async function csvExportBuffer(columns: readonly ExportColumn[], rows: Iterable<readonly unknown[]>, options: ExportOptions): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of csvExport(columns, rows, options)) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}
