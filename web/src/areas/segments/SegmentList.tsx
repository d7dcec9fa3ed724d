import { useMemo } from 'react';
import { api } from '../../api.ts';
import type { Get } from '../../apiTypes.ts';
import { EmptyState } from '../../components/EmptyState.tsx';
import { ErrorNotice, Loading } from '../../components/Feedback.tsx';
import { PageHeader } from '../../components/Shell.tsx';
import { Table } from '../../components/Table.tsx';
import { useFormat } from '../../format.ts';
import { useGlossary } from '../../glossary.ts';
import { useI18n } from '../../i18n/index.tsx';
import { Link } from '../../router.tsx';
import { hasScope, useSession } from '../../session.tsx';
import { useAction } from '../../useAction.ts';
import { useApi } from '../../useApi.ts';
import type { Segment } from './types.ts';

/** Every segment with its member count as of its last refresh; admins recount all at once. */
export function SegmentList() {
  const { t } = useI18n();
  const format = useFormat();
  const { scopes } = useSession();
  const canEdit = hasScope(scopes, 'admin');
  const { data, error, loading, reload } = useApi<{ data: Segment[] }>('/v1/segments');
  const { busy: refreshing, error: refreshError, run } = useAction();

  const refreshAll = () =>
    run(async () => {
      await api('/v1/segments/refresh', { method: 'POST', body: {} });
      reload();
    });

  const sizes = useApi<SizeHistory>('/v1/insights/segment-sizes');
  const trend = useMemo(() => trendOf(sizes.data), [sizes.data]);
  const own = data?.data.filter((s) => !s.key) ?? [];
  const builtIn = data?.data.filter((s) => s.key) ?? [];
  return (
    <>
      <PageHeader title={t('segments.title')} subtitle={t('segments.intro')}>
        {canEdit && (
          <>
            <button type="button" className="button button-secondary" onClick={() => void refreshAll()} disabled={refreshing}>
              {refreshing ? t('segments.refreshing') : t('segments.refreshAll')}
            </button>
            <Link to="/segments/new" className="button button-primary">
              {t('segments.new')}
            </Link>
          </>
        )}
      </PageHeader>
      {refreshError !== undefined && <ErrorNotice error={refreshError} />}
      {error !== undefined && <ErrorNotice error={error} onRetry={reload} />}
      {data === undefined && loading && <Loading />}
      {data && own.length === 0 && (
        <EmptyState heading title={t('segments.empty.title')} hint={canEdit ? t('segments.empty.body') : t('segments.empty.readOnly')}>
          {canEdit && (
            <Link to="/segments/new" className="button button-primary">
              {t('segments.new')}
            </Link>
          )}
        </EmptyState>
      )}
      {own.length > 0 && <SegmentTable caption={t('segments.own')} segments={own} busy={loading} format={format} trend={trend} />}
      {builtIn.length > 0 && <SegmentTable caption={t('segments.builtIn')} segments={builtIn} busy={loading} format={format} trend={trend} />}
    </>
  );
}

/** Customers per stage and RFM segment after each scoring run, oldest first. */
type SizeHistory = Get<'/v1/insights/segment-sizes'>;

const TREND_DAYS = 30;

/**
 * Growth of the segments whose rule is one RFM segment or one stage, the only ones with a size
 * history (the scoring runs keep it): change over the last 30 days of runs, by rule value.
 */
function trendOf(history: SizeHistory | undefined): ((segment: Segment) => { change: number; since: string } | null) | null {
  const points = history?.points ?? [];
  if (points.length < 2) return null;
  const last = points[points.length - 1]!;
  const cutoff = Date.parse(last.asOf) - TREND_DAYS * 86_400_000;
  const first = points.find((p) => Date.parse(p.asOf) >= cutoff) ?? points[0]!;
  if (first === last) return null;
  return (segment) => {
    const m = segment.rule.match;
    if (m.type !== 'score' || m.op !== 'eq' || typeof m.value !== 'string' || (m.field !== 'rfmSegment' && m.field !== 'stage')) return null;
    const of = (p: SizeHistory['points'][number]) => (m.field === 'stage' ? p.stages : p.segments)[m.value as string] ?? 0;
    return { change: of(last) - of(first), since: first.asOf };
  };
}

function SegmentTable({
  caption,
  segments,
  busy,
  format,
  trend,
}: {
  caption: string;
  segments: Segment[];
  busy: boolean;
  format: ReturnType<typeof useFormat>;
  trend: ReturnType<typeof trendOf>;
}) {
  const { t } = useI18n();
  const words = useGlossary();
  return (
    <section className="segment-table" aria-label={caption}>
      <h2>{caption}</h2>
      <Table
        busy={busy}
        rows={segments}
        rowKey={(s) => s.id}
        columns={[
          {
            header: t('segments.col.name'),
            cell: (s) => (
              <>
                <Link to={`/segments/${s.id}`} className="strong-link">
                  {words.segmentName(s.name)}
                </Link>
                {s.description && <span className="muted small segment-description">{s.description}</span>}
              </>
            ),
          },
          {
            header: t('segments.col.members'),
            numeric: true,
            attributes: { 'data-testid': 'segment-count' },
            cell: (s) => (s.refreshedAt ? format.number(s.memberCount) : <span className="muted">{t('segments.notCounted')}</span>),
          },
          !!trend && { header: t('segments.col.trend'), numeric: true, cell: (s) => <Trend trend={trend(s)} format={format} /> },
          { header: t('segments.col.refreshed'), cell: (s) => (s.refreshedAt ? format.dateTime(s.refreshedAt) : t('common.none')) },
          { header: t('segments.col.export'), className: 'nowrap', cell: (s) => <AudienceLinks segment={s} /> },
        ]}
      />
    </section>
  );
}

/** Hashed customer-match files for ad platforms (Meta and Google normalise phone numbers differently). */
export function AudienceLinks({ segment }: { segment: Segment }) {
  const words = useGlossary();
  const { t } = useI18n();
  return (
    <span className="audience-links">
      {(['meta', 'google'] as const).map((format) => (
        <a key={format} href={`/v1/segments/${segment.id}/audience.csv?format=${format}`} download aria-label={t('segments.export.aria', { name: words.segmentName(segment.name), platform: t(`segments.export.${format}`) })}>
          {t(`segments.export.${format}`)}
        </a>
      ))}
    </span>
  );
}

function Trend({ trend, format }: { trend: { change: number; since: string } | null; format: ReturnType<typeof useFormat> }) {
  const { t } = useI18n();
  if (!trend) return <span className="muted">{t('common.none')}</span>;
  const sign = trend.change > 0 ? '+' : trend.change < 0 ? '−' : '±';
  return (
    <span className={trend.change > 0 ? 'trend-up' : trend.change < 0 ? 'trend-down' : undefined} title={t('segments.trend.since', { date: format.date(trend.since) })}>
      <span>
        {sign}
        {format.number(Math.abs(trend.change))}
      </span>
      <span className="visually-hidden"> {t('segments.trend.since', { date: format.date(trend.since) })}</span>
    </span>
  );
}
