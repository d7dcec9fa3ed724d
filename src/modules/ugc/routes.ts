import { createHash } from 'node:crypto';
import fastifyMultipart from '@fastify/multipart';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { exportQuery } from '../../kernel/exportQuery.ts';
import { exportHeaders, exportOptions, type ExportEncoding, type ExportLang } from '../../kernel/exportRows.ts';
import { type Authenticator, requireScope, workspaceOf } from '../../kernel/access.ts';
import { AuthError, KizunaError, NotFoundError, PayloadTooLargeError, ValidationError } from '../../kernel/errors.ts';
import { page, pageQuery } from '../../kernel/listQuery.ts';
import type { ZodApp } from '../../kernel/http.ts';
import type { CustomerService } from '../customers/index.ts';
import type { LoyaltyService } from '../loyalty/index.ts';
import type { UgcService } from './service.ts';
import type { WorkspaceService } from '../workspaces/index.ts';
import { entryPage, maskEmail, notFoundPage, type FormValues, type PageContext, type PageState } from './entryPage.ts';
import { WindowLimiter } from './ipLimiter.ts';
import { MAX_PHOTO_BYTES } from './media.ts';
import { CampaignNotOpenError, closedReason, EntryCapError } from './service.ts';
import { CAMPAIGN_STATUSES, campaignInput, ENTRY_STATUSES, LOCALES, REWARD_STATUSES, rewardInput, type Campaign, type EntrySubmission, type Locale } from './types.ts';

/** The services these handlers use (the composition root passes them in). */
interface RouteServices {
  authenticator: Authenticator;
  customers: CustomerService;
  loyalty: LoyaltyService;
  ugc: UgcService;
  workspaces: WorkspaceService;
}

const tags = ['ugc'];
const idParams = z.object({ id: z.uuid() });
const when = z.date().nullable();
const textsView = z.object({ title: z.string(), description: z.string(), consent: z.string(), thanks: z.string() });

const campaignView = z.object({
  id: z.string(),
  name: z.string(),
  texts: z.object({ ja: textsView.optional(), en: textsView.optional() }),
  defaultLocale: z.enum(LOCALES),
  hashtag: z.string().nullable(),
  kind: z.enum(['post', 'survey']),
  acceptsPhoto: z.boolean(),
  acceptsUrl: z.boolean(),
  allowAnyHttps: z.boolean(),
  allowAnonymous: z.boolean(),
  surveyId: z.string().nullable(),
  status: z.enum(CAMPAIGN_STATUSES),
  startsAt: z.date(),
  endsAt: when,
  reward: rewardInput,
  maxEntriesPerCustomer: z.number().int(),
  maxRewardsPerCustomer: z.number().int(),
  createdAt: z.date(),
  updatedAt: z.date(),
});

const entryView = z.object({
  id: z.string(),
  campaignId: z.string(),
  campaignName: z.string(),
  customerId: z.string(),
  customerEmail: z.string().nullable(),
  customerExternalId: z.string().nullable(),
  customerName: z.string().nullable(),
  kind: z.enum(['photo', 'url', 'survey']),
  postUrl: z.string().nullable(),
  platform: z.string().nullable().describe('instagram, x, tiktok, line_voom, threads, facebook, youtube, or web'),
  caption: z.string().nullable(),
  mediaId: z.string().nullable().describe('the photo, at GET /v1/ugc/media/:mediaId'),
  mediaPublic: z.boolean().describe('published at /ugc/media/:mediaId without sign-in'),
  surveyResponseId: z.string().nullable(),
  consentText: z.string().nullable().describe('the consent exactly as shown to the entrant (null for a survey answer)'),
  consentLocale: z.enum(LOCALES).nullable(),
  consentedAt: when,
  identifiedBy: z.enum(['token', 'email', 'survey']),
  status: z.enum(ENTRY_STATUSES),
  rejectReason: z.string().nullable(),
  moderatedAt: when,
  moderatedBy: z.string().nullable(),
  rewardStatus: z.enum(REWARD_STATUSES).describe('capped: over the per-customer reward cap; failed: see rewardError'),
  rewardRef: z.string().nullable().describe('the points ledger entry or the coupon code'),
  rewardError: z.string().nullable(),
  rewardedAt: when,
  winner: z.boolean(),
  createdAt: z.date(),
});

const winnerView = z.object({
  entryId: z.string(),
  customerId: z.string(),
  customerEmail: z.string().nullable(),
  customerExternalId: z.string().nullable(),
  customerName: z.string().nullable(),
  method: z.enum(['random', 'manual']),
  seed: z.string().nullable(),
  pickedBy: z.string().nullable(),
  pickedAt: z.date(),
});

/** The photo's own page headers: never sniffed, never a document that could run anything. */
const MEDIA_HEADERS = {
  'x-content-type-options': 'nosniff',
  'content-disposition': 'inline',
  'content-security-policy': "default-src 'none'; img-src 'self'; style-src 'unsafe-inline'; sandbox",
  'cross-origin-resource-policy': 'same-origin',
};

/** The entry page runs no script; the token in its URL must not leak through a Referer. */
const PAGE_HEADERS = {
  'content-security-policy': "default-src 'none'; style-src 'unsafe-inline'; img-src 'self' data:; form-action 'self'; base-uri 'none'; frame-ancestors 'none'",
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
  'cache-control': 'no-store',
  'x-robots-tag': 'noindex',
};

/** Anonymous entries (no personal link) per IP address. */
const ANONYMOUS_LIMIT = { hits: 10, windowMs: 10 * 60_000 };

/**
 * Staff endpoints under /v1/ugc (read: lists, photos, exports; ingest: campaigns, moderation,
 * winners) and the public entry page /enter/:id plus its JSON twin under /v1/public/ugc, which
 * need no API key: a personal link's signed token, or an email address, says who enters.
 */
export async function ugcRoutes(app: ZodApp, services: RouteServices): Promise<void> {
  const { ugc } = services;
  const read = requireScope(services, 'read');
  // Campaigns, moderation and rewards are the marketer's work, not a data-ingest key's.
  const write = requireScope(services, 'messaging');
  const limiter = new WindowLimiter(ANONYMOUS_LIMIT.hits, ANONYMOUS_LIMIT.windowMs);
  await app.register(fastifyMultipart, { limits: { fileSize: MAX_PHOTO_BYTES, files: 1, fields: 20, fieldSize: 10_000, parts: 25 } });

  const staff = (request: FastifyRequest) => {
    const p = request.principal!;
    return 'userId' in p ? `user:${p.userId}` : `key:${p.keyId}`;
  };

  app.get('/v1/ugc/campaigns', { preHandler: read, schema: { tags, summary: 'UGC campaigns, newest first, with entry counts by status', response: { 200: z.object({ data: z.array(campaignView.extend({ counts: z.object({ pending: z.number(), approved: z.number(), rejected: z.number(), winners: z.number() }) })) }) } } }, async (request) => ({
    data: await ugc.listCampaigns(workspaceOf(request)),
  }));
  app.post('/v1/ugc/campaigns', { preHandler: write, schema: { tags, summary: 'Create a UGC campaign (photo / SNS post entries, or a survey)', body: campaignInput, response: { 200: campaignView } } }, async (request) =>
    ugc.createCampaign(workspaceOf(request), request.body),
  );
  app.get('/v1/ugc/campaigns/:id', { preHandler: read, schema: { tags, summary: 'One UGC campaign', params: idParams, response: { 200: campaignView } } }, async (request) =>
    ugc.getCampaign(workspaceOf(request), request.params.id),
  );
  app.patch(
    '/v1/ugc/campaigns/:id',
    {
      preHandler: write,
      schema: {
        tags,
        summary: 'Change a campaign: any fields of the create body (texts and reward are replaced whole); entries keep the consent text they were shown',
        params: idParams,
        body: z.record(z.string(), z.unknown()),
        response: { 200: campaignView },
      },
    },
    async (request) =>
    ugc.updateCampaign(workspaceOf(request), request.params.id, request.body),
  );
  app.delete('/v1/ugc/campaigns/:id', { preHandler: write, schema: { tags, summary: 'Delete a campaign without entries (close it otherwise)', params: idParams } }, async (request, reply) => {
    await ugc.deleteCampaign(workspaceOf(request), request.params.id);
    return reply.code(204).send();
  });
  app.post(
    '/v1/ugc/campaigns/:id/links',
    {
      preHandler: write,
      schema: {
        tags,
        summary: "A customer's personal entry link (a signed token: no login, no email to type)",
        params: idParams,
        body: z.object({ customer: z.string().min(1).max(255).describe('our id or your external id'), ttlDays: z.number().int().min(1).max(365).default(30) }),
        response: { 200: z.object({ url: z.string(), path: z.string(), customerId: z.string(), expiresAt: z.date() }) },
      },
    },
    async (request) => {
      const link = await ugc.entryLink(workspaceOf(request), request.params.id, request.body.customer, request.body.ttlDays);
      return { ...link, url: `${request.protocol}://${request.host}${link.path}` };
    },
  );

  app.post(
    '/v1/ugc/campaigns/:id/sync',
    { preHandler: write, schema: { tags, summary: "Survey campaign: enter its survey's new answers now (the worker does it every 10 minutes)", params: idParams, response: { 200: z.object({ added: z.number(), skipped: z.number() }) } } },
    async (request) => ugc.syncSurveyEntries(workspaceOf(request), request.params.id),
  );

  app.get(
    '/v1/ugc/entries',
    {
      preHandler: read,
      schema: {
        tags,
        summary: 'Entries, oldest first (the moderation queue with status=pending)',
        querystring: pageQuery.extend({ campaignId: z.uuid().optional(), status: z.enum(ENTRY_STATUSES).optional(), customer: z.string().min(1).max(255).optional().describe('our id or your external id') }),
        response: { 200: page(entryView) },
      },
    },
    async (request) => {
      const ws = workspaceOf(request);
      const { customer, ...query } = request.query;
      const customerId = customer ? (await services.customers.find(ws, customer)).id : undefined;
      return ugc.listEntries(ws, { ...query, customerId });
    },
  );
  const ids = z.array(z.uuid()).min(1).max(200);
  app.post(
    '/v1/ugc/entries/approve',
    { preHandler: write, schema: { tags, summary: 'Approve several entries (each rewarded once, within its cap)', body: z.object({ ids }), response: { 200: z.object({ data: z.array(entryView) }) } } },
    async (request) => ({ data: await ugc.approveMany(workspaceOf(request), request.body.ids, staff(request)) }),
  );
  app.post(
    '/v1/ugc/entries/reject',
    {
      preHandler: write,
      schema: { tags, summary: 'Reject several pending entries with one reason', body: z.object({ ids, reason: z.string().trim().min(1).max(500) }), response: { 200: z.object({ data: z.array(entryView) }) } },
    },
    async (request) => ({ data: await ugc.rejectMany(workspaceOf(request), request.body.ids, request.body.reason, staff(request)) }),
  );
  app.get('/v1/ugc/entries/:id', { preHandler: read, schema: { tags, summary: 'One entry', params: idParams, response: { 200: entryView } } }, async (request) =>
    ugc.getEntry(workspaceOf(request), request.params.id),
  );
  app.post('/v1/ugc/entries/:id/approve', { preHandler: write, schema: { tags, summary: 'Approve; grants the reward once, within the per-customer cap', params: idParams, response: { 200: entryView } } }, async (request) =>
    ugc.approve(workspaceOf(request), request.params.id, staff(request)),
  );
  app.post(
    '/v1/ugc/entries/:id/reject',
    { preHandler: write, schema: { tags, summary: 'Reject a pending entry with a reason', params: idParams, body: z.object({ reason: z.string().trim().min(1).max(500) }), response: { 200: entryView } } },
    async (request) => ugc.reject(workspaceOf(request), request.params.id, request.body.reason, staff(request)),
  );
  app.post('/v1/ugc/entries/:id/reward/retry', { preHandler: write, schema: { tags, summary: 'Retry a failed reward', params: idParams, response: { 200: entryView } } }, async (request) =>
    ugc.retryReward(workspaceOf(request), request.params.id),
  );
  app.post(
    '/v1/ugc/entries/:id/publish',
    { preHandler: write, schema: { tags, summary: "Publish (or withdraw) an approved entry's photo at /ugc/media/:mediaId", params: idParams, body: z.object({ public: z.boolean() }), response: { 200: entryView } } },
    async (request) => ugc.setMediaPublic(workspaceOf(request), request.params.id, request.body.public),
  );
  app.get('/v1/ugc/media/:id', { preHandler: read, schema: { tags, summary: 'A photo, for signed-in staff', params: idParams } }, async (request, reply) => {
    const media = await ugc.media(workspaceOf(request), request.params.id);
    return reply.headers(MEDIA_HEADERS).header('cache-control', 'private, max-age=3600').type(media.contentType).send(media.bytes);
  });
  app.get(
    '/v1/customers/:id/ugc-entries',
    { preHandler: read, schema: { tags: [...tags, 'customers'], summary: "A customer's UGC entries", params: z.object({ id: z.string().min(1).max(255) }), querystring: pageQuery, response: { 200: page(entryView) } } },
    async (request) => {
      const ws = workspaceOf(request);
      const customer = await services.customers.find(ws, request.params.id);
      return ugc.listEntries(ws, { ...request.query, customerId: customer.id });
    },
  );

  app.get('/v1/ugc/campaigns/:id/winners', { preHandler: read, schema: { tags, summary: 'Winners, in the order picked', params: idParams, response: { 200: z.object({ data: z.array(winnerView) }) } } }, async (request) => ({
    data: await ugc.winners(workspaceOf(request), request.params.id),
  }));
  app.post(
    '/v1/ugc/campaigns/:id/winners/draw',
    {
      preHandler: write,
      schema: {
        tags,
        summary: 'Draw winners at random among approved entries, one per customer; the same seed gives the same draw',
        params: idParams,
        body: z.object({ count: z.number().int().min(1).max(10_000), seed: z.string().trim().min(1).max(200).optional() }),
        response: { 200: z.object({ seed: z.string(), winners: z.array(winnerView) }) },
      },
    },
    async (request) => ugc.pickWinners(workspaceOf(request), request.params.id, request.body, staff(request)),
  );
  app.post(
    '/v1/ugc/campaigns/:id/winners',
    { preHandler: write, schema: { tags, summary: 'Pick an approved entry as a winner by hand', params: idParams, body: z.object({ entryId: z.uuid() }), response: { 200: winnerView } } },
    async (request) => ugc.addWinner(workspaceOf(request), request.params.id, request.body.entryId, staff(request)),
  );
  app.delete(
    '/v1/ugc/campaigns/:id/winners/:entryId',
    { preHandler: write, schema: { tags, summary: 'Take back a win', params: z.object({ id: z.uuid(), entryId: z.uuid() }) } },
    async (request, reply) => {
      await ugc.removeWinner(workspaceOf(request), request.params.id, request.params.entryId);
      return reply.code(204).send();
    },
  );
  const csv = (reply: FastifyReply, name: string, encoding: ExportEncoding, body: Buffer) => reply.headers(exportHeaders(name, encoding)).send(body);
  const options = async (request: { query: { encoding: ExportEncoding; lang?: ExportLang } }, workspaceId: string) => exportOptions(await services.workspaces.get(workspaceId), request.query);
  app.get(
    '/v1/ugc/campaigns/:id/entries.csv',
    { preHandler: read, schema: { tags, summary: 'Entries as CSV (UTF-8 with BOM or Shift_JIS), with consent text and time', params: idParams, querystring: z.object({ status: z.enum(ENTRY_STATUSES).optional(), ...exportQuery }) } },
    async (request, reply) =>
      csv(reply, `ugc-entries-${request.params.id}.csv`, request.query.encoding, await ugc.entriesCsv(workspaceOf(request), request.params.id, request.query.status, await options(request, workspaceOf(request)))),
  );
  app.get('/v1/ugc/campaigns/:id/winners.csv', { preHandler: read, schema: { tags, summary: 'Winners as CSV (UTF-8 with BOM or Shift_JIS)', params: idParams, querystring: z.object(exportQuery) } }, async (request, reply) =>
    csv(reply, `ugc-winners-${request.params.id}.csv`, request.query.encoding, await ugc.winnersCsv(workspaceOf(request), request.params.id, await options(request, workspaceOf(request)))),
  );

  // Public: no API key.
  const ipHash = (request: FastifyRequest) => createHash('sha256').update(`ugc:${request.ip}`).digest('hex').slice(0, 32);

  /** Reads the form (multipart, or JSON for a URL-only entry through the API), limiting anonymous senders. */
  const readSubmission = async (request: FastifyRequest, reply: FastifyReply): Promise<EntrySubmission & { values: FormValues; lang?: string }> => {
    const fields: Record<string, string> = {};
    let photo: Buffer | undefined;
    if (request.isMultipart()) {
      try {
        for await (const part of request.parts()) {
          if (part.type === 'file') {
            const bytes = await part.toBuffer();
            // A file input left empty still sends a part, with no file name.
            if (part.fieldname === 'photo' && (bytes.length > 0 || part.filename)) photo = bytes;
          } else if (typeof part.value === 'string') {
            fields[part.fieldname] = part.value;
          }
        }
      } catch (err) {
        const { code, statusCode } = err as { code?: string; statusCode?: number };
        if (code === 'FST_REQ_FILE_TOO_LARGE') throw new PayloadTooLargeError(`The photo is larger than ${MAX_PHOTO_BYTES / 1024 / 1024} MB`);
        if (statusCode === 413) throw new ValidationError('Too many fields or files', [{ path: ['photo'], message: 'send one photo and the form fields only' }]);
        throw err;
      }
    } else if (request.body && typeof request.body === 'object') {
      for (const [k, v] of Object.entries(request.body)) if (typeof v === 'string' || typeof v === 'boolean') fields[k] = String(v);
    }
    const hash = ipHash(request);
    // Personal links are not limited per network; a token that does not verify counts as anonymous.
    const personal = fields.t ? await services.loyalty.verifyToken(fields.t, new Date(), 'ugc').then(() => true, () => false) : false;
    if (!personal && !limiter.hit(hash)) {
      reply.header('retry-after', String(limiter.retryAfter(hash)));
      throw new KizunaError('Too many entries from your network; try again later', 429, 'rate_limited');
    }
    const values = { email: fields.email, postUrl: fields.postUrl, caption: fields.caption };
    return {
      ...values,
      values,
      lang: fields.lang,
      token: fields.t || undefined,
      consent: ['yes', 'true', 'on', '1'].includes((fields.consent ?? '').toLowerCase()),
      photo,
      ipHash: hash,
      locale: 'ja',
    };
  };

  const entryParams = z.object({ id: z.string().min(1).max(64) });
  const pageQueryString = z.object({ t: z.string().max(1000).optional(), lang: z.string().max(10).optional() });

  app.get('/enter/:id', { config: { access: 'public' }, schema: { tags: ['ugc public'], summary: 'The entry page (HTML, ja/en)', params: entryParams, querystring: pageQueryString, security: [] } }, async (request, reply) => {
    const locale = requestedLocale(request, request.query.lang);
    const campaign = await ugc.publicCampaign(request.params.id).catch(notFoundAsNull);
    // A draft is not public yet: not even its title.
    if (!campaign || campaign.status === 'draft') return reply.code(404).headers(PAGE_HEADERS).type('text/html; charset=utf-8').send(notFoundPage(locale ?? 'ja'));
    const ctx: PageContext = { campaign, locale: pickLocale(campaign, locale), basePath: `/enter/${campaign.id}`, token: request.query.t };
    let state: PageState = { kind: 'form' };
    const closed = closedReason(campaign, new Date());
    if (closed) state = { kind: 'closed', notStarted: closed === 'not_started' };
    else if (campaign.kind === 'survey') state = { kind: 'survey' };
    else if (ctx.token) {
      const entrant = await entrantOf(services, campaign.workspaceId, ctx.token);
      if (entrant === null) state = { kind: 'invalidLink' };
      else ctx.entrant = entrant;
    } else if (!campaign.allowAnonymous) state = { kind: 'personalOnly' };
    return reply.code(state.kind === 'invalidLink' ? 401 : 200).headers(PAGE_HEADERS).type('text/html; charset=utf-8').send(entryPage(ctx, state));
  });

  app.post('/enter/:id', { config: { access: 'public' }, schema: { tags: ['ugc public'], summary: 'Submit the entry form (multipart/form-data: t or email, photo, postUrl, caption, consent=yes, lang)', params: entryParams, querystring: pageQueryString, security: [] } }, async (request, reply) => {
    const campaign = await ugc.publicCampaign(request.params.id).catch(notFoundAsNull);
    const send = (status: number, ctx: PageContext, state: PageState) => reply.code(status).headers(PAGE_HEADERS).type('text/html; charset=utf-8').send(entryPage(ctx, state));
    if (!campaign) return reply.code(404).headers(PAGE_HEADERS).type('text/html; charset=utf-8').send(notFoundPage(requestedLocale(request, request.query.lang) ?? 'ja'));
    const ctx: PageContext = { campaign, locale: pickLocale(campaign, requestedLocale(request, request.query.lang)), basePath: `/enter/${campaign.id}` };
    let values: FormValues = {};
    try {
      const submission = await readSubmission(request, reply);
      values = submission.values;
      ctx.token = submission.token;
      ctx.locale = pickLocale(campaign, requestedLocale(request, request.query.lang ?? submission.lang));
      if (ctx.token) ctx.entrant = (await entrantOf(services, campaign.workspaceId, ctx.token)) ?? undefined;
      await ugc.submitEntry(campaign.id, { ...submission, locale: ctx.locale });
      return send(200, ctx, { kind: 'done' });
    } catch (err) {
      if (err instanceof CampaignNotOpenError) return send(409, ctx, { kind: 'closed', notStarted: err.reason === 'not_started' });
      if (err instanceof AuthError) return send(401, ctx, ctx.token ? { kind: 'invalidLink' } : { kind: 'personalOnly' });
      if (err instanceof EntryCapError) return send(409, ctx, { kind: 'form', values, error: { status: 409 } });
      if (err instanceof ValidationError) {
        const field = String(err.issues[0]?.path[0] ?? '');
        return send(400, ctx, field === 'surveyId' ? { kind: 'survey' } : { kind: 'form', values, error: { status: 400, field } });
      }
      if (err instanceof KizunaError && (err.status === 413 || err.status === 415 || err.status === 429)) {
        return send(err.status, ctx, { kind: 'form', values, error: { status: err.status, field: err.status === 429 ? undefined : 'photo' } });
      }
      throw err;
    }
  });

  app.get(
    '/v1/public/ugc/campaigns/:id',
    {
      config: { access: 'public' },
      schema: {
        tags: ['ugc public'],
        summary: 'What a shop needs to show the campaign on its own pages (no API key)',
        params: idParams,
        security: [],
        response: { 200: campaignView.pick({ id: true, texts: true, defaultLocale: true, hashtag: true, kind: true, acceptsPhoto: true, acceptsUrl: true, startsAt: true, endsAt: true }).extend({ open: z.boolean() }) },
      },
    },
    async (request) => {
      const c = await ugc.publicCampaign(request.params.id);
      if (c.status === 'draft') throw new NotFoundError(`UGC campaign ${c.id} not found`);
      return { ...c, open: closedReason(c, new Date()) === null };
    },
  );
  app.post(
    '/v1/public/ugc/campaigns/:id/entries',
    {
      config: { access: 'public' },
      schema: {
        tags: ['ugc public'],
        summary: 'Submit an entry (multipart/form-data, or JSON for a URL-only entry): t or email, photo, postUrl, caption, consent, lang. 400 names the field, 413 too large, 415 not an image, 409 closed or over the cap, 429 too many',
        params: idParams,
        security: [],
        response: { 200: entryView.pick({ id: true, status: true, kind: true, platform: true, createdAt: true }) },
      },
    },
    async (request, reply) => {
      const submission = await readSubmission(request, reply);
      const campaign = await ugc.publicCampaign(request.params.id);
      return ugc.submitEntry(request.params.id, { ...submission, locale: pickLocale(campaign, requestedLocale(request, submission.lang)) });
    },
  );
  app.get('/ugc/media/:id', { config: { access: 'public' }, schema: { hide: true, params: idParams } }, async (request, reply) => {
    const media = await ugc.publicMedia(request.params.id);
    return reply.headers(MEDIA_HEADERS).header('cache-control', 'public, max-age=300').header('cross-origin-resource-policy', 'cross-origin').type(media.contentType).send(media.bytes);
  });
}

/** `lang` when given, else the first of ja/en in Accept-Language; undefined leaves it to the campaign. */
function requestedLocale(request: FastifyRequest, lang: string | undefined): Locale | undefined {
  if (lang === 'ja' || lang === 'en') return lang;
  const ranked = (request.headers['accept-language'] ?? '')
    .split(',')
    .map((part) => {
      const [tag, ...params] = part.trim().split(';');
      const q = Number(params.find((p) => p.trim().startsWith('q='))?.split('=')[1] ?? 1);
      return { base: (tag ?? '').toLowerCase().split('-')[0], q: Number.isFinite(q) ? q : 0 };
    })
    .filter((l): l is { base: Locale; q: number } => l.base === 'ja' || l.base === 'en')
    .sort((a, b) => b.q - a.q);
  return ranked[0]?.base;
}

function pickLocale(campaign: Campaign, wanted: Locale | undefined): Locale {
  return wanted && campaign.texts[wanted] ? wanted : campaign.defaultLocale;
}

/** The masked email (or "you") of a valid token's customer; null for a forged, expired or foreign token. */
async function entrantOf(services: RouteServices, workspaceId: string, token: string): Promise<string | null> {
  try {
    const claims = await services.loyalty.verifyToken(token, new Date(), 'ugc');
    if (claims.workspaceId !== workspaceId) return null;
    const customer = await services.customers.get(workspaceId, claims.customerId);
    if (customer.erasedAt) return null;
    return customer.email ? maskEmail(customer.email) : (customer.givenName ?? customer.externalId ?? '');
  } catch (err) {
    if (err instanceof AuthError || err instanceof NotFoundError) return null;
    throw err;
  }
}

const notFoundAsNull = (err: unknown) => {
  if (err instanceof NotFoundError) return null;
  throw err;
};
