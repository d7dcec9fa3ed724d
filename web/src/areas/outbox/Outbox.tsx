import { ErrorNotice, Loading } from '../../components/Feedback.tsx';
import { PageHeader } from '../../components/Shell.tsx';
import { useFormat } from '../../format.ts';
import { useI18n } from '../../i18n/index.tsx';
import { Link, useLocation } from '../../router.tsx';
import { useApi } from '../../useApi.ts';
import { CursorPager, useCursorPages } from '../segments/CursorPager.tsx';
import type { OutboxMessage, OutboxMessageDetail } from './types.ts';

const PAGE_SIZE = 30;

/**
 * The outbox, like a mail catcher: stored messages on the left (newest first, optionally of one
 * campaign), the chosen one on the right. Email is shown in a sandboxed frame from the API's /html
 * address (its CSP sandboxes it too), so nothing in a message can run; LINE and SMS as chat bubbles.
 */
export function Outbox() {
  const { t } = useI18n();
  const format = useFormat();
  const { query } = useLocation();
  const campaignId = query.get('campaign') ?? '';
  const selected = query.get('message') ?? '';
  const list = useCursorPages<OutboxMessage>(
    (cursor) => `/v1/messaging/outbox?limit=${PAGE_SIZE}${campaignId ? `&campaignId=${encodeURIComponent(campaignId)}` : ''}${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`,
    campaignId,
  );
  const rows = list.data?.data ?? [];
  const href = (message: string) => `/outbox?${new URLSearchParams({ ...(campaignId ? { campaign: campaignId } : {}), ...(message ? { message } : {}) }).toString()}`;
  const campaignName = rows.find((m) => m.campaignId === campaignId)?.campaignName;
  return (
    <>
      <PageHeader title={t('outbox.title')} subtitle={t('outbox.intro')} />
      {campaignId && (
        <p className="outbox-filter">
          {t('outbox.filteredBy', { name: campaignName ?? campaignId })}{' '}
          <Link to="/outbox">{t('outbox.showAll')}</Link>
        </p>
      )}
      {list.error !== undefined && <ErrorNotice error={list.error} onRetry={list.reload} />}
      {list.data === undefined && list.loading && <Loading />}
      {list.data && rows.length === 0 && list.pageIndex === 0 && (
        <div className="empty">
          <h2 className="empty-title">{t('outbox.empty.title')}</h2>
          <p className="muted">{t('outbox.empty.body')}</p>
        </div>
      )}
      {rows.length > 0 && (
        <div className="outbox">
          <section className="outbox-list card" aria-label={t('outbox.list')}>
            <ul>
              {rows.map((m) => (
                <li key={m.id}>
                  <Link to={href(m.id)} className={m.id === selected ? 'outbox-item outbox-item-selected' : 'outbox-item'} aria-current={m.id === selected ? 'true' : undefined}>
                    <span className="outbox-item-head">
                      <span className="badge badge-neutral">{t(`glossary.channel.${m.channel}`)}</span>
                      <span className="outbox-item-to">{m.to}</span>
                    </span>
                    <span className="outbox-item-subject">{m.subject ?? m.text?.split('\n')[0] ?? t('outbox.noSubject')}</span>
                    <span className="outbox-item-meta muted">
                      {format.dateTime(m.createdAt)}
                      {m.campaignName ? ` · ${m.campaignName}` : ''}
                    </span>
                  </Link>
                </li>
              ))}
            </ul>
            <CursorPager
              pageIndex={list.pageIndex}
              pageSize={PAGE_SIZE}
              shown={rows.length}
              hasNext={Boolean(list.data?.nextCursor)}
              busy={list.loading}
              range="outbox.range"
              onNext={list.next}
              onPrevious={list.previous}
            />
          </section>
          <section className="outbox-view card" aria-live="polite">
            {selected ? <OutboxView id={selected} /> : <p className="muted">{t('outbox.choose')}</p>}
          </section>
        </div>
      )}
    </>
  );
}

function OutboxView({ id }: { id: string }) {
  const { t } = useI18n();
  const format = useFormat();
  const { data, error, loading, reload } = useApi<OutboxMessageDetail>(`/v1/messaging/outbox/${encodeURIComponent(id)}`);
  if (error !== undefined) return <ErrorNotice error={error} onRetry={reload} />;
  if (!data) return loading ? <Loading /> : null;
  const m = data;
  return (
    <article className="outbox-message">
      <h2>{m.subject ?? t(`glossary.channel.${m.channel}`)}</h2>
      <dl className="outbox-headers">
        <dt>{t('outbox.from')}</dt>
        <dd>{m.headers.From ?? '—'}</dd>
        <dt>{t('outbox.to')}</dt>
        <dd>{m.to}</dd>
        <dt>{t('outbox.date')}</dt>
        <dd>{format.dateTime(m.createdAt)}</dd>
        {m.campaignId && (
          <>
            <dt>{t('outbox.campaign')}</dt>
            <dd>
              <Link to={`/campaigns/${m.campaignId}`}>{m.campaignName ?? m.campaignId}</Link>
            </dd>
          </>
        )}
        {m.customerId && (
          <>
            <dt>{t('outbox.customer')}</dt>
            <dd>
              <Link to={`/customers/${m.customerId}`}>{t('outbox.openCustomer')}</Link>
            </dd>
          </>
        )}
      </dl>
      {m.html !== null ? (
        <>
          {/* sandbox without allow-scripts or allow-same-origin: the message can neither run nor reach the app. */}
          <iframe className="outbox-frame" title={t('outbox.frameTitle')} sandbox="" src={`/v1/messaging/outbox/${encodeURIComponent(m.id)}/html`} />
          <details>
            <summary>{t('outbox.textView')}</summary>
            <pre className="outbox-text">{m.text}</pre>
          </details>
        </>
      ) : (
        <div className={`outbox-chat outbox-chat-${m.channel}`}>
          {(m.text ?? '').split('\n\n').map((bubble, i) => (
            <p key={i} className="outbox-bubble" aria-label={t('outbox.bubbleLabel', { channel: t(`glossary.channel.${m.channel}`) })}>
              {bubble}
            </p>
          ))}
        </div>
      )}
      <details>
        <summary>{t('outbox.headers')}</summary>
        <pre className="outbox-text">{Object.entries(m.headers).map(([k, v]) => `${k}: ${v}`).join('\n')}</pre>
      </details>
    </article>
  );
}

/** Opens the outbox on one campaign's messages (a link from the campaign page). */
export function outboxOf(campaignId: string): string {
  return `/outbox?campaign=${encodeURIComponent(campaignId)}`;
}

