import { Table } from '../../components/Table.tsx';
import { useFormat } from '../../format.ts';
import { useI18n } from '../../i18n/index.tsx';
import { Link } from '../../router.tsx';
import { useApi } from '../../useApi.ts';
import { STATE_BADGE } from './CampaignReport.tsx';
import { logKindLabel, reasonLabel } from './reasons.ts';
import type { CustomerMessage } from './types.ts';
import { Loaded } from '../../components/Loaded.tsx';

/** The customer 360's messages: every delivery and the gate's decisions about it, with reasons. */
export function CustomerMessages({ customerId }: { customerId: string }) {
  const { t } = useI18n();
  const format = useFormat();
  const messages = useApi<{ data: CustomerMessage[] }>(`/v1/customers/${encodeURIComponent(customerId)}/messages`);
  return (
    <section className="card" aria-labelledby="messages-title">
      <h2 id="messages-title">{t('campaigns.c360.title')}</h2>
      <Loaded state={messages} inline isEmpty={(d) => d.data.length === 0} empty={<p className="muted">{t('campaigns.c360.empty')}</p>}>
        {(data) => (
          <Table
            wrap={false}
            className="table table-compact"
            rows={data.data}
            rowKey={(m) => m.deliveryId}
            columns={[
              {
                header: t('campaigns.col.name'),
                cell: (m) => (
                  <>
                    <Link to={`/campaigns/${m.campaignId}`}>{m.campaignName}</Link>
                    {m.class === 'transactional' && <span className="muted small segment-description">{t('glossary.messageClass.transactional')}</span>}
                  </>
                ),
              },
              { header: t('campaigns.col.channel'), cell: (m) => t(`glossary.channel.${m.channel}`) },
              {
                header: t('campaigns.c360.decision'),
                cell: (m) => (
                  <>
                    <span className={`badge ${STATE_BADGE[m.state]}`}>{m.state === 'held_out' ? t(`campaigns.arm.${m.arm}`) : t(`campaigns.state.${m.state}`)}</span>
                    {m.reason && m.state !== 'held_out' && <span className="small segment-description">{reasonLabel(t, m.reason)}</span>}
                    {m.log.length > 0 && (
                      <details className="disclosure">
                        <summary>{t('campaigns.c360.log', { count: m.log.length })}</summary>
                        <ol className="decision-log">
                          {m.log.map((l, i) => (
                            <li key={i}>
                              <span className="muted small">{format.dateTime(l.at)}</span> {logKindLabel(t, l.kind)}
                              {l.reason && ` — ${reasonLabel(t, l.reason)}`}
                            </li>
                          ))}
                        </ol>
                      </details>
                    )}
                  </>
                ),
              },
              { header: t('campaigns.c360.when'), cell: (m) => format.dateTime(m.sentAt ?? m.createdAt) },
              {
                header: t('campaigns.c360.engagement'),
                className: 'small',
                cell: (m) => (
                  <>
                    {m.openedAt && <span className="badge badge-accent">{t('campaigns.report.opened')}</span>}{' '}
                    {m.clickedAt && <span className="badge badge-positive">{t('campaigns.report.clicked')}</span>}
                  </>
                ),
              },
            ]}
          />
        )}
      </Loaded>
    </section>
  );
}
