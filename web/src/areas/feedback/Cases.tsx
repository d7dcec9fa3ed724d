import { useState } from 'react';
import { api } from '../../api.ts';
import { ErrorNotice, Loading } from '../../components/Feedback.tsx';
import { Options } from '../../components/Options.tsx';
import { useFormat } from '../../format.ts';
import { useI18n } from '../../i18n/index.tsx';
import { Link } from '../../router.tsx';
import { hasScope, useSession } from '../../session.tsx';
import { useAction } from '../../useAction.ts';
import { useApi } from '../../useApi.ts';
import { localizedText, type Assignee, type CaseStatus, type SurveyCase } from './types.ts';

const FILTERS = { active: 'status=active', overdue: 'status=active&overdue=true', closed: 'status=closed' } as const;
type Filter = keyof typeof FILTERS;

/** Detractors' follow-up cases: open and overdue first; assign, move along, note, close. */
export function Cases() {
  const { t } = useI18n();
  const [filter, setFilter] = useState<Filter>('active');
  const cases = useApi<{ data: SurveyCase[]; counts: { active: number; overdue: number } }>(`/v1/feedback/cases?${FILTERS[filter]}`);
  const assignees = useApi<{ data: Assignee[] }>('/v1/feedback/assignees');
  return (
    <section aria-labelledby="feedback-cases-title">
      <div className="toolbar">
        <h2 id="feedback-cases-title" className="visually-hidden">
          {t('feedback.tab.cases')}
        </h2>
        <div role="group" aria-label={t('feedback.cases.filter')} className="feedback-filters">
          {(Object.keys(FILTERS) as Filter[]).map((f) => (
            <button key={f} type="button" className={`button button-small ${filter === f ? 'button-primary' : 'button-secondary'}`} aria-pressed={filter === f} onClick={() => setFilter(f)}>
              {t(`feedback.cases.${f}`)}
            </button>
          ))}
        </div>
        {cases.data && <span className="muted">{t('feedback.cases.counts', { active: cases.data.counts.active, overdue: cases.data.counts.overdue })}</span>}
      </div>
      {cases.error !== undefined && <ErrorNotice error={cases.error} onRetry={cases.reload} />}
      {!cases.data && cases.loading && <Loading />}
      {cases.data && cases.data.data.length === 0 && (
        <div className="empty">
          <p className="muted">{t('feedback.cases.empty')}</p>
        </div>
      )}
      <div className="feedback-cases">
        {cases.data?.data.map((c) => <CaseCard key={c.id} value={c} assignees={assignees.data?.data ?? []} onChanged={cases.reload} />)}
      </div>
    </section>
  );
}

export function CaseCard({ value, assignees, onChanged }: { value: SurveyCase; assignees: Assignee[]; onChanged: () => void }) {
  const { t, locale } = useI18n();
  const format = useFormat();
  const { scopes } = useSession();
  const canEdit = hasScope(scopes, 'messaging');
  const [note, setNote] = useState('');
  const { busy, error, run } = useAction();
  const call = (path: string, method: 'PATCH' | 'POST', body: unknown, then?: () => void) =>
    run(async () => {
      await api(path, { method, body });
      onChanged();
      then?.();
    });
  const patch = (body: { status?: CaseStatus; assigneeId?: string | null }) => call(`/v1/feedback/cases/${value.id}`, 'PATCH', body);
  const addNote = () => call(`/v1/feedback/cases/${value.id}/notes`, 'POST', { body: note }, () => setNote(''));
  const who = value.customerName ?? value.customerExternalId ?? value.customerId;
  return (
    <article className={`card feedback-case${value.overdue ? ' feedback-case-overdue' : ''}`} aria-label={`${who} ${t(`feedback.status.${value.status}`)}`} data-testid="feedback-case">
      <header className="feedback-case-head">
        <Link to={`/customers/${value.customerId}`} className="strong-link">
          {who}
        </Link>
        <span className="badge badge-negative">
          {t('feedback.case.score')} {value.score ?? '–'}
        </span>
        <span className={`badge ${value.status === 'closed' ? 'badge-positive' : 'badge-neutral'}`}>{t(`feedback.status.${value.status}`)}</span>
        {value.overdue && <span className="badge badge-negative">{t('feedback.case.overdue')}</span>}
        <span className="muted small">{localizedText(value.surveyTitle, locale)}</span>
      </header>
      <blockquote className="feedback-quote">{value.comment ?? t('feedback.case.noComment')}</blockquote>
      <dl className="feedback-case-meta">
        <div>
          <dt>{t('feedback.case.due')}</dt>
          <dd>{format.date(value.dueAt)}</dd>
        </div>
        <div>
          <dt>
            <label htmlFor={`assignee-${value.id}`}>{t('feedback.case.assignee')}</label>
          </dt>
          <dd>
            <select id={`assignee-${value.id}`} value={value.assigneeId ?? ''} disabled={!canEdit || busy} onChange={(e) => void patch({ assigneeId: e.target.value || null })}>
              <option value="">{t('feedback.case.unassigned')}</option>
              <Options items={assignees} value={(a) => a.id} label={(a) => a.name ?? a.email} />
            </select>
          </dd>
        </div>
      </dl>
      {value.notes.length > 0 && (
        <ul className="feedback-notes" aria-label={t('feedback.case.notes')}>
          {value.notes.map((n) => (
            <li key={n.id}>
              <span className="muted small">
                {format.dateTime(n.createdAt)} {n.authorName ?? ''}
              </span>
              <p>{n.body}</p>
            </li>
          ))}
        </ul>
      )}
      {error !== undefined && <ErrorNotice error={error} />}
      {canEdit && (
        <div className="feedback-case-actions">
          <label className="visually-hidden" htmlFor={`note-${value.id}`}>
            {t('feedback.case.addNote')}
          </label>
          <input id={`note-${value.id}`} value={note} placeholder={t('feedback.case.notePlaceholder')} onChange={(e) => setNote(e.target.value)} />
          <button type="button" className="button button-secondary button-small" disabled={busy || !note.trim()} onClick={() => void addNote()}>
            {t('feedback.case.addNote')}
          </button>
          {value.status === 'open' && (
            <button type="button" className="button button-secondary button-small" disabled={busy} onClick={() => void patch({ status: 'in_progress' })}>
              {t('feedback.case.start')}
            </button>
          )}
          {value.status !== 'closed' ? (
            <button type="button" className="button button-primary button-small" disabled={busy} onClick={() => void patch({ status: 'closed' })}>
              {t('feedback.case.close')}
            </button>
          ) : (
            <button type="button" className="button button-secondary button-small" disabled={busy} onClick={() => void patch({ status: 'open' })}>
              {t('feedback.case.reopen')}
            </button>
          )}
        </div>
      )}
    </article>
  );
}
