import { ErrorNotice, Loading } from '../../components/Feedback.tsx';
import { useFormat } from '../../format.ts';
import { useI18n } from '../../i18n/index.tsx';
import { Link } from '../../router.tsx';
import { useApi } from '../../useApi.ts';
import type { CustomerJourneyRun } from './types.ts';

type Outcome = 'done' | 'failed' | 'skipped';
const OUTCOMES = new Set<string>(['done', 'failed', 'skipped'] satisfies Outcome[]);

/** The customer 360's journeys panel: every run of this customer, newest first. */
export function CustomerJourneys({ customerId }: { customerId: string }) {
  const { t } = useI18n();
  const format = useFormat();
  const { data, error, loading, reload } = useApi<{ data: CustomerJourneyRun[] }>(`/v1/customers/${encodeURIComponent(customerId)}/journeys`);
  return (
    <section className="card" aria-labelledby="customer-journeys-title">
      <h2 id="customer-journeys-title">{t('journeys.customer.title')}</h2>
      {error !== undefined && <ErrorNotice error={error} onRetry={reload} />}
      {!data && loading && <Loading />}
      {data && data.data.length === 0 && <p className="muted">{t('journeys.customer.empty')}</p>}
      {data && data.data.length > 0 && (
        <div className="table-wrap">
          <table className="table table-compact">
            <thead>
              <tr>
                <th scope="col">{t('journeys.customer.journey')}</th>
                <th scope="col" className="numeric">
                  {t('journeys.list.version')}
                </th>
                <th scope="col">{t('journeys.customer.state')}</th>
                <th scope="col">{t('journeys.customer.step')}</th>
                <th scope="col">{t('journeys.customer.entered')}</th>
                <th scope="col">{t('journeys.customer.converted')}</th>
              </tr>
            </thead>
            <tbody>
              {data.data.map((run) => (
                <tr key={run.runId}>
                  <td>
                    <Link to={`/journeys/${run.journeyId}`}>{run.journeyName}</Link>
                    {run.arm !== 'treatment' && <span className="badge badge-neutral">{t(run.arm === 'holdout' ? 'journeys.customer.heldOut' : 'journeys.customer.globalControl')}</span>}
                  </td>
                  <td className="numeric">{run.version}</td>
                  <td>
                    {t(`journeys.runState.${run.state}`)}
                    {run.exitReason && <span className="muted small"> ({run.exitReason})</span>}
                  </td>
                  <td>
                    <span className="mono">{run.stepId ?? t('common.none')}</span>
                    {run.steps.length > 0 && (
                      <details className="disclosure">
                        <summary>{t('journeys.customer.history', { count: run.steps.length })}</summary>
                        <ol className="journey-run-steps">
                          {run.steps.map((step, i) => (
                            <li key={i}>
                              <span className="nowrap">{format.dateTime(step.at)}</span> <span className="mono">{step.stepId}</span>{' '}
                              {t('journeys.customer.outcome', { outcome: OUTCOMES.has(step.outcome) ? t(`journeys.outcome.${step.outcome as Outcome}`) : step.outcome })}
                              {step.path && <span className="muted"> → {step.path}</span>}
                            </li>
                          ))}
                        </ol>
                      </details>
                    )}
                  </td>
                  <td className="nowrap">{format.dateTime(run.enteredAt)}</td>
                  <td className="nowrap">{run.convertedAt ? format.dateTime(run.convertedAt) : t('common.none')}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}
