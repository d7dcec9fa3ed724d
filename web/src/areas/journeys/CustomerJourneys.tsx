import { Table } from '../../components/Table.tsx';
import { useFormat } from '../../format.ts';
import { useI18n } from '../../i18n/index.tsx';
import { Link } from '../../router.tsx';
import { useApi } from '../../useApi.ts';
import type { CustomerJourneyRun } from './types.ts';
import { Loaded } from '../../components/Loaded.tsx';

type Outcome = 'done' | 'failed' | 'skipped';
const OUTCOMES = new Set<string>(['done', 'failed', 'skipped'] satisfies Outcome[]);

/** The customer 360's journeys panel: every run of this customer, newest first. */
export function CustomerJourneys({ customerId }: { customerId: string }) {
  const { t } = useI18n();
  const format = useFormat();
  const runs = useApi<{ data: CustomerJourneyRun[] }>(`/v1/customers/${encodeURIComponent(customerId)}/journeys`);
  return (
    <section className="card" aria-labelledby="customer-journeys-title">
      <h2 id="customer-journeys-title">{t('journeys.customer.title')}</h2>
      <Loaded state={runs} isEmpty={(d) => d.data.length === 0} empty={<p className="muted">{t('journeys.customer.empty')}</p>}>
        {(data) => (
          <Table
            className="table table-compact"
            rows={data.data}
            rowKey={(run) => run.runId}
            columns={[
              {
                header: t('journeys.customer.journey'),
                cell: (run) => (
                  <>
                    <Link to={`/journeys/${run.journeyId}`}>{run.journeyName}</Link>
                    {run.arm !== 'treatment' && <span className="badge badge-neutral">{t(run.arm === 'holdout' ? 'journeys.customer.heldOut' : 'journeys.customer.globalControl')}</span>}
                  </>
                ),
              },
              { header: t('journeys.list.version'), numeric: true, cell: (run) => run.version },
              {
                header: t('journeys.customer.state'),
                cell: (run) => (
                  <>
                    {t(`journeys.runState.${run.state}`)}
                    {run.exitReason && <span className="muted small"> ({run.exitReason})</span>}
                  </>
                ),
              },
              {
                header: t('journeys.customer.step'),
                cell: (run) => (
                  <>
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
                  </>
                ),
              },
              { header: t('journeys.customer.entered'), className: 'nowrap', cell: (run) => format.dateTime(run.enteredAt) },
              { header: t('journeys.customer.converted'), className: 'nowrap', cell: (run) => (run.convertedAt ? format.dateTime(run.convertedAt) : t('common.none')) },
            ]}
          />
        )}
      </Loaded>
    </section>
  );
}
