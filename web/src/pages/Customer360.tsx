import { useMemo } from 'react';
import { AREAS } from '../areas/index.ts';
import type { LoyaltyAccount } from '../areas/loyalty/types.ts';
import { Chart, type ChartOption } from '../components/Chart.tsx';
import { EmptyState } from '../components/EmptyState.tsx';
import { ErrorNotice, Loading } from '../components/Feedback.tsx';
import { PageHeader } from '../components/Shell.tsx';
import { TrackSnippet } from '../components/Snippets.tsx';
import { Stat, StatList } from '../components/Stat.tsx';
import { Table } from '../components/Table.tsx';
import { Timeline, timelineOf } from '../components/Timeline.tsx';
import { useFormat } from '../format.ts';
import { CONSENT_CHANNELS, useGlossary } from '../glossary.ts';
import { useI18n } from '../i18n/index.tsx';
import { fullKana, fullName } from '../names.ts';
import { Link } from '../router.tsx';
import type { Consent, ConsentChannel, CustomerCoupon, CustomerExport, CustomerScores, Recommendations } from '../types.ts';
import { useApi, type ApiState } from '../useApi.ts';
import { Loaded } from '../components/Loaded.tsx';

const CUSTOMER_PANELS = AREAS.flatMap((area) => area.customerPanels ?? []);

/**
 * One customer on one page, as a marketer reads it: first the header cards (stage, P(alive) and its
 * trend, 12-month CLV, next expected purchase, churn risk, RFM cell, loyalty tier and points,
 * consent per channel), then orders and events on one timeline (system events such as segment
 * entries collapsed), profile and consents beside it, then score history, recommendations and
 * coupons. Each area adds its own panels below (messages, journeys, loyalty, feedback).
 */
export function Customer360({ id }: { id: string }) {
  const { t } = useI18n();
  const { data, error, loading, reload } = useApi<CustomerExport>(`/v1/customers/${encodeURIComponent(id)}/export`);
  const current = data?.customer.id === id || data?.customer.externalId === id ? data : undefined;
  return (
    <>
      <p className="breadcrumb">
        <Link to="/customers">← {t('c360.back')}</Link>
      </p>
      {error !== undefined && <ErrorNotice error={error} onRetry={reload} />}
      {!current && loading && <Loading />}
      {current && <Profile360 data={current} />}
    </>
  );
}

function Profile360({ data }: { data: CustomerExport }) {
  const { t } = useI18n();
  const format = useFormat();
  const c = data.customer;
  const name = fullName(c);
  const kana = fullKana(c);
  const title = name ?? c.externalId ?? t('customers.anonymous');
  const scores = useApi<CustomerScores>(`/v1/customers/${encodeURIComponent(c.id)}/scores?limit=60`);
  return (
    <>
      <PageHeader
        title={title}
        subtitle={
          <>
            {kana && <span className="kana-large">{kana}</span>}
            {c.externalId && name && <span className="badge badge-neutral mono">{c.externalId}</span>}
            {data.account && <span className="badge badge-accent">{data.account.name ?? data.account.externalId}</span>}
          </>
        }
      />
      {c.erasedAt && (
        <p className="notice notice-info" role="status">
          {t('c360.erased', { date: format.date(c.erasedAt) })}
        </p>
      )}
      <HeaderCards customerId={c.id} scores={scores} consents={data.consents} />
      <Summary data={data} />
      <div className="grid-360 grid-360-timeline-first">
        <section className="card" aria-labelledby="timeline-title" data-testid="c360-timeline">
          <h2 id="timeline-title">{t('c360.timeline')}</h2>
          <Timeline items={timelineOf(data)} empty={<EmptyTimeline userId={c.externalId} />} />
        </section>
        <div className="stack">
          <ProfileCard data={data} />
          <Consents history={data.consents} />
          {data.account && <AccountCard data={data} />}
        </div>
      </div>
      <Scores scores={scores} />
      <div className="grid-2">
        <RecommendationsCard customerId={c.id} />
        <Coupons customerId={c.id} />
      </div>
      {CUSTOMER_PANELS.map((Panel, i) => (
        <Panel key={i} customerId={c.id} />
      ))}
    </>
  );
}

function Summary({ data }: { data: CustomerExport }) {
  const { t } = useI18n();
  const format = useFormat();
  const counted = data.orders.filter((o) => o.status !== 'cancelled');
  // Orders can be in several currencies; each is summed on its own, never converted.
  const net = new Map<string, number>();
  for (const o of counted) net.set(o.currency, (net.get(o.currency) ?? 0) + o.netMinor);
  const times = counted.map((o) => o.orderedAt).sort();
  const stats: [string, string][] = [
    [t('c360.summary.orders'), format.number(counted.length)],
    [t('c360.summary.net'), net.size === 0 ? format.money(0) : [...net].map(([currency, minor]) => format.money(minor, currency)).join(' + ')],
    [t('c360.summary.first'), times.length > 0 ? format.date(times[0]!) : t('common.none')],
    [t('c360.summary.last'), times.length > 0 ? format.date(times[times.length - 1]!) : t('common.none')],
    [t('c360.summary.events'), format.number(data.events.length)],
  ];
  return (
    <section aria-label={t('c360.summary.label')}>
      <StatList items={stats} />
    </section>
  );
}

function ProfileCard({ data }: { data: CustomerExport }) {
  const { t, lookup } = useI18n();
  const format = useFormat();
  const c = data.customer;
  const postal = c.postalCode ? `〒${c.postalCode.slice(0, 3)}-${c.postalCode.slice(3)}` : null;
  const address = [postal, [c.prefecture, c.city, c.addressLine1].filter(Boolean).join(''), c.addressLine2].filter(Boolean).join(' ');
  const rows: [string, string | null][] = [
    [t('c360.field.externalId'), c.externalId],
    [t('c360.field.email'), c.email],
    [t('c360.field.phone'), c.phone],
    [t('c360.field.line'), c.lineUserId],
    [t('c360.field.birthday'), c.birthday && format.day(c.birthday)],
    [t('c360.field.address'), address || null],
    [t('c360.field.country'), c.country],
    [t('c360.field.locale'), c.locale],
    [t('c360.field.timeZone'), c.timeZone],
    [t('c360.field.since'), format.date(c.createdAt)],
    [t('c360.field.updated'), format.dateTime(c.updatedAt)],
  ];
  if (data.aliases.length > 0) rows.push([t('c360.field.aliases'), data.aliases.map((a) => a.alias).join(', ')]);
  const attributes = Object.entries(c.attributes);
  return (
    <section className="card" aria-labelledby="profile-title">
      <h2 id="profile-title">{t('c360.profile')}</h2>
      <dl className="fields">
        {rows.map(([label, value]) => (
          <div key={label}>
            <dt>{label}</dt>
            <dd>{value ?? <span className="muted">{t('common.none')}</span>}</dd>
          </div>
        ))}
      </dl>
      {attributes.length > 0 && (
        <>
          <h3>{t('c360.attributes')}</h3>
          <dl className="fields">
            {attributes.map(([key, value]) => (
              <div key={key}>
                {/* Known keys are named in the dictionary; a key of the shop's own is shown as it is. */}
                {lookup(`c360.attr.${key}`) ? <dt>{lookup(`c360.attr.${key}`)}</dt> : <dt className="mono">{key}</dt>}
                <dd>{typeof value === 'string' ? value : JSON.stringify(value)}</dd>
              </div>
            ))}
          </dl>
        </>
      )}
    </section>
  );
}

function Consents({ history }: { history: Consent[] }) {
  const { t } = useI18n();
  const format = useFormat();
  // What sending obeys: the latest record per channel.
  const current = useMemo(() => [...latestConsents(history).values()], [history]);
  const newestFirst = [...history].sort((a, b) => b.recordedAt.localeCompare(a.recordedAt));
  return (
    <section className="card" aria-labelledby="consents-title">
      <h2 id="consents-title">{t('c360.consents')}</h2>
      {history.length === 0 ? (
        <p className="muted">{t('c360.consents.none')}</p>
      ) : (
        <>
          <ul className="consent-list" aria-label={t('c360.consents.current')}>
            {current.map((c) => (
              <li key={c.channel}>
                <span className="consent-channel">{t(`glossary.channel.${c.channel}`)}</span>
                <span className={`badge ${c.status === 'opted_in' ? 'badge-positive' : 'badge-negative'}`}>{t(`consent.status.${c.status}`)}</span>
                <span className="muted small">{format.date(c.recordedAt)}</span>
              </li>
            ))}
          </ul>
          <details className="disclosure">
            <summary>
              {t('c360.consents.history')} ({format.number(history.length)})
            </summary>
            <Table
              wrap={false}
              className="table table-compact"
              rows={newestFirst}
              rowKey={(_, i) => i}
              columns={[
                { header: t('c360.col.channel'), cell: (c) => t(`glossary.channel.${c.channel}`) },
                { header: t('c360.col.status'), cell: (c) => t(`consent.status.${c.status}`) },
                { header: t('c360.col.source'), className: 'mono', cell: (c) => c.source },
                { header: t('c360.col.recordedAt'), cell: (c) => format.dateTime(c.recordedAt) },
              ]}
            />
          </details>
        </>
      )}
    </section>
  );
}

function AccountCard({ data }: { data: CustomerExport }) {
  const { t } = useI18n();
  const format = useFormat();
  const account = data.account!;
  return (
    <section className="card" aria-labelledby="account-title">
      <h2 id="account-title">{t('c360.account')}</h2>
      <p className="strong">{account.name ?? account.externalId}</p>
      {account.domain && (
        <p className="muted">
          {t('c360.account.domain')}: {account.domain}
        </p>
      )}
      {data.subscriptions.length > 0 && (
        <Table
          wrap={false}
          className="table table-compact"
          rows={data.subscriptions}
          rowKey={(s) => s.id}
          columns={[
            { header: t('c360.sub.plan'), cell: (s) => s.plan },
            { header: t('c360.sub.seats'), numeric: true, cell: (s) => format.number(s.seats) },
            { header: t('c360.sub.mrr'), numeric: true, cell: (s) => format.money(s.mrrMinor, s.currency) },
            { header: t('c360.sub.status'), cell: (s) => s.status },
            { header: t('c360.sub.renews'), cell: (s) => (s.renewsAt ? format.date(s.renewsAt) : t('common.none')) },
          ]}
        />
      )}
    </section>
  );
}

function EmptyTimeline({ userId }: { userId: string | null }) {
  const { t } = useI18n();
  return (
    <EmptyState compact title={t('c360.timeline.empty')}>
      {userId && (
        <>
          <p className="muted">{t('c360.timeline.emptyHint')}</p>
          <TrackSnippet userId={userId} />
        </>
      )}
    </EmptyState>
  );
}

/** Latest consent per channel: what sending obeys. */
function latestConsents(history: Consent[]): Map<ConsentChannel, Consent> {
  const latest = new Map<ConsentChannel, Consent>();
  for (const c of history) {
    const seen = latest.get(c.channel);
    if (!seen || seen.recordedAt <= c.recordedAt) latest.set(c.channel, c);
  }
  return latest;
}

/** The change of P(alive) since the scoring run before the current one (history is newest first). */
function pAliveTrend(data: CustomerScores): { change: number; since: string } | null {
  const s = data.current;
  if (!s || s.pAlive === null) return null;
  const before = data.history.find((h) => h.computedAt < s.computedAt && h.pAlive !== null);
  return before ? { change: s.pAlive - before.pAlive!, since: before.computedAt } : null;
}

/**
 * What a marketer asks first, above everything else: where the customer stands (stage, RFM cell),
 * whether they are still with us (P(alive) and its trend, churn risk), what they are worth (CLV),
 * when they should buy next, their loyalty tier and points, and which channels may reach them.
 */
function HeaderCards({ customerId, scores, consents }: { customerId: string; scores: ApiState<CustomerScores>; consents: Consent[] }) {
  const { t } = useI18n();
  const format = useFormat();
  const words = useGlossary();
  const loyalty = useApi<LoyaltyAccount>(`/v1/loyalty/customers/${encodeURIComponent(customerId)}`);
  const s = scores.data?.current ?? null;
  const none = <span className="muted">{t('common.none')}</span>;
  const percent = (v: number | null | undefined) => (v === null || v === undefined ? none : `${Math.round(v * 100)}%`);
  const trend = scores.data ? pAliveTrend(scores.data) : null;
  const points = trend ? Math.abs(trend.change * 100).toFixed(1) : '';
  const latest = latestConsents(consents);
  const account = loyalty.error === undefined ? loyalty.data : undefined;
  return (
    <section className="c360-header" aria-label={t('c360.header')} data-testid="c360-header">
      {scores.error !== undefined && <ErrorNotice error={scores.error} onRetry={scores.reload} />}
      {scores.data && !s && <p className="muted">{t('c360.scores.none')}</p>}
      <dl className="stats c360-cards">
        <div className="stat" data-card="stage">
          <dt>{t('c360.scores.stage')}</dt>
          <dd>
            <span>{s ? words.stage(s.stage) : none}</span>
            {s && <span className="stat-note">{t('c360.scores.stageSince', { date: format.date(s.stageSince) })}</span>}
          </dd>
        </div>
        <div className="stat" data-card="pAlive">
          <dt>{t('c360.scores.pAlive')}</dt>
          <dd>
            <span>{percent(s?.pAlive)}</span>
            {trend && (
              <span className={`stat-note ${trend.change < 0 ? 'trend-down' : trend.change > 0 ? 'trend-up' : ''}`}>
                {t(trend.change < 0 ? 'c360.trend.down' : trend.change > 0 ? 'c360.trend.up' : 'c360.trend.flat', { points, date: format.date(trend.since) })}
              </span>
            )}
          </dd>
        </div>
        <div className="stat" data-card="clv">
          <dt>{t('c360.scores.clv')}</dt>
          <dd>{s && s.clv12mMinor !== null ? format.money(Math.round(s.clv12mMinor)) : none}</dd>
        </div>
        <div className="stat" data-card="next">
          <dt>{t('c360.scores.next')}</dt>
          <dd>{s?.nextPurchaseAt ? format.date(s.nextPurchaseAt) : none}</dd>
        </div>
        <div className="stat" data-card="churn">
          <dt>{t('c360.scores.churn')}</dt>
          <dd>{percent(s?.churnRisk)}</dd>
        </div>
        <div className="stat" data-card="rfm">
          <dt>{t('c360.scores.rfm')}</dt>
          <dd>
            <span>{s?.rfmSegment ? words.rfm(s.rfmSegment) : none}</span>
            {s && s.rScore !== null && <span className="stat-note">{t('c360.scores.rfmScores', { r: s.rScore, f: s.fScore ?? '–', m: s.mScore ?? '–' })}</span>}
          </dd>
        </div>
        <div className="stat" data-card="loyalty">
          <dt>{t('c360.loyaltyCard')}</dt>
          <dd>
            <span>{account ? (account.tier ?? t('c360.loyaltyCard.noTier')) : none}</span>
            {account && <span className="stat-note">{t('c360.loyaltyCard.points', { points: format.number(account.balance) })}</span>}
          </dd>
        </div>
        <div className="stat stat-wide" data-card="consent">
          <dt>{t('c360.consentCard')}</dt>
          <dd>
            <ul className="consent-chips" aria-label={t('c360.consentCard')}>
              {CONSENT_CHANNELS.map((channel) => {
                const status = latest.get(channel)?.status;
                return (
                  <li key={channel} className={`badge ${status === 'opted_in' ? 'badge-positive' : status === 'opted_out' ? 'badge-negative' : 'badge-neutral'}`}>
                    {words.channel(channel)}: {status ? t(`consent.status.${status}`) : t('c360.consentCard.unknown')}
                  </li>
                );
              })}
            </ul>
          </dd>
        </div>
      </dl>
    </section>
  );
}

/** Expected purchases and the history of the scores; the current values are in the header cards. */
function Scores({ scores }: { scores: ApiState<CustomerScores> }) {
  const { t } = useI18n();
  const format = useFormat();
  const { data, error, loading, reload } = scores;
  const history = useMemo(() => [...(data?.history ?? [])].reverse(), [data]);
  const chart = useMemo<ChartOption>(
    () => ({
      grid: { left: 48, right: 72, top: 32, bottom: 28 },
      legend: { top: 0 },
      tooltip: { trigger: 'axis' },
      xAxis: { type: 'time' },
      yAxis: [
        { type: 'value', min: 0, max: 1, axisLabel: { formatter: (v: number) => `${Math.round(v * 100)}%` } },
        { type: 'value', axisLabel: { formatter: (v: number) => format.money(v) }, splitLine: { show: false } },
      ],
      series: [
        { name: t('c360.scores.pAlive'), type: 'line', showSymbol: history.length < 20, data: history.map((h) => [h.computedAt, h.pAlive]) },
        { name: t('c360.scores.churn'), type: 'line', showSymbol: history.length < 20, data: history.map((h) => [h.computedAt, h.churnRisk]) },
        { name: t('c360.scores.clv'), type: 'line', yAxisIndex: 1, showSymbol: history.length < 20, data: history.map((h) => [h.computedAt, h.clv12mMinor]) },
      ],
    }),
    [history, t, format],
  );
  const s = data?.current;
  return (
    <section className="card" aria-labelledby="scores-title">
      <h2 id="scores-title">
        {t('c360.scores')} {s && <span className="muted small">{t('c360.scores.asOf', { time: format.dateTime(s.computedAt) })}</span>}
      </h2>
      {error !== undefined && <ErrorNotice error={error} onRetry={reload} />}
      {!data && loading && <Loading inline />}
      {data && !s && <p className="muted">{t('c360.scores.none')}</p>}
      {s && (
        <>
          <dl className="stats stats-compact" aria-label={t('c360.scores')}>
            <Stat label={t('c360.scores.expected')} value={s.expectedPurchases365d === null ? t('common.none') : s.expectedPurchases365d.toFixed(2)} />
          </dl>
          <h3>{t('c360.scores.history')}</h3>
          {history.length > 1 ? <Chart option={chart} label={t('c360.scores.historyChart')} height={220} /> : <p className="muted small">{t('c360.scores.historyShort')}</p>}
        </>
      )}
    </section>
  );
}

function RecommendationsCard({ customerId }: { customerId: string }) {
  const { t } = useI18n();
  const format = useFormat();
  const { data, error, loading, reload } = useApi<Recommendations>(`/v1/customers/${encodeURIComponent(customerId)}/recommendations?limit=6`);
  return (
    <section className="card" aria-labelledby="recs-title">
      <h2 id="recs-title">{t('c360.recs')}</h2>
      {error !== undefined && <ErrorNotice error={error} onRetry={reload} />}
      {!data && loading && <Loading inline />}
      {data && data.builtAt === null && <p className="muted">{t('c360.recs.none')}</p>}
      {data && data.builtAt !== null && data.data.length === 0 && <p className="muted">{t('c360.recs.empty')}</p>}
      {data && data.data.length > 0 && (
        <ol className="recommendations">
          {data.data.map((r) => (
            <li key={r.product.id}>
              <span className="strong">{r.product.name ?? r.product.sku}</span>
              {r.product.priceMinor !== null && <span className="muted"> · {format.money(r.product.priceMinor, r.product.currency ?? undefined)}</span>}
              <span className="muted small segment-description">
                {t(`c360.recs.source.${r.source}`)}
                {r.product.category && ` · ${r.product.category}`}
              </span>
            </li>
          ))}
        </ol>
      )}
    </section>
  );
}

const COUPON_BADGE: Record<CustomerCoupon['status'], string> = {
  available: 'badge-positive',
  redeemed: 'badge-neutral',
  expired: 'badge-negative',
  not_started: 'badge-accent',
  inactive: 'badge-neutral',
};

function Coupons({ customerId }: { customerId: string }) {
  const { t } = useI18n();
  const format = useFormat();
  const coupons = useApi<{ data: CustomerCoupon[] }>(`/v1/customers/${encodeURIComponent(customerId)}/coupons`);
  const value = (c: CustomerCoupon['campaign']) =>
    c.kind === 'percent' ? t('c360.coupons.percent', { value: c.value }) : c.kind === 'amount' ? t('c360.coupons.amount', { value: format.money(c.value, c.currency) }) : t('c360.coupons.freeShipping');
  return (
    <section className="card" aria-labelledby="coupons-title">
      <h2 id="coupons-title">{t('c360.coupons')}</h2>
      <Loaded state={coupons} inline isEmpty={(d) => d.data.length === 0} empty={<p className="muted">{t('c360.coupons.none')}</p>}>
        {(data) => (
          <Table
            wrap={false}
            className="table table-compact"
            rows={data.data}
            rowKey={(c) => c.code}
            columns={[
              {
                header: t('c360.coupons.code'),
                cell: (c) => (
                  <>
                    <span className="mono">{c.code}</span>
                    <span className="muted small segment-description">{c.campaign.name}</span>
                  </>
                ),
              },
              { header: t('c360.coupons.value'), cell: (c) => value(c.campaign) },
              { header: t('c360.coupons.status'), cell: (c) => <span className={`badge ${COUPON_BADGE[c.status]}`}>{t(`c360.coupons.status.${c.status}`)}</span> },
              { header: t('c360.coupons.expires'), cell: (c) => (c.expiresAt ?? c.campaign.endsAt ? format.date((c.expiresAt ?? c.campaign.endsAt)!) : t('common.none')) },
            ]}
          />
        )}
      </Loaded>
    </section>
  );
}
