import { Readable } from 'node:stream';
import { z } from 'zod';
import { type Authenticator, requireScope, workspaceOf } from '../../kernel/access.ts';
import { instant, page, pageQuery } from '../../kernel/listQuery.ts';
import type { ZodApp } from '../../kernel/http.ts';
import { itemRoutes } from '../../kernel/itemRoutes.ts';
import { exportQuery } from '../../kernel/exportQuery.ts';
import { exportHeaders } from '../../kernel/exportRows.ts';
import type { SegmentService } from './service.ts';
import { AUDIENCE_FORMATS, segmentInput, segmentPatch } from './types.ts';

/** The services these handlers use (the composition root passes them in). */
interface RouteServices {
  authenticator: Authenticator;
  segments: SegmentService;
}

const ruleView = z
  .object({ version: z.literal(1), match: z.unknown().describe('the condition tree') })
  .describe('a rule in the segment rule language (docs/segments.md)');

const segmentView = z.object({
  id: z.string(),
  key: z.string().nullable().describe('built-in segments have a key; a workspace’s own have none'),
  name: z.string(),
  description: z.string().nullable(),
  rule: ruleView,
  version: z.number().int(),
  memberCount: z.number().int(),
  refreshedAt: z.date().nullable(),
  createdAt: z.date(),
  updatedAt: z.date(),
});

const refreshView = z.object({
  segmentId: z.string(),
  entered: z.number().int(),
  exited: z.number().int(),
  members: z.number().int(),
  ms: z.number(),
});

const previewView = z.object({
  count: z.number().int(),
  sample: z.array(
    z.object({ id: z.string(), externalId: z.string(), email: z.string().nullable(), familyName: z.string().nullable(), givenName: z.string().nullable() }),
  ),
});

// A uuid, so that static paths beside these (/v1/segments/preview, the intelligence module's
// /v1/segments/rfm) never read as an id.
const idParams = z.object({ id: z.uuid({ error: 'a segment id' }) });
const asOf = instant().optional().describe('evaluate as of this time instead of now (windows, "this month")');

export async function segmentRoutes(app: ZodApp, services: RouteServices): Promise<void> {
  const { segments } = services;
  const read = requireScope(services, 'read');
  const admin = requireScope(services, 'admin');
  const tags = ['segments'];

  app.get(
    '/v1/segments',
    { preHandler: read, schema: { tags, summary: 'Every segment, built-ins first', response: { 200: z.object({ data: z.array(segmentView) }) } } },
    async (request) => ({ data: await segments.list(workspaceOf(request)) }),
  );

  app.post(
    '/v1/segments',
    {
      preHandler: admin,
      schema: {
        tags,
        summary: 'Create a segment from a rule (docs/segments.md); membership is computed by the next refresh',
        body: segmentInput,
        response: { 201: segmentView },
      },
    },
    async (request, reply) => reply.code(201).send(await segments.create(workspaceOf(request), request.body)),
  );

  app.post(
    '/v1/segments/preview',
    {
      preHandler: read,
      schema: {
        tags,
        summary: 'Count and a sample of the customers a rule matches, without saving anything',
        body: z.object({ rule: segmentInput.shape.rule, asOf, sampleSize: z.number().int().min(1).max(100).default(10) }).strict(),
        response: { 200: previewView },
      },
    },
    async (request) => segments.preview(workspaceOf(request), request.body.rule, { asOf: request.body.asOf, sampleSize: request.body.sampleSize }),
  );

  app.post(
    '/v1/segments/refresh',
    {
      preHandler: admin,
      schema: { tags, summary: 'Recompute the membership of every segment', body: z.object({ asOf }).strict().optional(), response: { 200: z.object({ data: z.array(refreshView) }) } },
    },
    async (request) => ({ data: await segments.refreshAll(workspaceOf(request), { asOf: request.body?.asOf }) }),
  );

  const segment = itemRoutes(app, '/v1/segments/:id', { tags, params: idParams, view: segmentView });
  segment.get(read, 'One segment', (ws, { id }) => segments.get(ws, id));
  segment.patch(admin, 'Rename, describe or change the rule (a new version; the old ones are kept)', segmentPatch, (ws, { id }, body) => segments.update(ws, id, body));
  segment.delete(admin, 'Delete a segment (not a built-in one, nor one other rules use)', (ws, { id }) => segments.remove(ws, id));

  app.get(
    '/v1/segments/:id/versions',
    {
      preHandler: read,
      schema: {
        tags,
        summary: 'Every version of the rule',
        params: idParams,
        response: { 200: z.object({ data: z.array(z.object({ version: z.number().int(), rule: ruleView, createdAt: z.date() })) }) },
      },
    },
    async (request) => ({ data: await segments.versions(workspaceOf(request), request.params.id) }),
  );

  app.get(
    '/v1/segments/:id/members',
    {
      preHandler: read,
      schema: {
        tags,
        summary: 'Current members, as of the last refresh',
        params: idParams,
        querystring: pageQuery,
        response: { 200: page(z.object({ customerId: z.string(), externalId: z.string().nullable(), enteredAt: z.date() })) },
      },
    },
    async (request) => segments.members(workspaceOf(request), request.params.id, request.query),
  );

  app.get(
    '/v1/segments/:id/history',
    {
      preHandler: read,
      schema: {
        tags,
        summary: 'Membership changes (entered, exited), newest first',
        params: idParams,
        querystring: pageQuery.extend({ customerId: z.uuid().optional() }),
        response: {
          200: page(z.object({ customerId: z.string(), change: z.enum(['entered', 'exited']), at: z.date(), segmentVersion: z.number().int() })),
        },
      },
    },
    async (request) => segments.history(workspaceOf(request), request.params.id, request.query),
  );

  app.post(
    '/v1/segments/:id/refresh',
    { preHandler: admin, schema: { tags, summary: 'Recompute membership now', params: idParams, body: z.object({ asOf }).strict().optional(), response: { 200: refreshView } } },
    async (request) => segments.refresh(workspaceOf(request), request.params.id, { asOf: request.body?.asOf }),
  );

  app.get(
    '/v1/segments/:id/members.csv',
    {
      preHandler: read,
      schema: {
        tags,
        summary: "The members with their names, contacts and addresses as CSV (streamed; UTF-8 with BOM or Shift_JIS, headers in the asked language, times in the workspace's zone)",
        params: idParams,
        querystring: z.object(exportQuery),
        produces: ['text/csv'],
      },
    },
    async (request, reply) => {
      const { segment, csv } = await segments.membersCsv(workspaceOf(request), request.params.id, request.query);
      reply.raw.on('close', () => csv.destroy());
      return reply.headers(exportHeaders(`segment-${segment.id}-members.csv`, request.query.encoding)).send(csv);
    },
  );

  app.get(
    '/v1/segments/:id/audience.csv',
    {
      preHandler: read,
      schema: {
        tags,
        summary: 'The members as an ad-platform customer-match file: email_sha256,phone_sha256 (docs/segments.md)',
        params: idParams,
        querystring: z.object({ format: z.enum(AUDIENCE_FORMATS).default('meta').describe('meta: phone digits without "+"; google: E.164 with "+"') }),
        produces: ['text/csv'],
      },
    },
    async (request, reply) => {
      const { segment, lines } = await segments.audience(workspaceOf(request), request.params.id, request.query.format);
      const filename = `segment-${segment.id}-${request.query.format}.csv`;
      return reply
        .header('content-type', 'text/csv; charset=utf-8')
        .header('content-disposition', `attachment; filename="${filename}"`)
        .send(Readable.from(lines));
    },
  );
}
