import { useState, type ReactNode } from 'react';
import { useFormat } from '../format.ts';
import { useGlossary } from '../glossary.ts';
import { useI18n } from '../i18n/index.tsx';
import type { CustomerEvent, CustomerExport, Order, Refund } from '../types.ts';

export type TimelineItem =
  | { kind: 'order'; at: string; order: Order }
  | { kind: 'refund'; at: string; refund: Refund; order: Order | undefined }
  | { kind: 'event'; at: string; event: CustomerEvent };

/** Events Kizuna writes itself (src/modules/segments/service.ts): shown apart, collapsed, by segment name. */
const SYSTEM_EVENTS: Record<string, 'entered' | 'exited'> = { 'Segment Entered': 'entered', 'Segment Exited': 'exited' };
const isSystem = (i: TimelineItem) => i.kind === 'event' && i.event.name in SYSTEM_EVENTS;

const FILTERS = { all: () => true, orders: (i: TimelineItem) => i.kind !== 'event', events: (i: TimelineItem) => i.kind === 'event' } as const;
type Filter = keyof typeof FILTERS;
const STEP = 50;

/** Orders, refunds and events of one customer, newest first. */
export function timelineOf(data: CustomerExport): TimelineItem[] {
  const orders = new Map(data.orders.map((o) => [o.id, o]));
  const items: TimelineItem[] = [
    ...data.orders.map((order) => ({ kind: 'order' as const, at: order.orderedAt, order })),
    ...data.refunds.map((refund) => ({ kind: 'refund' as const, at: refund.refundedAt, refund, order: orders.get(refund.orderId) })),
    ...data.events.map((event) => ({ kind: 'event' as const, at: event.occurredAt, event })),
  ];
  return items.sort((a, b) => b.at.localeCompare(a.at));
}

export function Timeline({ items, empty }: { items: TimelineItem[]; empty: ReactNode }) {
  const { t } = useI18n();
  const [filter, setFilter] = useState<Filter>('all');
  const [shown, setShown] = useState(STEP);
  if (items.length === 0) return <>{empty}</>;
  const system = items.filter(isSystem);
  const visible = items.filter((i) => !isSystem(i) && FILTERS[filter](i));
  return (
    <>
      {system.length > 0 && <SystemEvents items={system} />}
      <div className="toolbar">
        <label htmlFor="timeline-filter">{t('c360.timeline.show')}</label>
        <select id="timeline-filter" value={filter} onChange={(e) => setFilter(e.target.value as Filter)}>
          <option value="all">{t('c360.timeline.all')}</option>
          <option value="orders">{t('c360.timeline.orders')}</option>
          <option value="events">{t('c360.timeline.events')}</option>
        </select>
      </div>
      <ol className="timeline" aria-label={t('c360.timeline.caption')}>
        {visible.slice(0, shown).map((item) => (
          <TimelineEntry key={`${item.kind}-${itemId(item)}`} item={item} />
        ))}
      </ol>
      {visible.length > shown && (
        <button type="button" className="button button-secondary" onClick={() => setShown((n) => n + STEP)}>
          {t('c360.timeline.more', { count: Math.min(STEP, visible.length - shown) })}
        </button>
      )}
    </>
  );
}

/** Segment entries and exits, collapsed: the marketer opens them when they ask why a message went out. */
function SystemEvents({ items }: { items: TimelineItem[] }) {
  const { t } = useI18n();
  const format = useFormat();
  const words = useGlossary();
  return (
    <details className="disclosure" data-testid="c360-system-events">
      <summary>{t('c360.timeline.system', { count: format.number(items.length) })}</summary>
      <ul className="system-events">
        {items.map((item) => {
          if (item.kind !== 'event') return null;
          const name = typeof item.event.properties.segmentName === 'string' ? words.segmentName(item.event.properties.segmentName) : t('c360.timeline.segmentUnknown');
          return (
            <li key={item.event.id}>
              <time dateTime={item.at} className="muted small">
                {format.dateTime(item.at)}
              </time>{' '}
              {t(SYSTEM_EVENTS[item.event.name] === 'entered' ? 'c360.timeline.segmentEntered' : 'c360.timeline.segmentExited', { name })}
            </li>
          );
        })}
      </ul>
    </details>
  );
}

const itemId = (item: TimelineItem) => (item.kind === 'order' ? item.order.id : item.kind === 'refund' ? item.refund.id : item.event.id);

function TimelineEntry({ item }: { item: TimelineItem }) {
  const { t } = useI18n();
  const format = useFormat();
  return (
    <li className={`timeline-item timeline-${item.kind}`}>
      <span className="timeline-dot" aria-hidden="true" />
      <div className="timeline-body">
        <div className="timeline-head">
          <span className="timeline-kind">{t(`timeline.kind.${item.kind}`)}</span>
          <time dateTime={item.at}>{format.dateTime(item.at)}</time>
        </div>
        {item.kind === 'order' && <OrderEntry order={item.order} />}
        {item.kind === 'refund' && (
          <p className="timeline-title">
            {t('timeline.refund', { id: item.order?.externalId ?? item.refund.orderId })}{' '}
            <span className="amount negative">−{format.money(item.refund.amountMinor, item.order?.currency)}</span>
            {item.refund.reason && <span className="muted"> · {item.refund.reason}</span>}
          </p>
        )}
        {item.kind === 'event' && <EventEntry event={item.event} />}
      </div>
    </li>
  );
}

function OrderEntry({ order }: { order: Order }) {
  const { t } = useI18n();
  const format = useFormat();
  const lines = order.lines.slice(0, 3);
  return (
    <>
      <p className="timeline-title">
        {t('timeline.order', { id: order.externalId })} <span className="amount">{format.money(order.totalMinor, order.currency)}</span>{' '}
        <span className={`badge ${order.status === 'completed' ? 'badge-positive' : order.status === 'cancelled' ? 'badge-negative' : 'badge-neutral'}`}>
          {t(`order.status.${order.status}`)}
        </span>
      </p>
      {lines.length > 0 && (
        <ul className="order-lines">
          {lines.map((line) => (
            <li key={line.lineNo}>
              {line.name ?? line.sku ?? '—'} × {format.number(line.quantity)}
              <span className="muted"> {format.money(line.totalMinor, order.currency)}</span>
            </li>
          ))}
          {order.lines.length > lines.length && <li className="muted">{t('timeline.more', { count: order.lines.length - lines.length })}</li>}
        </ul>
      )}
      {(order.couponCode || order.discountMinor > 0) && (
        <p className="muted small">
          {[order.couponCode && t('timeline.coupon', { code: order.couponCode }), order.discountMinor > 0 && t('timeline.discount', { amount: format.money(order.discountMinor, order.currency) })]
            .filter(Boolean)
            .join(' · ')}
        </p>
      )}
    </>
  );
}

/** The event's name and its first few properties, as sent. */
function EventEntry({ event }: { event: CustomerEvent }) {
  const properties = Object.entries(event.properties).slice(0, 4);
  return (
    <>
      <p className="timeline-title">{event.name}</p>
      {properties.length > 0 && (
        <dl className="properties">
          {properties.map(([key, value]) => (
            <div key={key}>
              <dt>{key}</dt>
              <dd>{typeof value === 'string' ? value : JSON.stringify(value)}</dd>
            </div>
          ))}
        </dl>
      )}
    </>
  );
}
