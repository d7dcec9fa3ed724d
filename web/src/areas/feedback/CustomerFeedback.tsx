import { Loaded } from '../../components/Loaded.tsx';
import { Table } from '../../components/Table.tsx';
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
  const feedback = useApi<{ responses: SurveyResponse[]; cases: SurveyCase[] }>(`/v1/feedback/customers/${encodeURIComponent(customerId)}`);
  const assignees = useApi<{ data: Assignee[] }>('/v1/feedback/assignees');
  return (
    <section className="card" aria-labelledby="feedback-c360-title">
      <h2 id="feedback-c360-title">{t('feedback.c360.title')}</h2>
      <Loaded state={feedback} inline>
        {(data) => (
          <>
            {data.responses.length === 0 && <p className="muted">{t('feedback.c360.empty')}</p>}
            {data.responses.length > 0 && (
              <Table
                className="table table-compact"
                rows={data.responses}
                rowKey={(r) => r.id}
                columns={[
                  { header: t('feedback.c360.answered'), className: 'nowrap', cell: (r) => format.date(r.answeredAt) },
                  { header: t('feedback.nps.survey'), cell: (r) => localizedText(r.surveyTitle, locale) },
                  {
                    header: t('feedback.case.score'),
                    cell: (r) => (
                      <>
                        {r.score ?? '–'} {r.category && <span className={`badge ${CATEGORY_BADGE[r.category]}`}>{t(`feedback.category.${r.category}`)}</span>}
                      </>
                    ),
                  },
                  { header: t('feedback.case.comment'), cell: (r) => r.comment ?? '' },
                ]}
              />
            )}
            {data.cases.length > 0 && (
              <>
                <h3>{t('feedback.c360.cases')}</h3>
                {data.cases.map((c) => (
                  <CaseCard key={c.id} value={c} assignees={assignees.data?.data ?? []} onChanged={feedback.reload} />
                ))}
              </>
            )}
          </>
        )}
      </Loaded>
    </section>
  );
}
