import type { FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { exportQuery } from '../../kernel/exportQuery.ts';
import { exportHeaders } from '../../kernel/exportRows.ts';
import { type Authenticator, requireScope, workspaceOf } from '../../kernel/access.ts';
import { ValidationError } from '../../kernel/errors.ts';
import { instant, page, pageQuery } from '../../kernel/listQuery.ts';
import type { ZodApp } from '../../kernel/http.ts';
import type { SurveyService } from './service.ts';
import { chooseLocale, pageSecurityHeaders, statePage, surveyFormPage, thanksPage } from './page.ts';
import { LinkStateError } from './service.ts';
import { CASE_STATUSES, casePatch, surveyInput, surveyPatch, surveySettingsInput, type Locale, type Survey } from './types.ts';
import { assigneesView, caseListView, caseView, customerFeedbackView, npsView, responseView, surveyListView, surveyView, themesView } from './views.ts';

/** The services these handlers use (the composition root passes them in). */
interface RouteServices {
  authenticator: Authenticator;
  surveys: SurveyService;
}

const idParams = z.object({ id: z.string().min(1).max(100).describe('survey id or slug') });
const caseParams = z.object({ id: z.string().min(1).max(100) });
const period = z.object({ survey: z.string().min(1).max(100).optional().describe('survey id or slug; all NPS surveys by default'), from: instant().optional(), to: instant().optional() });

/** Form posts: `q_<question id>` fields (repeated for multiple choice) and `lang`. */
function formAnswers(body: unknown): { answers: Record<string, string | string[]>; lang?: string } {
  if (!(body instanceof URLSearchParams)) {
    const json = body as { answers?: unknown; lang?: unknown } | null;
    const answers = json && typeof json === 'object' ? json.answers : undefined;
    if (!answers || typeof answers !== 'object' || Array.isArray(answers)) throw new ValidationError('Invalid answer', [{ path: ['answers'], message: 'send the form, or JSON {"answers": {…}}' }]);
    return { answers: answers as Record<string, string | string[]>, lang: typeof json!.lang === 'string' ? json!.lang : undefined };
  }
  const answers: Record<string, string | string[]> = {};
  for (const key of new Set(body.keys())) {
    if (!key.startsWith('q_')) continue;
    const values = body.getAll(key);
    answers[key.slice(2)] = values.length > 1 ? values : values[0]!;
  }
  return { answers, lang: body.get('lang') ?? undefined };
}

export async function surveysRoutes(app: ZodApp, services: RouteServices): Promise<void> {
  const { surveys } = services;
  const read = requireScope(services, 'read');
  // Marketers (the messaging scope) run surveys and work cases; the signing settings are for admins.
  const write = requireScope(services, 'messaging');
  const admin = requireScope(services, 'admin');
  const tags = ['surveys'];

  // The hosted page posts a plain HTML form.
  app.addContentTypeParser('application/x-www-form-urlencoded', { parseAs: 'string' }, (_req, body, done) => done(null, new URLSearchParams(String(body))));

  app.get('/v1/surveys', { preHandler: read, schema: { tags, summary: 'Surveys, newest first, with answer counts and NPS', response: { 200: surveyListView } } }, async (request) => ({ data: await surveys.list(workspaceOf(request)) }));
  app.post('/v1/surveys', { preHandler: write, schema: { tags, summary: 'Create a survey (NPS, CSAT, CES get standard ja/en questions when none are given)', body: surveyInput, response: { 201: surveyView } } }, async (request, reply) =>
    reply.code(201).send(await surveys.create(workspaceOf(request), request.body)),
  );
  app.get('/v1/surveys/:id', { preHandler: read, schema: { tags, summary: 'One survey', params: idParams, response: { 200: surveyView } } }, async (request) => surveys.get(workspaceOf(request), request.params.id));
  app.patch('/v1/surveys/:id', { preHandler: write, schema: { tags, summary: 'Edit a survey (status, texts, questions, link lifetime, anonymous link)', params: idParams, body: surveyPatch, response: { 200: surveyView } } }, async (request) =>
    surveys.update(workspaceOf(request), request.params.id, request.body),
  );
  app.post(
    '/v1/surveys/:id/links',
    {
      preHandler: write,
      schema: {
        tags,
        summary: 'Signed single-answer links for customers (ids or external ids)',
        params: idParams,
        body: z.object({ customers: z.array(z.string().min(1).max(200)).min(1).max(1000), ttlDays: z.number().int().min(1).max(365).optional() }).strict(),
      },
    },
    async (request) => ({ data: await surveys.mintLinks(workspaceOf(request), request.params.id, request.body.customers, { ttlDays: request.body.ttlDays }) }),
  );
  app.post('/v1/surveys/:id/anonymous-link', { preHandler: write, schema: { tags, summary: 'Switch on the anonymous link (SNS, widget) and get it with an iframe snippet', params: idParams } }, async (request) =>
    surveys.createAnonymousLink(workspaceOf(request), request.params.id),
  );
  app.get(
    '/v1/surveys/:id/responses',
    { preHandler: read, schema: { tags, summary: 'Responses, newest first', params: idParams, querystring: pageQuery.extend({ category: z.enum(['promoter', 'passive', 'detractor']).optional() }), response: { 200: page(responseView) } } },
    async (request) => surveys.listResponses(workspaceOf(request), { survey: request.params.id, ...request.query }),
  );
  app.get(
    '/v1/surveys/:id/responses.csv',
    { preHandler: read, schema: { tags, summary: 'Every response as CSV (UTF-8 with BOM or Shift_JIS; headers in ?lang)', params: idParams, querystring: z.object(exportQuery) } },
    async (request, reply) => {
      const survey = await surveys.get(workspaceOf(request), request.params.id);
      return reply.headers(exportHeaders(`survey-${survey.slug}.csv`, request.query.encoding)).send(await surveys.exportCsv(workspaceOf(request), survey.id, request.query));
    },
  );

  app.get('/v1/feedback/settings', { preHandler: admin, schema: { tags, summary: 'Survey settings (base URL of links, review URL, case due days, default assignee)' } }, async (request) => surveys.publicSettings(workspaceOf(request)));
  app.put('/v1/feedback/settings', { preHandler: admin, schema: { tags, summary: 'Change survey settings', body: surveySettingsInput } }, async (request) =>
    surveys.updateSettings(workspaceOf(request), request.body),
  );
  app.get('/v1/feedback/nps', { preHandler: read, schema: { tags, summary: 'NPS with its 95 % interval', querystring: period, response: { 200: npsView } } }, async (request) => surveys.nps(workspaceOf(request), request.query));
  app.get(
    '/v1/feedback/nps/trend',
    { preHandler: read, schema: { tags, summary: 'NPS per week or month with intervals', querystring: period.extend({ granularity: z.enum(['week', 'month']).default('month') }), response: { 200: z.object({ data: z.array(npsView.extend({ start: z.string(), partial: z.boolean().describe('the period has not ended (today is in it)') })) }) } } },
    async (request) => ({ data: await surveys.npsTrend(workspaceOf(request), request.query) }),
  );
  app.get(
    '/v1/feedback/nps/by/:dimension',
    { preHandler: read, schema: { tags, summary: 'NPS by segment, loyalty tier, cohort or product category, with intervals', params: z.object({ dimension: z.enum(['segment', 'tier', 'cohort', 'product']) }), querystring: period, response: { 200: z.object({ data: z.array(npsView.extend({ key: z.string() })) }) } } },
    async (request) => ({ data: await surveys.npsBy(workspaceOf(request), request.params.dimension, request.query) }),
  );
  app.get(
    '/v1/feedback/themes',
    { preHandler: read, schema: { tags, summary: 'Words that set promoters and detractors apart (weighted log-odds), with quotes', querystring: z.object({ survey: z.string().min(1).max(100).optional(), from: instant().optional(), limit: z.coerce.number().int().min(1).max(30).default(8) }), response: { 200: themesView } } },
    async (request) => surveys.themes(workspaceOf(request), request.query),
  );
  app.get(
    '/v1/feedback/cases',
    {
      preHandler: read,
      schema: {
        tags,
        summary: 'Follow-up cases of detractors, earliest due first',
        querystring: z.object({ status: z.enum([...CASE_STATUSES, 'active', 'all']).default('active'), overdue: z.enum(['true', 'false']).default('false'), customerId: z.uuid().optional() }),
        response: { 200: caseListView },
      },
    },
    async (request) => surveys.listCases(workspaceOf(request), { ...request.query, overdue: request.query.overdue === 'true' }),
  );
  app.get('/v1/feedback/cases/:id', { preHandler: read, schema: { tags, summary: 'One case with its notes', params: caseParams, response: { 200: caseView } } }, async (request) => surveys.getCase(workspaceOf(request), request.params.id));
  app.patch('/v1/feedback/cases/:id', { preHandler: write, schema: { tags, summary: 'Assign, reschedule or change the status of a case', params: caseParams, body: casePatch, response: { 200: caseView } } }, async (request) =>
    surveys.updateCase(workspaceOf(request), request.params.id, request.body),
  );
  app.post('/v1/feedback/cases/:id/notes', { preHandler: write, schema: { tags, summary: 'Add a note to a case', params: caseParams, body: z.object({ body: z.string() }), response: { 201: caseView } } }, async (request, reply) => {
    const principal = request.principal;
    const authorId = principal && 'userId' in principal ? principal.userId : null;
    return reply.code(201).send(await surveys.addNote(workspaceOf(request), request.params.id, request.body.body, authorId));
  });
  app.get('/v1/feedback/assignees', { preHandler: read, schema: { tags, summary: 'Users who can own cases', response: { 200: assigneesView } } }, async (request) => ({ data: await surveys.assignees(workspaceOf(request)) }));
  app.get('/v1/feedback/customers/:id', { preHandler: read, schema: { tags, summary: "A customer's answers and cases", params: z.object({ id: z.uuid() }), response: { 200: customerFeedbackView } } }, async (request) =>
    surveys.forCustomer(workspaceOf(request), request.params.id),
  );

  // ── public: the hosted page, authorised by the signed token or the survey's public key ──
  const langOf = (request: FastifyRequest, survey: Pick<Survey, 'locale'>, customer: string | null, posted?: string) =>
    chooseLocale({ query: posted ?? (request.query as { lang?: string }).lang, customer, acceptLanguage: request.headers['accept-language'], survey: survey.locale });
  const fallbackLang = (request: FastifyRequest): Locale => chooseLocale({ query: (request.query as { lang?: string }).lang, acceptLanguage: request.headers['accept-language'], survey: 'ja' });
  const send = (reply: FastifyReply, status: number, body: string, frameAncestors: readonly string[] = []) =>
    reply.code(status).headers(pageSecurityHeaders(frameAncestors)).type('text/html; charset=utf-8').send(body);
  const refusal = (reply: FastifyReply, err: unknown, lang: Locale, frameAncestors: readonly string[] = []) => {
    if (err instanceof LinkStateError) return send(reply, err.status, statePage(lang, err.state), frameAncestors);
    throw err;
  };
  const pageQuerySchema = z.object({ lang: z.string().max(20).optional(), embed: z.string().optional() });
  const tokenParams = z.object({ token: z.string().min(1).max(300) });

  app.get('/s/:token', { config: { access: 'public' }, schema: { hide: true, params: tokenParams, querystring: pageQuerySchema } }, async (request, reply) => {
    try {
      const { survey, customerLocale } = await surveys.openLink(request.params.token);
      return send(reply, 200, surveyFormPage(survey, langOf(request, survey, customerLocale), `/s/${request.params.token}`));
    } catch (err) {
      return refusal(reply, err, fallbackLang(request));
    }
  });
  app.post('/s/:token', { config: { access: 'public' }, schema: { hide: true, params: tokenParams, querystring: pageQuerySchema } }, async (request, reply) => {
    const form = formAnswers(request.body);
    let opened;
    try {
      opened = await surveys.openLink(request.params.token);
    } catch (err) {
      return refusal(reply, err, fallbackLang(request));
    }
    const lang = langOf(request, opened.survey, opened.customerLocale, form.lang);
    try {
      return send(reply, 200, thanksPage(lang, await surveys.answerLink(request.params.token, form.answers, lang)));
    } catch (err) {
      if (err instanceof ValidationError && !(request.body instanceof URLSearchParams)) throw err;
      if (err instanceof ValidationError) return send(reply, 400, surveyFormPage(opened.survey, lang, `/s/${request.params.token}`, { values: form.answers, issues: err.issues }));
      return refusal(reply, err, lang);
    }
  });

  const keyParams = z.object({ key: z.string().min(1).max(100) });
  // The widget's iframe keeps `embed=1` through every post, so its pages stay frameable.
  const anonymousPath = (key: string, embed: boolean) => `/s/p/${key}${embed ? '?embed=1' : ''}`;
  // The widget may be framed by the workspace's own sites only (survey settings' embedOrigins).
  const ancestorsOf = async (key: string, embed: boolean) => (embed ? surveys.embedOriginsOf(key) : []);
  app.get('/s/p/:key', { config: { access: 'public' }, schema: { hide: true, params: keyParams, querystring: pageQuerySchema } }, async (request, reply) => {
    const embed = request.query.embed !== undefined;
    const frame = await ancestorsOf(request.params.key, embed);
    try {
      const { survey } = await surveys.openAnonymous(request.params.key);
      return send(reply, 200, surveyFormPage(survey, langOf(request, survey, null), anonymousPath(request.params.key, embed)), frame);
    } catch (err) {
      return refusal(reply, err, fallbackLang(request), frame);
    }
  });
  app.post('/s/p/:key', { config: { access: 'public' }, schema: { hide: true, params: keyParams, querystring: pageQuerySchema } }, async (request, reply) => {
    const embed = request.query.embed !== undefined;
    const frame = await ancestorsOf(request.params.key, embed);
    const form = formAnswers(request.body);
    let opened;
    try {
      opened = await surveys.openAnonymous(request.params.key);
    } catch (err) {
      return refusal(reply, err, fallbackLang(request), frame);
    }
    const lang = langOf(request, opened.survey, null, form.lang);
    try {
      return send(reply, 200, thanksPage(lang, await surveys.answerAnonymous(request.params.key, form.answers, { ip: request.ip, locale: lang })), frame);
    } catch (err) {
      if (err instanceof ValidationError && !(request.body instanceof URLSearchParams)) throw err;
      if (err instanceof ValidationError) return send(reply, 400, surveyFormPage(opened.survey, lang, anonymousPath(request.params.key, embed), { values: form.answers, issues: err.issues }), frame);
      return refusal(reply, err, lang, frame);
    }
  });
}
