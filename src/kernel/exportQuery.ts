import { z } from 'zod';
import { EXPORT_ENCODINGS, EXPORT_LANGS } from './exportRows.ts';

/** The query parameters every CSV export takes (src/kernel/exportRows.ts's csvExport). */
export const exportQuery = {
  encoding: z.enum(EXPORT_ENCODINGS).default('utf-8').describe('utf-8 (with a BOM, for Excel) or shift_jis (CP932)'),
  lang: z.enum(EXPORT_LANGS).optional().describe("language of the header line; default the workspace's locale"),
};
