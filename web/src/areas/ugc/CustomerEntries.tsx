import { useFormat } from '../../format.ts';
import { useI18n } from '../../i18n/index.tsx';
import { Link } from '../../router.tsx';
import type { Page } from '../../types.ts';
import { useApi } from '../../useApi.ts';
import { RewardBadge } from './labels.tsx';
import type { UgcEntry } from './types.ts';
import { Loaded } from '../../components/Loaded.tsx';

/** The customer 360's panel: their UGC entries with status and reward. */
export function CustomerEntries({ customerId }: { customerId: string }) {
  const { t } = useI18n();
  const format = useFormat();
  const entries = useApi<Page<UgcEntry>>(`/v1/customers/${encodeURIComponent(customerId)}/ugc-entries?limit=50`);
  return (
    <section className="card" aria-labelledby="ugc-customer-title">
      <h2 id="ugc-customer-title">{t('ugc.customer.title')}</h2>
      <Loaded state={entries} inline isEmpty={(d) => d.data.length === 0} empty={<p className="muted">{t('ugc.customer.empty')}</p>}>
        {(data) => (
          <ul className="ugc-customer-list">
            {data.data.map((e) => (
              <li key={e.id}>
                {e.mediaId && <img className="ugc-thumb" src={`/v1/ugc/media/${e.mediaId}`} alt="" loading="lazy" />}
                <div>
                  <Link to={`/ugc/${e.campaignId}`}>{e.campaignName}</Link> <span className="muted small">{format.dateTime(e.createdAt)}</span>{' '}
                  <span className={`badge ${e.status === 'approved' ? 'badge-positive' : e.status === 'rejected' ? 'badge-negative' : 'badge-neutral'}`}>{t(`ugc.queue.${e.status}`)}</span>{' '}
                  {e.winner && <span className="badge badge-accent">{t('ugc.entry.winner')}</span>} <RewardBadge entry={e} />
                  {e.postUrl && (
                    <p className="small ugc-break">
                      <a href={e.postUrl} target="_blank" rel="noopener noreferrer">
                        {e.postUrl}
                      </a>
                    </p>
                  )}
                </div>
              </li>
            ))}
          </ul>
        )}
      </Loaded>
    </section>
  );
}
