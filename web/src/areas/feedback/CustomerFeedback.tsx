import { ErrorNotice, Loading } from '../../components/Feedback.tsx';
import { useFormat } from '../../format.ts';
import { useI18n } from '../../i18n/index.tsx';
import { useApi } from '../../useApi.ts';
import { CaseCard } from './Cases.tsx';
import { localizedText, type Assignee, type SurveyCase, type SurveyResponse } from './types.ts';

const CATEGORY_BADGE = { promoter: 'badge-positive', passive: 'badge-neutral', detractor: 'badge-negative' } as const;

/** The customer 360's panel: the customer's survey answers and follow-up cases. */
export function CustomerFeedback({ customerId }: { customerId: string }) {
  const { t, locale } = useI18n();
  const format = useFormat();
  const { data, error, loading, reload } = useApi<{ responses: SurveyResponse[]; cases: SurveyCase[] }>(`/v1/feedback/customers/${encodeURIComponent(customerId)}`);
  const assignees = useApi<{ data: Assignee[] }>('/v1/feedback/assignees');
  return (
    <section className="card" aria-labelledby="feedback-c360-title">
      <h2 id="feedback-c360-title">{t('feedback.c360.title')}</h2>
      {error !== undefined && <ErrorNotice error={error} onRetry={reload} />}
      {!data && loading && <Loading inline />}
      {data && data.responses.length === 0 && <p className="muted">{t('feedback.c360.empty')}</p>}
      {data && data.responses.length > 0 && (
        <div className="table-wrap">
          <table className="table table-compact">
            <thead>
              <tr>
                <th scope="col">{t('feedback.c360.answered')}</th>
                <th scope="col">{t('feedback.nps.survey')}</th>
                <th scope="col">{t('feedback.case.score')}</th>
                <th scope="col">{t('feedback.case.comment')}</th>
              </tr>
            </thead>
            <tbody>
              {data.responses.map((r) => (
                <tr key={r.id}>
                  <td className="nowrap">{format.date(r.answeredAt)}</td>
                  <td>{localizedText(r.surveyTitle, locale)}</td>
                  <td>
                    {r.score ?? '–'} {r.category && <span className={`badge ${CATEGORY_BADGE[r.category]}`}>{t(`feedback.category.${r.category}`)}</span>}
                  </td>
                  <td>{r.comment ?? ''}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      {data && data.cases.length > 0 && (
        <>
          <h3>{t('feedback.c360.cases')}</h3>
          {data.cases.map((c) => (
            <CaseCard key={c.id} value={c} assignees={assignees.data?.data ?? []} onChanged={reload} />
          ))}
        </>
      )}
    </section>
  );
}
