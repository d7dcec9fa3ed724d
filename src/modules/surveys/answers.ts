import { createHash } from 'node:crypto';
import { ConflictError, KizunaError, NotFoundError, ValidationError, type FieldIssue } from '../../kernel/errors.ts';
import type { Db, Queryable } from '../../db/database.ts';
import { newId } from '../../db/ids.ts';
import type { WebhookEvent } from '../webhooks/index.ts';
import { npsCategory } from './nps.ts';
import { parseAnswers } from './questions.ts';
import { surveyOfPublicKey } from './publicKeys.ts';
import type { SurveyBasics, SurveyDeps } from './service.ts';
import { readSurveyLink, signSurveyLink, verifySurveyLink } from './tokens.ts';
import type { Locale, Survey } from './types.ts';

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

/** Webhook type of the detractor alert (endpoints subscribe to it by name). */
export const DETRACTOR_ALERT: WebhookEvent = 'survey.detractor';

/** Anonymous answers per survey and address per hour. */
const ANONYMOUS_PER_HOUR = 5;

/**
 * Links and answers: signed per-customer links, the anonymous link and its per-address limit, and
 * recording an answer with its event, follow-up case and alerts in one transaction.
 */
export class SurveyAnswers {
  constructor(
    private readonly db: Db,
    private readonly deps: Pick<SurveyDeps, 'customers' | 'events' | 'webhooks' | 'jobs' | 'loyalty'>,
    private readonly surveys: SurveyBasics,
  ) {}

  /** Signed single-answer links for customers (ids or external ids), valid `ttlDays` (the survey's by default). */
  async mintLinks(
    workspaceId: string,
    idOrSlug: string,
    customers: string[],
    options: { ttlDays?: number; now?: Date } = {},
  ): Promise<{ customerId: string; externalId: string | null; url: string; expiresAt: Date }[]> {
    const survey = await this.surveys.get(workspaceId, idOrSlug);
    if (survey.status === 'closed') throw new ConflictError(`survey ${survey.slug} is closed`);
    const settings = await this.surveys.settings(workspaceId);
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
    const survey = await this.surveys.get(workspaceId, idOrSlug);
    if (!survey.anonymous) await this.db.query('UPDATE surveys SET anonymous = true, updated_at = now() WHERE workspace_id = $1 AND id = $2', [workspaceId, survey.id]);
    const { publicBaseUrl } = await this.surveys.settings(workspaceId);
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
    const survey = await this.surveys.get(claims.workspaceId, claims.surveyId).catch(() => undefined);
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
    const opened = await surveyOfPublicKey(this.db, publicKey);
    if (!opened) return [];
    const { rows } = await this.db.query<{ embed_origins: string[] }>('SELECT embed_origins FROM survey_settings WHERE workspace_id = $1', [opened.workspaceId]);
    return rows[0]?.embed_origins ?? [];
  }

  /** The key names the workspace first (survey_public_keys), so the survey is read on its own shard. */
  async openAnonymous(publicKey: string): Promise<{ workspaceId: string; survey: Survey }> {
    const opened = await surveyOfPublicKey(this.db, publicKey);
    // The key's row lives and goes with its survey (both with the workspace), so the survey is there.
    const survey = opened && (await this.surveys.get(opened.workspaceId, opened.surveyId));
    if (!opened || !survey?.anonymous) throw new LinkStateError('invalid', 'no survey answers at this address');
    if (survey.status !== 'active') throw new LinkStateError('closed', 'the survey is not open');
    return { workspaceId: opened.workspaceId, survey };
  }

  async answerAnonymous(publicKey: string, raw: Record<string, unknown>, meta: { ip: string; locale: Locale }, now: Date = new Date()): Promise<AnswerOutcome> {
    const { workspaceId, survey } = await this.openAnonymous(publicKey);
    const { secret } = await this.surveys.settings(workspaceId);
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
    const settings = await this.surveys.settings(workspaceId);
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
}
