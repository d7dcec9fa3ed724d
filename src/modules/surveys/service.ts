import { randomBytes } from 'node:crypto';
import { csvExportBuffer, exportOptions, exportRows, type ExportEncoding, type ExportLang } from '../../kernel/exportRows.ts';
import { ConflictError, NotFoundError, ValidationError, type FieldIssue } from '../../kernel/errors.ts';
import type { Db, Queryable } from '../../db/database.ts';
import { newId } from '../../db/ids.ts';
import type { CustomerService } from '../customers/index.ts';
import type { EventService } from '../events/index.ts';
import type { LoyaltyService } from '../loyalty/index.ts';
import type { JobService } from '../jobs/index.ts';
import type { MessagingService } from '../messaging/index.ts';
import type { WebhookService } from '../webhooks/index.ts';
import type { WorkspaceService } from '../workspaces/index.ts';
import { npsFromCounts, type NpsSummary } from './nps.ts';
import { CSAT_SATISFIED, csatFromCounts, type CsatSummary } from './csat.ts';
import { questionIssues, standardQuestions } from './questions.ts';
import { newSurveySecret } from './tokens.ts';
import { claimPublicKey } from './publicKeys.ts';
import { SurveyAnalysis } from './analysis.ts';
import { SurveyAnswers } from './answers.ts';
import { SurveyCases } from './cases.ts';
import { parse, toResponse, toSurvey, UUID } from './rows.ts';

export { ALERT_JOB, LinkStateError, DETRACTOR_ALERT, type AnswerOutcome } from './answers.ts';
export type { Breakdown, NpsGroup } from './analysis.ts';
import {
  surveyInput,
  surveyPatch,
  surveySettingsInput,
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

/** What the parts of the surveys module ask of the service: a survey by id or slug, and the workspace's settings. */
export interface SurveyBasics {
  get(workspaceId: string, idOrSlug: string, q?: Queryable): Promise<Survey>;
  settings(workspaceId: string, q?: Queryable): Promise<SurveySettings & { secret: string }>;
}

export interface SurveySettings {
  publicBaseUrl: string;
  reviewUrl: string | null;
  caseDueDays: number;
  defaultAssigneeId: string | null;
  alertEmails: string[];
  embedOrigins: string[];
}


const DEFAULT_BASE_URL = 'http://localhost:3000';

/**
 * Surveys (NPS, CSAT, CES, custom) delivered by signed per-customer links, anonymous links and an
 * embeddable frame; answers become `Survey Answered` events; detractors open follow-up cases and
 * alerts; NPS with confidence intervals, breakdowns and free-text themes. docs/surveys.md.
 * Reads customers, users, segments, loyalty members and orders in its analytical SQL (read only).
 */
export class SurveyService implements SurveyBasics {
  private readonly answers: SurveyAnswers;
  private readonly cases: SurveyCases;
  private readonly analysis: SurveyAnalysis;

  constructor(
    private readonly db: Db,
    private readonly deps: SurveyDeps,
  ) {
    this.answers = new SurveyAnswers(db, deps, this);
    this.cases = new SurveyCases(db, deps, this);
    this.analysis = new SurveyAnalysis(db, deps, this);
  }

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
    if (s.defaultAssigneeId) await this.cases.checkAssignee(workspaceId, s.defaultAssigneeId, ['defaultAssigneeId']);
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
      return await this.db.tx(async (tx) => {
        const { rows } = await tx.query(
          `INSERT INTO surveys (workspace_id, id, slug, kind, status, locale, title, questions, review_url, link_ttl_days, anonymous, public_key)
           VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12) RETURNING *`,
          [workspaceId, newId(), s.slug, s.kind, s.status, s.locale, JSON.stringify(s.title), JSON.stringify(questions), s.reviewUrl ?? null, s.linkTtlDays, s.anonymous, randomBytes(12).toString('base64url')],
        );
        const survey = toSurvey(rows[0]!);
        await claimPublicKey(tx, workspaceId, survey.id, survey.publicKey);
        return survey;
      });
    } catch (err) {
      // Only the slug can clash in practice: a public key is 96 random bits.
      if ((err as { constraint?: string }).constraint === 'surveys_workspace_id_slug_key') throw new ConflictError(`a survey with slug "${s.slug}" already exists`);
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
  async exportCsv(workspaceId: string, idOrSlug: string, asked: { encoding?: ExportEncoding; lang?: ExportLang } = {}): Promise<Buffer> {
    const survey = await this.get(workspaceId, idOrSlug);
    const { rows } = await this.db.query(
      `SELECT r.*, c.external_id, c.email FROM survey_responses r LEFT JOIN customers c ON c.workspace_id = r.workspace_id AND c.id = r.customer_id
       WHERE r.workspace_id = $1 AND r.survey_id = $2 ORDER BY r.answered_at, r.id`,
      [workspaceId, survey.id],
    );
    const qs = survey.questions;
    const header = (en: string, ja: string) => ({ header: { en, ja } });
    const columns = [
      header('Response ID', '回答ID'), header('Answered at', '回答日時'), header('Customer ID', '顧客ID'), header('External ID', '外部ID'),
      header('Email', 'メールアドレス'), header('Source', '回答経路'), header('Locale', '言語'), header('Score', 'スコア'), header('Category', '区分'),
      // Question columns are named by the question's id, the same in both languages (the survey defines its own wording).
      ...qs.map((q) => header(q.id, q.id)),
    ];
    const body = rows.map((r) => {
      const answers = r.answers as Record<string, unknown>;
      return [r.id, r.answered_at as Date, r.customer_id, r.external_id, r.email, r.source, r.locale, r.score, r.category, ...qs.map((q) => answers[q.id])];
    });
    return csvExportBuffer(columns, body, exportOptions(await this.deps.workspaces.get(workspaceId), asked));
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

  // ── links and answers (answers.ts) ────────────────────────────────────────

  mintLinks(...a: Parameters<SurveyAnswers['mintLinks']>) { return this.answers.mintLinks(...a); }
  createAnonymousLink(...a: Parameters<SurveyAnswers['createAnonymousLink']>) { return this.answers.createAnonymousLink(...a); }
  openLink(...a: Parameters<SurveyAnswers['openLink']>) { return this.answers.openLink(...a); }
  answerLink(...a: Parameters<SurveyAnswers['answerLink']>) { return this.answers.answerLink(...a); }
  embedOriginsOf(...a: Parameters<SurveyAnswers['embedOriginsOf']>) { return this.answers.embedOriginsOf(...a); }
  openAnonymous(...a: Parameters<SurveyAnswers['openAnonymous']>) { return this.answers.openAnonymous(...a); }
  answerAnonymous(...a: Parameters<SurveyAnswers['answerAnonymous']>) { return this.answers.answerAnonymous(...a); }

  // ── follow-up cases (cases.ts) ────────────────────────────────────────────

  sendCaseAlert(...a: Parameters<SurveyCases['sendCaseAlert']>) { return this.cases.sendCaseAlert(...a); }
  listCases(...a: Parameters<SurveyCases['listCases']>) { return this.cases.listCases(...a); }
  getCase(...a: Parameters<SurveyCases['getCase']>) { return this.cases.getCase(...a); }
  updateCase(...a: Parameters<SurveyCases['updateCase']>) { return this.cases.updateCase(...a); }
  addNote(...a: Parameters<SurveyCases['addNote']>) { return this.cases.addNote(...a); }
  assignees(...a: Parameters<SurveyCases['assignees']>) { return this.cases.assignees(...a); }

  // ── NPS and themes (analysis.ts) ──────────────────────────────────────────

  nps(...a: Parameters<SurveyAnalysis['nps']>) { return this.analysis.nps(...a); }
  npsTrend(...a: Parameters<SurveyAnalysis['npsTrend']>) { return this.analysis.npsTrend(...a); }
  npsBy(...a: Parameters<SurveyAnalysis['npsBy']>) { return this.analysis.npsBy(...a); }
  themes(...a: Parameters<SurveyAnalysis['themes']>) { return this.analysis.themes(...a); }
}
