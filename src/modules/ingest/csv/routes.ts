import type { Readable } from 'node:stream';
import { z } from 'zod';
import { type Authenticator, requireScope, workspaceOf } from '../../../kernel/access.ts';
import { KizunaError, PayloadTooLargeError, ValidationError } from '../../../kernel/errors.ts';
import type { ZodApp } from '../../../kernel/http.ts';
import { ENCODINGS, type EncodingOption } from './encoding.ts';
import { importCsv } from './importer.ts';
import { IMPORT_KINDS, type ImportServices } from './kind.ts';

/** The import writes through the owning modules' services; `requireScope` asks the authenticator. */
type RouteServices = ImportServices & { authenticator: Authenticator };

const flag = z.enum(['true', 'false', '1', '0']).default('false').transform((v) => v === 'true' || v === '1');

const summary = z.object({
  kind: z.enum(IMPORT_KINDS),
  rows: z.number().int(),
  imported: z.number().int(),
  rejected: z.number().int(),
  created: z.number().int(),
  updated: z.number().int(),
  duplicates: z.number().int(),
  encoding: z.enum(['utf8', 'cp932']),
  dryRun: z.boolean(),
  committed: z.boolean(),
  errors: z.array(z.object({ line: z.number().int().optional(), column: z.string().optional(), message: z.string() })),
  errorFile: z.string().nullable(),
});

const CHARSETS: Record<string, EncodingOption> = { 'utf-8': 'utf8', utf8: 'utf8', shift_jis: 'sjis', sjis: 'sjis', cp932: 'sjis', 'windows-31j': 'sjis' };

/**
 * `POST /v1/imports/{kind}`: the raw CSV is the body and is streamed into the importer, so an
 * upload's size is bounded by the body limit, not by memory.
 */
export async function importRoutes(app: ZodApp, services: RouteServices): Promise<void> {
  const bodyLimit = app.initialConfig.bodyLimit ?? 1024 * 1024;
  app.addContentTypeParser(['text/csv', 'application/octet-stream'], (_request, payload, done) => done(null, payload));

  app.post(
    '/v1/imports/:kind',
    {
      preHandler: requireScope(services, 'ingest'),
      schema: {
        tags: ['ingest'],
        summary: 'Import a CSV file of customers, orders, products or events',
        description:
          'Send the file as the body (Content-Type text/csv or application/octet-stream; UTF-8 with or without BOM, or Shift_JIS/CP932, ' +
          'detected unless `encoding` or a charset says). Japanese and English headers are recognised (see docs/import.md). ' +
          'All or nothing: one invalid row rejects the file with 400 and lists the errors by line and column, unless `skipInvalid`.',
        params: z.object({ kind: z.enum(IMPORT_KINDS) }),
        querystring: z.object({ dryRun: flag, skipInvalid: flag, encoding: z.enum(ENCODINGS).optional() }),
        response: { 200: summary },
      },
    },
    async (request) => {
      const body = request.body as Readable | undefined;
      if (!body || typeof (body as Partial<Readable>).pipe !== 'function') {
        throw new KizunaError('Send the CSV file as the body with Content-Type text/csv', 415, 'unsupported_media_type');
      }
      const result = await importCsv(services, limited(body, bodyLimit), {
        kind: request.params.kind,
        workspaceId: workspaceOf(request),
        encoding: request.query.encoding ?? charsetOf(request.headers['content-type']),
        dryRun: request.query.dryRun,
        skipInvalid: request.query.skipInvalid,
      });
      if (result.rejected > 0 && !request.query.skipInvalid) {
        throw new ValidationError(
          `${result.rejected} of ${result.rows} rows are invalid; nothing was imported (skipInvalid=true imports the valid rows)`,
          result.errors.map((e) => ({ path: e.column ? [e.column] : [], ...e })),
        );
      }
      return result;
    },
  );
}

function charsetOf(contentType: string | undefined): EncodingOption {
  const charset = /charset="?([^";\s]+)/i.exec(contentType ?? '')?.[1]?.toLowerCase();
  return (charset && CHARSETS[charset]) || 'auto';
}

async function* limited(body: AsyncIterable<Buffer>, limit: number): AsyncGenerator<Buffer> {
  let total = 0;
  for await (const chunk of body) {
    total += chunk.length;
    if (total > limit) throw new PayloadTooLargeError(`The file is larger than the ${limit}-byte limit (KIZUNA_BODY_LIMIT)`);
    yield chunk;
  }
}
