import { createHash, randomBytes } from 'node:crypto';
import { exportRows } from '../../kernel/exportRows.ts';
import { stringify } from 'csv-stringify/sync';
import { ConflictError, KizunaError, NotFoundError, ValidationError, type FieldIssue } from '../../kernel/errors.ts';
import type { Db, Queryable } from '../../db/database.ts';
import { newId } from '../../db/ids.ts';
import type { CustomerService } from '../customers/service.ts';
import type { EventService } from '../events/service.ts';
import type { LoyaltyService } from '../loyalty/service.ts';
import type { JobService } from '../jobs/service.ts';
import type { MessagingService } from '../messaging/service.ts';
import type { WebhookService } from '../webhooks/service.ts';
import type { WebhookEvent } from '../webhooks/types.ts';
import type { WorkspaceService } from '../workspaces/service.ts';
import { npsCategory, npsFromCounts, type NpsSummary } from './nps.ts';
import { CSAT_SATISFIED, csatFromCounts, type CsatSummary } from './csat.ts';
import { parseAnswers, questionIssues, standardQuestions } from './questions.ts';
import { themes, type Theme } from './themes.ts';
import { termsOf } from './tokenize.ts';
import { newSurveySecret, readSurveyLink, signSurveyLink, verifySurveyLink } from './tokens.ts';
import {
  casePatch,
  surveyInput,
  surveyPatch,
  surveySettingsInput,
  type Locale,
  type Survey,
  type SurveyCase,
  type SurveyInput,
  type SurveyPatch,
  type SurveyResponse,
} from './types.ts';

export interface SurveyDeps {
  workspaces: WorkspaceService;
  customers: CustomerService;
  events: EventService;
  webhooks: WebhookService;
  loyalty: LoyaltyService;
  messaging: MessagingService;
  jobs: JobService;
}

export interface SurveySettings {
  publicBaseUrl: string;
  reviewUrl: string | null;
  caseDueDays: number;
  defaultAssigneeId: string | null;
  alertEmails: string[];
  embedOrigins: string[];
}

/** Worker job: the team's email about one new detractor case (enqueued in the answer's transaction). */
export const ALERT_JOB = 'surveys.alert';

/** What the hosted page shows after an answer. */
export interface AnswerOutcome {
  responseId: string;
  category: 'promoter' | 'passive' | 'detractor' | null;
  caseId: string | null;
  reviewUrl: string | null;
  referralUrl: string | null;
}

/** A link's state when it cannot take an answer. */
export class LinkStateError extends KizunaError {
  constructor(
    readonly state: 'invalid' | 'expired' | 'used' | 'closed' | 'limited',
    message: string,
  ) {
    super(message, state === 'used' ? 409 : state === 'expired' || state === 'closed' ? 410 : state === 'limited' ? 429 : 400, `link_${state}`);
  }
}

export type Breakdown = 'segment' | 'tier' | 'cohort' | 'product';
export type NpsGroup = NpsSummary & { key: string };

/** Webhook type of the detractor alert (endpoints subscribe to it by name). */
export const DETRACTOR_ALERT: WebhookEvent = 'survey.detractor';

/** Anonymous answers per survey and address per hour. */
const ANONYMOUS_PER_HOUR = 5;
const DEFAULT_BASE_URL = 'http://localhost:3000';

const toSurvey = (r: Record<string, unknown>): Survey => ({
  id: r.id as string,
  slug: r.slug as string,
  kind: r.kind as Survey['kind'],
  status: r.status as Survey['status'],
  locale: r.locale as Locale,
  title: r.title as Survey['title'],
  questions: r.questions as Survey['questions'],
  reviewUrl: r.review_url as string | null,
  linkTtlDays: r.link_ttl_days as number,
  anonymous: r.anonymous as boolean,
  publicKey: r.public_key as string,
  createdAt: r.created_at as Date,
  updatedAt: r.updated_at as Date,
});

const toResponse = (r: Record<string, unknown>): SurveyResponse => ({
  id: r.id as string,
  surveyId: r.survey_id as string,
  customerId: r.customer_id as string | null,
  kind: r.kind as SurveyResponse['kind'],
  score: r.score as number | null,
  category: r.category as SurveyResponse['category'],
  comment: r.comment as string | null,
  answers: r.answers as SurveyResponse['answers'],
  locale: r.locale as Locale,
  source: r.source as SurveyResponse['source'],
  answeredAt: r.answered_at as Date,
});

function parse<T>(schema: { safeParse(v: unknown): { success: true; data: T } | { success: false; error: { issues: { path: PropertyKey[]; message: string }[] } } }, input: unknown, what: string): T {
  const result = schema.safeParse(input);
  if (!result.success) throw new ValidationError(`Invalid ${what}`, result.error.issues.map((i) => ({ path: i.path.map((p) => (typeof p === 'number' ? p : String(p))), message: i.message })));
  return result.data;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const CASE_SELECT = `SELECT c.*, r.score, r.comment, s.title AS survey_title, cu.external_id AS customer_external_id,
    nullif(concat_ws(' ', cu.family_name, cu.given_name), '') AS customer_name, u.name AS assignee_name, u.email AS assignee_email
  FROM survey_cases c
  JOIN survey_responses r ON r.workspace_id = c.workspace_id AND r.id = c.response_id
  JOIN surveys s ON s.workspace_id = c.workspace_id AND s.id = c.survey_id
  JOIN customers cu ON cu.workspace_id = c.workspace_id AND cu.id = c.customer_id
  LEFT JOIN users u ON u.workspace_id = c.workspace_id AND u.id = c.assignee_id`;

/**
 * Surveys (NPS, CSAT, CES, custom) delivered by signed per-customer links, anonymous links and an
 * embeddable frame; answers become `Survey Answered` events; detractors open follow-up cases and
 * alerts; NPS with confidence intervals, breakdowns and free-text themes. docs/surveys.md.
 * Reads customers, users, segments, loyalty members and orders in its analytical SQL (read only).
 */
export class SurveyService {
  constructor(
    private readonly db: Db,
    private readonly deps: SurveyDeps,
  ) {}

  // ── settings ──────────────────────────────────────────────────────────────

  /** The workspace's survey settings, created on first use (the base URL from messaging's when set). */
  async settings(workspaceId: string, q: Queryable = this.db): Promise<SurveySettings & { secret: string }> {
    let { rows } = await q.query('SELECT * FROM survey_settings WHERE workspace_id = $1', [workspaceId]);
    if (!rows[0]) {
      const base = await this.deps.messaging.getSettings(workspaceId).then((s) => s.publicBaseUrl).catch(() => DEFAULT_BASE_URL);
      await q.query('INSERT INTO survey_settings (workspace_id, token_secret, public_base_url) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING', [workspaceId, newSurveySecret(), base]);
      ({ rows } = await q.query('SELECT * FROM survey_settings WHERE workspace_id = $1', [workspaceId]));
    }
    const r = rows[0]!;
    return {
      secret: r.token_secret as string,
      publicBaseUrl: (r.public_base_url as string).replace(/\/+$/, ''),
      reviewUrl: r.review_url as string | null,
      caseDueDays: r.case_due_days as number,
      defaultAssigneeId: r.default_assignee as string | null,
      alertEmails: r.alert_emails as string[],
      embedOrigins: r.embed_origins as string[],
    };
  }

  async publicSettings(workspaceId: string): Promise<SurveySettings> {
    const { secret: _secret, ...rest } = await this.settings(workspaceId);
    return rest;
  }

  async updateSettings(workspaceId: string, input: unknown): Promise<SurveySettings> {
    const s = parse(surveySettingsInput, input, 'settings');
    await this.settings(workspaceId);
    if (s.defaultAssigneeId) await this.checkAssignee(workspaceId, s.defaultAssigneeId, ['defaultAssigneeId']);
    await this.db.query(
      `UPDATE survey_settings SET public_base_url = coalesce($2, public_base_url),
         review_url = CASE WHEN $6 THEN $3 ELSE review_url END, case_due_days = coalesce($4, case_due_days),
         default_assignee = CASE WHEN $7 THEN $5::uuid ELSE default_assignee END, alert_emails = coalesce($8, alert_emails),
         embed_origins = coalesce($9, embed_origins), updated_at = now()
       WHERE workspace_id = $1`,
      [workspaceId, s.publicBaseUrl ?? null, s.reviewUrl ?? null, s.caseDueDays ?? null, s.defaultAssigneeId ?? null, 'reviewUrl' in s, 'defaultAssigneeId' in s, s.alertEmails ?? null, s.embedOrigins ?? null],
    );
    return this.publicSettings(workspaceId);
  }

  // ── surveys ───────────────────────────────────────────────────────────────

  async create(workspaceId: string, input: SurveyInput): Promise<Survey> {
    const s = parse(surveyInput, input, 'survey');
    const questions = s.questions ?? (s.kind === 'custom' ? undefined : standardQuestions(s.kind));
    const issues: FieldIssue[] = questions ? questionIssues(s.kind, questions) : [{ path: ['questions'], message: 'a custom survey needs questions' }];
    if (!s.title[s.locale]) issues.push({ path: ['title', s.locale], message: `the title needs the survey's own language (${s.locale})` });
    if (issues.length > 0) throw new ValidationError('Invalid survey', issues);
    await this.settings(workspaceId);
    try {
      const { rows } = await this.db.query(
        `INSERT INTO surveys (workspace_id, id, slug, kind, status, locale, title, questions, review_url, link_ttl_days, anonymous, public_key)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12) RETURNING *`,
        [workspaceId, newId(), s.slug, s.kind, s.status, s.locale, JSON.stringify(s.title), JSON.stringify(questions), s.reviewUrl ?? null, s.linkTtlDays, s.anonymous, randomBytes(12).toString('base64url')],
      );
      return toSurvey(rows[0]!);
    } catch (err) {
      if ((err as { code?: string }).code === '23505') throw new ConflictError(`a survey with slug "${s.slug}" already exists`);
      throw err;
    }
  }

  async update(workspaceId: string, idOrSlug: string, patch: SurveyPatch): Promise<Survey> {
    const p = parse(surveyPatch, patch, 'survey');
    const current = await this.get(workspaceId, idOrSlug);
    const next = { ...current, ...p, questions: p.questions ?? current.questions, reviewUrl: p.reviewUrl === undefined ? current.reviewUrl : p.reviewUrl };
    const issues = questionIssues(current.kind, next.questions);
    if (!next.title[next.locale]) issues.push({ path: ['title', next.locale], message: `the title needs the survey's own language (${next.locale})` });
    if (issues.length > 0) throw new ValidationError('Invalid survey', issues);
    const { rows } = await this.db.query(
      `UPDATE surveys SET status = $3, locale = $4, title = $5, questions = $6, review_url = $7, link_ttl_days = $8, anonymous = $9, updated_at = now()
       WHERE workspace_id = $1 AND id = $2 RETURNING *`,
      [workspaceId, current.id, next.status, next.locale, JSON.stringify(next.title), JSON.stringify(next.questions), next.reviewUrl, next.linkTtlDays, next.anonymous],
    );
    return toSurvey(rows[0]!);
  }

  async get(workspaceId: string, idOrSlug: string, q: Queryable = this.db): Promise<Survey> {
    const { rows } = await q.query(`SELECT * FROM surveys WHERE workspace_id = $1 AND ${UUID.test(idOrSlug) ? 'id = $2::uuid' : 'slug = $2'}`, [workspaceId, idOrSlug]);
    if (!rows[0]) throw new NotFoundError(`survey ${idOrSlug} not found`);
    return toSurvey(rows[0]);
  }

  /** Surveys, newest first, each with its answer count and NPS (NPS surveys) or CSAT (CSAT surveys), with n and interval. */
  async list(workspaceId: string): Promise<(Survey & { responses: number; nps: NpsSummary | null; csat: CsatSummary | null })[]> {
    const { rows } = await this.db.query(
      `SELECT s.*, coalesce(r.n, 0)::int AS n, coalesce(r.p, 0)::int AS p, coalesce(r.pa, 0)::int AS pa, coalesce(r.d, 0)::int AS d,
              coalesce(r.rated, 0)::int AS rated, coalesce(r.satisfied, 0)::int AS satisfied
       FROM surveys s LEFT JOIN (
         SELECT survey_id, count(*) AS n, count(*) FILTER (WHERE category = 'promoter') AS p, count(*) FILTER (WHERE category = 'passive') AS pa,
                count(*) FILTER (WHERE category = 'detractor') AS d,
                count(score) AS rated, count(*) FILTER (WHERE score >= ${CSAT_SATISFIED}) AS satisfied
         FROM survey_responses WHERE workspace_id = $1 GROUP BY survey_id) r ON r.survey_id = s.id
       WHERE s.workspace_id = $1 ORDER BY s.id DESC`,
      [workspaceId],
    );
    return rows.map((r) => ({
      ...toSurvey(r),
      responses: r.n as number,
      nps: r.kind === 'nps' ? npsFromCounts(r.p as number, r.pa as number, r.d as number) : null,
      csat: r.kind === 'csat' ? csatFromCounts(r.satisfied as number, r.rated as number) : null,
    }));
  }

  // ── links ─────────────────────────────────────────────────────────────────

  /** Signed single-answer links for customers (ids or external ids), valid `ttlDays` (the survey's by default). */
  async mintLinks(
    workspaceId: string,
    idOrSlug: string,
    customers: string[],
    options: { ttlDays?: number; now?: Date } = {},
  ): Promise<{ customerId: string; externalId: string | null; url: string; expiresAt: Date }[]> {
    const survey = await this.get(workspaceId, idOrSlug);
    if (survey.status === 'closed') throw new ConflictError(`survey ${survey.slug} is closed`);
    const settings = await this.settings(workspaceId);
    const found: { id: string; externalId: string | null }[] = [];
    const issues: FieldIssue[] = [];
    for (const [i, c] of customers.entries()) {
      try {
        found.push(await this.deps.customers.find(workspaceId, c));
      } catch (err) {
        if (!(err instanceof NotFoundError)) throw err;
        issues.push({ path: ['customers', i], message: `customer ${c} not found` });
      }
    }
    if (issues.length > 0) throw new ValidationError('Unknown customers', issues);
    const expiresAt = new Date((options.now ?? new Date()).getTime() + (options.ttlDays ?? survey.linkTtlDays) * 86_400_000);
    return found.map((c) => ({
      customerId: c.id,
      externalId: c.externalId,
      url: `${settings.publicBaseUrl}/s/${signSurveyLink(settings.secret, { workspaceId, surveyId: survey.id, customerId: c.id, expiresAt })}`,
      expiresAt,
    }));
  }

  /**
   * The survey's anonymous link (SNS posts, UGC campaign entry pages, the embeddable frame), which
   * this call switches on. Answers through it have no customer and are rate limited per address.
   */
  async createAnonymousLink(workspaceId: string, idOrSlug: string): Promise<{ surveyId: string; url: string; embedUrl: string; iframe: string }> {
    const survey = await this.get(workspaceId, idOrSlug);
    if (!survey.anonymous) await this.db.query('UPDATE surveys SET anonymous = true, updated_at = now() WHERE workspace_id = $1 AND id = $2', [workspaceId, survey.id]);
    const { publicBaseUrl } = await this.settings(workspaceId);
    const url = `${publicBaseUrl}/s/p/${survey.publicKey}`;
    const embedUrl = `${url}?embed=1`;
    const title = (survey.title[survey.locale] ?? '').replace(/[&<>"]/g, (c) => `&#${c.charCodeAt(0)};`);
    return { surveyId: survey.id, url, embedUrl, iframe: `<iframe src="${embedUrl}" title="${title}" loading="lazy" style="width:100%;max-width:480px;height:640px;border:0"></iframe>` };
  }

  /** What the hosted page needs to show a per-customer link; LinkStateError when it cannot be answered. */
  async openLink(token: string, now: Date = new Date()): Promise<{ workspaceId: string; survey: Survey; customerLocale: string | null }> {
    const claims = readSurveyLink(token);
    if (!claims) throw new LinkStateError('invalid', 'not a survey link Kizuna signed');
    const { rows } = await this.db.query<{ token_secret: string }>('SELECT token_secret FROM survey_settings WHERE workspace_id = $1', [claims.workspaceId]);
    if (!rows[0] || !verifySurveyLink(rows[0].token_secret, token)) throw new LinkStateError('invalid', 'not a survey link Kizuna signed');
    const survey = await this.get(claims.workspaceId, claims.surveyId).catch(() => undefined);
    if (!survey) throw new LinkStateError('invalid', 'the survey no longer exists');
    if (claims.expiresAt <= now) throw new LinkStateError('expired', 'the link has expired');
    if (survey.status !== 'active') throw new LinkStateError('closed', 'the survey is not open');
    const used = await this.db.query('SELECT 1 FROM survey_responses WHERE workspace_id = $1 AND customer_id = $2 AND link_nonce = $3', [claims.workspaceId, claims.customerId, claims.nonce]);
    if (used.rows.length > 0) throw new LinkStateError('used', 'this link has already been answered');
    const customer = await this.deps.customers.get(claims.workspaceId, claims.customerId).catch(() => undefined);
    if (!customer || customer.erasedAt) throw new LinkStateError('invalid', 'the customer no longer exists');
    return { workspaceId: claims.workspaceId, survey, customerLocale: customer.locale };
  }

  async answerLink(token: string, raw: Record<string, unknown>, locale: Locale, now: Date = new Date()): Promise<AnswerOutcome> {
    const { workspaceId, survey } = await this.openLink(token, now);
    const claims = readSurveyLink(token)!;
    return this.record(workspaceId, survey, { customerId: claims.customerId, nonce: claims.nonce, source: 'link', ipHash: null, locale }, raw, now);
  }

  /** The origins that may frame the widget of the survey with this public key (none for an unknown key). */
  async embedOriginsOf(publicKey: string): Promise<string[]> {
    const { rows } = await this.db.query<{ embed_origins: string[] }>(
      'SELECT st.embed_origins FROM surveys s JOIN survey_settings st ON st.workspace_id = s.workspace_id WHERE s.public_key = $1',
      [publicKey],
    );
    return rows[0]?.embed_origins ?? [];
  }

  async openAnonymous(publicKey: string): Promise<{ workspaceId: string; survey: Survey }> {
    const { rows } = await this.db.query('SELECT * FROM surveys WHERE public_key = $1', [publicKey]);
    const r = rows[0];
    if (!r || !r.anonymous) throw new LinkStateError('invalid', 'no survey answers at this address');
    const survey = toSurvey(r);
    if (survey.status !== 'active') throw new LinkStateError('closed', 'the survey is not open');
    return { workspaceId: r.workspace_id as string, survey };
  }

  async answerAnonymous(publicKey: string, raw: Record<string, unknown>, meta: { ip: string; locale: Locale }, now: Date = new Date()): Promise<AnswerOutcome> {
    const { workspaceId, survey } = await this.openAnonymous(publicKey);
    const { secret } = await this.settings(workspaceId);
    const ipHash = createHash('sha256').update(`${secret}\n${meta.ip}`).digest('base64url').slice(0, 22);
    return this.record(workspaceId, survey, { customerId: null, nonce: null, source: 'anonymous', ipHash, locale: meta.locale }, raw, now);
  }

  /** The anonymous limit, counted inside the answer's transaction under a lock per (survey, address), so a burst cannot slip past. */
  private async checkAnonymousLimit(tx: Queryable, workspaceId: string, surveyId: string, ipHash: string, now: Date): Promise<void> {
    await tx.query('SELECT pg_advisory_xact_lock(hashtextextended($1, 0))', [`survey-anon:${surveyId}:${ipHash}`]);
    const { rows } = await tx.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM survey_responses WHERE workspace_id = $1 AND survey_id = $2 AND ip_hash = $3 AND answered_at > $4`,
      [workspaceId, surveyId, ipHash, new Date(now.getTime() - 3_600_000)],
    );
    if (rows[0]!.n >= ANONYMOUS_PER_HOUR) throw new LinkStateError('limited', `at most ${ANONYMOUS_PER_HOUR} answers an hour from one address`);
  }

  /**
   * One answer, all or nothing: the response, the `Survey Answered` event, and for an identified
   * NPS detractor a follow-up case and the alert webhook. A link's second answer fails on the
   * unique nonce even when two arrive at once.
   */
  private async record(
    workspaceId: string,
    survey: Survey,
    who: { customerId: string | null; nonce: string | null; source: 'link' | 'anonymous'; ipHash: string | null; locale: Locale },
    raw: Record<string, unknown>,
    now: Date,
  ): Promise<AnswerOutcome> {
    const parsed = parseAnswers(survey, raw);
    const category = survey.kind === 'nps' && parsed.score !== null ? npsCategory(parsed.score) : null;
    const settings = await this.settings(workspaceId);
    const responseId = newId();
    const caseId = await this.db
      .tx(async (tx) => {
        if (who.source === 'anonymous' && who.ipHash) await this.checkAnonymousLimit(tx, workspaceId, survey.id, who.ipHash, now);
        await tx.query(
          `INSERT INTO survey_responses (workspace_id, id, survey_id, customer_id, link_nonce, kind, score, category, comment, answers, locale, source, ip_hash, answered_at)
           VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14)`,
          [workspaceId, responseId, survey.id, who.customerId, who.nonce, survey.kind, parsed.score, category, parsed.comment, JSON.stringify(parsed.answers), who.locale, who.source, who.ipHash, now],
        );
        if (!who.customerId) return null;
        await this.deps.events.insertForCustomers(
          workspaceId,
          [{ customerId: who.customerId, messageId: `survey-response:${responseId}`, name: 'Survey Answered', properties: { surveyId: survey.id, survey: survey.slug, type: survey.kind, score: parsed.score, category }, occurredAt: now }],
          tx,
        );
        if (category !== 'detractor') return null;
        const id = newId();
        const dueAt = new Date(now.getTime() + settings.caseDueDays * 86_400_000);
        await tx.query(
          `INSERT INTO survey_cases (workspace_id, id, customer_id, response_id, survey_id, status, assignee_id, due_at, created_at, updated_at)
           VALUES ($1, $2, $3, $4, $5, 'open', $6, $7, $8, $8)`,
          [workspaceId, id, who.customerId, responseId, survey.id, settings.defaultAssigneeId, dueAt, now],
        );
        await this.deps.webhooks.enqueue(workspaceId, DETRACTOR_ALERT, [{ caseId: id, responseId, surveyId: survey.id, survey: survey.slug, customerId: who.customerId, score: parsed.score, comment: parsed.comment, dueAt: dueAt.toISOString() }], tx);
        if (settings.alertEmails.length > 0) await this.deps.jobs.enqueue(workspaceId, { kind: ALERT_JOB, dedupeKey: `${ALERT_JOB}:${id}`, payload: { caseId: id }, maxAttempts: 5 }, tx);
        return id;
      })
      .catch((err: unknown) => {
        if ((err as { code?: string }).code === '23505') throw new LinkStateError('used', 'this link has already been answered');
        throw err;
      });
    let referralUrl: string | null = null;
    if (category === 'promoter' && who.customerId) {
      referralUrl = await this.deps.loyalty.referral(workspaceId, who.customerId).then((r) => r.link, (err: unknown) => {
        if (err instanceof KizunaError) return null; // no loyalty programme: no referral to offer
        throw err;
      });
    }
    return { responseId, category, caseId, reviewUrl: survey.reviewUrl ?? settings.reviewUrl, referralUrl };
  }

  // ── responses ─────────────────────────────────────────────────────────────

  async listResponses(
    workspaceId: string,
    query: { survey?: string; customerId?: string; category?: string; limit?: number; cursor?: string } = {},
  ): Promise<{ data: SurveyResponse[]; nextCursor: string | null }> {
    const limit = query.limit ?? 50;
    const surveyId = query.survey ? (await this.get(workspaceId, query.survey)).id : null;
    if (query.cursor && !UUID.test(query.cursor)) throw new ValidationError('Invalid cursor', [{ path: ['cursor'], message: 'the nextCursor of a previous page' }]);
    const { rows } = await this.db.query(
      `SELECT * FROM survey_responses WHERE workspace_id = $1 AND ($2::uuid IS NULL OR survey_id = $2) AND ($3::uuid IS NULL OR customer_id = $3)
         AND ($4::text IS NULL OR category = $4) AND ($5::uuid IS NULL OR id < $5) ORDER BY id DESC LIMIT $6`,
      [workspaceId, surveyId, query.customerId ?? null, query.category ?? null, query.cursor ?? null, limit + 1],
    );
    const data = rows.slice(0, limit).map(toResponse);
    return { data, nextCursor: rows.length > limit ? data[data.length - 1]!.id : null };
  }

  /** Every response of a survey as CSV (UTF-8 with a BOM, so Excel opens Japanese text correctly). */
  async exportCsv(workspaceId: string, idOrSlug: string): Promise<string> {
    const survey = await this.get(workspaceId, idOrSlug);
    const { rows } = await this.db.query(
      `SELECT r.*, c.external_id, c.email FROM survey_responses r LEFT JOIN customers c ON c.workspace_id = r.workspace_id AND c.id = r.customer_id
       WHERE r.workspace_id = $1 AND r.survey_id = $2 ORDER BY r.answered_at, r.id`,
      [workspaceId, survey.id],
    );
    const qs = survey.questions;
    const header = ['response_id', 'answered_at', 'customer_id', 'customer_external_id', 'email', 'source', 'locale', 'score', 'category', ...qs.map((q) => q.id)];
    const body = rows.map((r) => {
      const answers = r.answers as Record<string, unknown>;
      return [r.id, (r.answered_at as Date).toISOString(), r.customer_id ?? '', r.external_id ?? '', r.email ?? '', r.source, r.locale, r.score ?? '', r.category ?? '', ...qs.map((q) => {
        const a = answers[q.id];
        return Array.isArray(a) ? a.join('|') : (a ?? '');
      })];
    });
    return `\uFEFF${stringify([header, ...body], { escape_formulas: true })}`;
  }

  /** A customer's answers and follow-up cases (the customer 360 panel). */
  async forCustomer(workspaceId: string, customerId: string): Promise<{ responses: (SurveyResponse & { surveyTitle: Survey['title'] })[]; cases: SurveyCase[] }> {
    // Another workspace's customer (or none) is a 404, not an empty history.
    await this.deps.customers.get(workspaceId, customerId);
    const { rows } = await this.db.query(
      `SELECT r.*, s.title AS survey_title FROM survey_responses r JOIN surveys s ON s.workspace_id = r.workspace_id AND s.id = r.survey_id
       WHERE r.workspace_id = $1 AND r.customer_id = $2 ORDER BY r.answered_at DESC LIMIT 100`,
      [workspaceId, customerId],
    );
    return { responses: rows.map((r) => ({ ...toResponse(r), surveyTitle: r.survey_title as Survey['title'] })), cases: (await this.listCases(workspaceId, { customerId, status: 'all' })).data };
  }

  /** The privacy export's part: every answer (with the survey's slug), every follow-up case and the notes on them. */
  async exportCustomer(workspaceId: string, customerId: string, q: Queryable = this.db) {
    const rows = (sql: string) => exportRows(q, sql, [workspaceId, customerId]);
    return {
      surveyResponses: await rows(
        `SELECT s.slug AS survey_slug, r.* FROM survey_responses r JOIN surveys s ON s.workspace_id = r.workspace_id AND s.id = r.survey_id
         WHERE r.workspace_id = $1 AND r.customer_id = $2 ORDER BY r.answered_at, r.id`,
      ),
      surveyCases: await rows('SELECT * FROM survey_cases WHERE workspace_id = $1 AND customer_id = $2 ORDER BY created_at, id'),
      surveyCaseNotes: await rows(
        `SELECT n.* FROM survey_case_notes n JOIN survey_cases c ON c.workspace_id = n.workspace_id AND c.id = n.case_id
         WHERE n.workspace_id = $1 AND c.customer_id = $2 ORDER BY n.created_at, n.id`,
      ),
    };
  }

  /**
   * Erasure (APPI/GDPR): what the person wrote goes (comments, answers, notes on their cases);
   * scores and categories stay so NPS history remains true.
   */
  async eraseCustomer(workspaceId: string, customerId: string, q: Queryable = this.db): Promise<void> {
    await q.query(
      `DELETE FROM survey_case_notes n USING survey_cases c
       WHERE n.workspace_id = $1 AND c.workspace_id = $1 AND c.id = n.case_id AND c.customer_id = $2`,
      [workspaceId, customerId],
    );
    await q.query(`UPDATE survey_responses SET comment = NULL, answers = '{}'::jsonb, ip_hash = NULL WHERE workspace_id = $1 AND customer_id = $2`, [workspaceId, customerId]);
  }

  // ── cases ─────────────────────────────────────────────────────────────────

  /** Emails the team about a new detractor case: who, the score, what they wrote, and where to follow up. */
  async sendCaseAlert(workspaceId: string, caseId: string): Promise<{ sent: number }> {
    const { alertEmails, publicBaseUrl } = await this.settings(workspaceId);
    if (alertEmails.length === 0) return { sent: 0 };
    const c = await this.getCase(workspaceId, caseId);
    const who = [c.customerName, c.customerExternalId].filter(Boolean).join(' / ') || c.customerId;
    const text = [
      `NPS ${c.score} — ${who}`,
      c.comment ? `「${c.comment}」` : '(no comment)',
      `Due: ${c.dueAt.toISOString()}`,
      `${publicBaseUrl}/feedback`,
    ].join('\n\n');
    await this.deps.messaging.notifyTeam(workspaceId, { key: `survey-case-alert:${c.id}`, to: alertEmails, subject: `[Kizuna] 要フォロー: NPS ${c.score} (${who})`, text });
    return { sent: alertEmails.length };
  }


  async listCases(
    workspaceId: string,
    query: { status?: 'open' | 'in_progress' | 'closed' | 'active' | 'all'; overdue?: boolean; customerId?: string; limit?: number; now?: Date } = {},
  ): Promise<{ data: SurveyCase[]; counts: { active: number; overdue: number } }> {
    const now = query.now ?? new Date();
    const status = query.status ?? 'active';
    const { rows } = await this.db.query(
      `${CASE_SELECT}
       WHERE c.workspace_id = $1 AND ($2 = 'all' OR ($2 = 'active' AND c.status <> 'closed') OR c.status = $2)
         AND (NOT $3 OR (c.status <> 'closed' AND c.due_at < $4)) AND ($5::uuid IS NULL OR c.customer_id = $5)
       ORDER BY c.status = 'closed', c.due_at, c.id LIMIT $6`,
      [workspaceId, status, query.overdue ?? false, now, query.customerId ?? null, query.limit ?? 200],
    );
    const { rows: counts } = await this.db.query<{ active: number; overdue: number }>(
      `SELECT count(*)::int AS active, count(*) FILTER (WHERE due_at < $2)::int AS overdue FROM survey_cases WHERE workspace_id = $1 AND status <> 'closed'`,
      [workspaceId, now],
    );
    return { data: await this.withNotes(workspaceId, rows, now), counts: counts[0]! };
  }

  async getCase(workspaceId: string, id: string, now: Date = new Date()): Promise<SurveyCase> {
    if (!UUID.test(id)) throw new NotFoundError(`case ${id} not found`);
    const { rows } = await this.db.query(`${CASE_SELECT} WHERE c.workspace_id = $1 AND c.id = $2`, [workspaceId, id]);
    if (!rows[0]) throw new NotFoundError(`case ${id} not found`);
    return (await this.withNotes(workspaceId, rows, now))[0]!;
  }

  /** Assign, reschedule or move a case along open → in_progress → closed (reopening is allowed). */
  async updateCase(workspaceId: string, id: string, patch: unknown): Promise<SurveyCase> {
    const p = parse(casePatch, patch, 'case');
    const current = await this.getCase(workspaceId, id);
    if (p.assigneeId) await this.checkAssignee(workspaceId, p.assigneeId, ['assigneeId']);
    await this.db.query(
      `UPDATE survey_cases SET status = coalesce($3, status), assignee_id = CASE WHEN $4 THEN $5::uuid ELSE assignee_id END, due_at = coalesce($6, due_at),
         closed_at = CASE WHEN coalesce($3, status) = 'closed' THEN coalesce(closed_at, now()) ELSE NULL END, updated_at = now()
       WHERE workspace_id = $1 AND id = $2`,
      [workspaceId, current.id, p.status ?? null, 'assigneeId' in p, p.assigneeId ?? null, p.dueAt ?? null],
    );
    return this.getCase(workspaceId, id);
  }

  async addNote(workspaceId: string, caseId: string, body: string, authorId: string | null): Promise<SurveyCase> {
    const text = typeof body === 'string' ? body.trim() : '';
    if (!text || text.length > 5000) throw new ValidationError('Invalid note', [{ path: ['body'], message: 'a note of 1 to 5000 characters' }]);
    const current = await this.getCase(workspaceId, caseId);
    await this.db.query('INSERT INTO survey_case_notes (workspace_id, case_id, id, author_id, body) VALUES ($1, $2, $3, $4, $5)', [workspaceId, current.id, newId(), authorId, text]);
    await this.db.query(`UPDATE survey_cases SET updated_at = now() WHERE workspace_id = $1 AND id = $2`, [workspaceId, current.id]);
    return this.getCase(workspaceId, caseId);
  }

  /** People who can own cases: the workspace's web app users. */
  async assignees(workspaceId: string): Promise<{ id: string; name: string | null; email: string }[]> {
    const { rows } = await this.db.query<{ id: string; name: string | null; email: string }>('SELECT id, name, email FROM users WHERE workspace_id = $1 ORDER BY coalesce(name, email)', [workspaceId]);
    return rows;
  }

  private async checkAssignee(workspaceId: string, userId: string, path: string[]): Promise<void> {
    const { rows } = await this.db.query('SELECT 1 FROM users WHERE workspace_id = $1 AND id = $2', [workspaceId, userId]);
    if (rows.length === 0) throw new ValidationError('Unknown user', [{ path, message: `no user ${userId} in this workspace` }]);
  }

  private async withNotes(workspaceId: string, rows: Record<string, unknown>[], now: Date): Promise<SurveyCase[]> {
    const ids = rows.map((r) => r.id as string);
    const { rows: notes } = ids.length
      ? await this.db.query(
          `SELECT n.*, u.name AS author_name, u.email AS author_email FROM survey_case_notes n LEFT JOIN users u ON u.workspace_id = n.workspace_id AND u.id = n.author_id
           WHERE n.workspace_id = $1 AND n.case_id = ANY($2::uuid[]) ORDER BY n.id`,
          [workspaceId, ids],
        )
      : { rows: [] };
    return rows.map((r) => ({
      id: r.id as string,
      customerId: r.customer_id as string,
      customerName: r.customer_name as string | null,
      customerExternalId: r.customer_external_id as string | null,
      responseId: r.response_id as string,
      surveyId: r.survey_id as string,
      surveyTitle: r.survey_title as Survey['title'],
      score: r.score as number | null,
      comment: r.comment as string | null,
      status: r.status as SurveyCase['status'],
      assigneeId: r.assignee_id as string | null,
      assigneeName: (r.assignee_name ?? r.assignee_email ?? null) as string | null,
      dueAt: r.due_at as Date,
      overdue: r.status !== 'closed' && (r.due_at as Date) < now,
      createdAt: r.created_at as Date,
      updatedAt: r.updated_at as Date,
      closedAt: r.closed_at as Date | null,
      notes: notes
        .filter((n) => n.case_id === r.id)
        .map((n) => ({ id: n.id as string, authorId: n.author_id as string | null, authorName: (n.author_name ?? n.author_email ?? null) as string | null, body: n.body as string, createdAt: n.created_at as Date })),
    }));
  }

  // ── analysis ──────────────────────────────────────────────────────────────

  /** NPS with its 95 % interval over [from, to) (all time by default), of one survey or all NPS surveys. */
  async nps(workspaceId: string, query: { survey?: string; from?: Date; to?: Date } = {}): Promise<NpsSummary> {
    const surveyId = query.survey ? (await this.get(workspaceId, query.survey)).id : null;
    const { rows } = await this.db.query<{ p: number; pa: number; d: number }>(
      `SELECT count(*) FILTER (WHERE category = 'promoter')::int AS p, count(*) FILTER (WHERE category = 'passive')::int AS pa,
              count(*) FILTER (WHERE category = 'detractor')::int AS d
       FROM survey_responses WHERE workspace_id = $1 AND kind = 'nps' AND ($2::uuid IS NULL OR survey_id = $2)
         AND ($3::timestamptz IS NULL OR answered_at >= $3) AND ($4::timestamptz IS NULL OR answered_at < $4)`,
      [workspaceId, surveyId, query.from ?? null, query.to ?? null],
    );
    return npsFromCounts(rows[0]!.p, rows[0]!.pa, rows[0]!.d);
  }

  /** NPS per week or month (workspace time zone), each with its interval. */
  async npsTrend(workspaceId: string, query: { survey?: string; granularity?: 'week' | 'month'; from?: Date; to?: Date } = {}): Promise<(NpsSummary & { start: string; partial: boolean })[]> {
    const surveyId = query.survey ? (await this.get(workspaceId, query.survey)).id : null;
    const { timeZone } = await this.deps.workspaces.get(workspaceId);
    // partial: the period still runs (like for like, docs/metrics.md): the chart draws it dashed.
    const { rows } = await this.db.query<{ start: string; partial: boolean; p: number; pa: number; d: number }>(
      `SELECT date_trunc($3, answered_at AT TIME ZONE $4)::date::text AS start,
              bool_or(date_trunc($3, answered_at AT TIME ZONE $4) + ('1 ' || $3)::interval > now() AT TIME ZONE $4) AS partial,
              count(*) FILTER (WHERE category = 'promoter')::int AS p, count(*) FILTER (WHERE category = 'passive')::int AS pa,
              count(*) FILTER (WHERE category = 'detractor')::int AS d
       FROM survey_responses WHERE workspace_id = $1 AND kind = 'nps' AND ($2::uuid IS NULL OR survey_id = $2)
         AND ($5::timestamptz IS NULL OR answered_at >= $5) AND ($6::timestamptz IS NULL OR answered_at < $6)
       GROUP BY 1 ORDER BY 1`,
      [workspaceId, surveyId, query.granularity ?? 'month', timeZone, query.from ?? null, query.to ?? null],
    );
    return rows.map((r) => ({ start: r.start, partial: r.partial, ...npsFromCounts(r.p, r.pa, r.d) }));
  }

  /**
   * NPS by a customer attribute, each group with its interval: segment (current members), loyalty
   * tier, cohort (month of the first order) or product category bought. A customer in two segments
   * or categories counts in both.
   */
  async npsBy(workspaceId: string, by: Breakdown, query: { survey?: string; from?: Date; to?: Date } = {}): Promise<NpsGroup[]> {
    const surveyId = query.survey ? (await this.get(workspaceId, query.survey)).id : null;
    const { timeZone } = await this.deps.workspaces.get(workspaceId);
    const groups: Record<Breakdown, string> = {
      segment: `JOIN segment_members m ON m.workspace_id = r.workspace_id AND m.customer_id = r.customer_id
                JOIN segments g ON g.workspace_id = m.workspace_id AND g.id = m.segment_id CROSS JOIN LATERAL (SELECT g.name AS key) k`,
      tier: `LEFT JOIN loyalty_members lm ON lm.workspace_id = r.workspace_id AND lm.customer_id = r.customer_id CROSS JOIN LATERAL (SELECT coalesce(lm.tier, '-') AS key) k`,
      cohort: `CROSS JOIN LATERAL (SELECT coalesce(to_char(min(o.ordered_at AT TIME ZONE $5), 'YYYY-MM'), '-') AS key FROM orders o
                 WHERE o.workspace_id = r.workspace_id AND o.customer_id = r.customer_id) k`,
      product: `CROSS JOIN LATERAL (SELECT DISTINCT coalesce(l.category, '-') AS key FROM order_lines l
                  WHERE l.workspace_id = r.workspace_id AND l.customer_id = r.customer_id AND l.total_minor > 0) k`,
    };
    const { rows } = await this.db.query<{ key: string; p: number; pa: number; d: number }>(
      `SELECT k.key, count(*) FILTER (WHERE r.category = 'promoter')::int AS p, count(*) FILTER (WHERE r.category = 'passive')::int AS pa,
              count(*) FILTER (WHERE r.category = 'detractor')::int AS d
       FROM survey_responses r ${groups[by]}
       WHERE r.workspace_id = $1 AND r.kind = 'nps' AND r.customer_id IS NOT NULL AND ($2::uuid IS NULL OR r.survey_id = $2)
         AND ($3::timestamptz IS NULL OR r.answered_at >= $3) AND ($4::timestamptz IS NULL OR r.answered_at < $4)
         AND $5::text IS NOT NULL -- the time zone is used by the cohort grouping only; every parameter needs a type
       GROUP BY k.key ORDER BY count(*) DESC, k.key LIMIT 50`,
      [workspaceId, surveyId, query.from ?? null, query.to ?? null, timeZone],
    );
    return rows.map((r) => ({ key: r.key, ...npsFromCounts(r.p, r.pa, r.d) }));
  }

  /** The words that set promoters' comments apart from detractors' (themes.ts), with quotes; the latest `sample` comments. */
  async themes(workspaceId: string, query: { survey?: string; from?: Date; sample?: number; limit?: number } = {}): Promise<{ promoters: Theme[]; detractors: Theme[]; comments: number }> {
    const surveyId = query.survey ? (await this.get(workspaceId, query.survey)).id : null;
    const { rows } = await this.db.query<{ category: 'promoter' | 'detractor'; comment: string }>(
      `SELECT category, comment FROM survey_responses
       WHERE workspace_id = $1 AND category IN ('promoter', 'detractor') AND comment IS NOT NULL AND ($2::uuid IS NULL OR survey_id = $2)
         AND ($3::timestamptz IS NULL OR answered_at >= $3)
       ORDER BY answered_at DESC LIMIT $4`,
      [workspaceId, surveyId, query.from ?? null, query.sample ?? 5000],
    );
    const terms = await termsOf(rows.map((r) => r.comment));
    const result = themes(rows.map((r, i) => ({ group: r.category, text: r.comment, terms: terms[i]! })), { limit: query.limit ?? 8 });
    return { ...result, comments: rows.length };
  }
}
