import type { Command } from 'commander';
import { ValidationError } from '../kernel/errors.ts';
import { EXPORT_ENCODINGS, EXPORT_LANGS, type ExportEncoding, type ExportLang } from '../kernel/exportRows.ts';

/** `--encoding` and `--lang` of every CSV export command (the API's ?encoding= and ?lang=). */
export function exportFlags(command: Command): Command {
  return command
    .option('--encoding <encoding>', `${EXPORT_ENCODINGS.join(' or ')} (UTF-8 is written with a BOM, for Excel)`, 'utf-8')
    .option('--lang <lang>', `language of the header line: ${EXPORT_LANGS.join(' or ')} (default: the workspace's locale)`);
}

/** The flags checked: a bad value is a validation error naming the flag. */
export function parseExportFlags(flags: { encoding?: string; lang?: string }): { encoding: ExportEncoding; lang?: ExportLang } {
  const encoding = flags.encoding ?? 'utf-8';
  if (!(EXPORT_ENCODINGS as readonly string[]).includes(encoding)) {
    throw new ValidationError('Invalid options', [{ path: ['--encoding'], message: `must be ${EXPORT_ENCODINGS.join(' or ')}` }]);
  }
  if (flags.lang !== undefined && !(EXPORT_LANGS as readonly string[]).includes(flags.lang)) {
    throw new ValidationError('Invalid options', [{ path: ['--lang'], message: `must be ${EXPORT_LANGS.join(' or ')}` }]);
  }
  return { encoding: encoding as ExportEncoding, lang: flags.lang as ExportLang | undefined };
}
