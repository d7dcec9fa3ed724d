import { NotFoundError, ValidationError } from '../../kernel/errors.ts';
import type { Db } from '../../db/database.ts';
import { newId } from '../../db/ids.ts';
import { parse, UUID } from './rows.ts';
import type { SurveyBasics, SurveyDeps } from './service.ts';
import { casePatch, type Survey, type SurveyCase } from './types.ts';

const CASE_SELECT = `SELECT c.*, r.score, r.comment, s.title AS survey_title, cu.external_id AS customer_external_id,
    nullif(concat_ws(' ', cu.family_name, cu.given_name), '') AS customer_name, u.name AS assignee_name, u.email AS assignee_email
  FROM survey_cases c
  JOIN survey_responses r ON r.workspace_id = c.workspace_id AND r.id = c.response_id
  JOIN surveys s ON s.workspace_id = c.workspace_id AND s.id = c.survey_id
  JOIN customers cu ON cu.workspace_id = c.workspace_id AND cu.id = c.customer_id
  LEFT JOIN users u ON u.workspace_id = c.workspace_id AND u.id = c.assignee_id`;

/** Follow-up cases of detractors: the team's alert, the list with due dates, assignment, notes. */
export class SurveyCases {
  constructor(
    private readonly db: Db,
    private readonly deps: Pick<SurveyDeps, 'messaging'>,
    private readonly surveys: SurveyBasics,
  ) {}

  /** Emails the team about a new detractor case: who, the score, what they wrote, and where to follow up. */
  async sendCaseAlert(workspaceId: string, caseId: string): Promise<{ sent: number }> {
    const { alertEmails, publicBaseUrl } = await this.surveys.settings(workspaceId);
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

  async checkAssignee(workspaceId: string, userId: string, path: string[]): Promise<void> {
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
}
