import type { ReactNode } from 'react';
import { api } from '../../api.ts';
import { CodeBlock } from '../../components/CodeBlock.tsx';
import { EmptyState } from '../../components/EmptyState.tsx';
import { ErrorNotice, Loading } from '../../components/Feedback.tsx';
import { Table } from '../../components/Table.tsx';
import { useFormat } from '../../format.ts';
import { RFM_SEGMENTS, STAGES, rfmKey, useGlossary } from '../../glossary.ts';
import { useI18n, type MessageKey } from '../../i18n/index.tsx';
import { Link } from '../../router.tsx';
import { hasScope, useSession } from '../../session.tsx';
import { useAction } from '../../useAction.ts';
import { useApi } from '../../useApi.ts';
import type { ModelsReport, ScoredCustomer, Stage } from './types.ts';

/** Stage labels: the glossary's (src/lib/glossary.ts). */
export const STAGE_KEYS = Object.fromEntries(STAGES.map((s) => [s, `glossary.stage.${s}`])) as Record<Stage, MessageKey>;

/** RFM segment ids as the API spells them, each to its glossary label. */
export const SEGMENT_KEYS = Object.fromEntries(RFM_SEGMENTS.map((s) => [s, rfmKey(s)])) as Record<string, MessageKey>;

/** Translated segment name; an unknown name (a newer server) is shown as the API gives it. */
export function useSegmentName(): (segment: string | null) => string {
  return useGlossary().rfm;
}

/** A change of a ratio in percentage points, signed, one decimal ("+1.4", "−0.3", "0.0"). */
export function signedPoints(change: number): string {
  const points = Math.abs(change * 100).toFixed(1);
  return points === '0.0' ? points : `${change > 0 ? '+' : '−'}${points}`;
}

/** Ratios as percentages in the interface language. */
export function usePercent(): (ratio: number, digits?: number) => string {
  const { locale } = useI18n();
  return (ratio, digits = 1) =>
    new Intl.NumberFormat(locale === 'ja' ? 'ja-JP' : 'en-US', { style: 'percent', minimumFractionDigits: digits, maximumFractionDigits: digits }).format(ratio);
}

/**
 * Pages built on the scores need a scoring run first: until there is one, say how to run it (the
 * CLI command, and a button for admins).
 */
export function RequireScores({ children }: { children: ReactNode }) {
  const models = useApi<ModelsReport>('/v1/models');
  if (models.error !== undefined) return <ErrorNotice error={models.error} onRetry={models.reload} />;
  if (!models.data) return <Loading />;
  if (!models.data.fit && models.data.lastRun?.status !== 'succeeded') return <ScoringNeeded failure={models.data.lastRun?.error ?? null} onScored={models.reload} />;
  return <>{children}</>;
}

function ScoringNeeded({ failure, onScored }: { failure: string | null; onScored: () => void }) {
  const { t } = useI18n();
  const { workspace, scopes } = useSession();
  const { busy: running, error, run } = useAction();
  const score = () =>
    run(async () => {
      await api('/v1/models/score', { method: 'POST', body: { mode: 'auto' } });
      onScored();
    });
  return (
    <EmptyState heading id="scoring-needed" title={t('insights.scoring.title')} hint={t('insights.scoring.body')}>
      {failure && (
        <p className="notice notice-error">
          {t('insights.scoring.failed')} {failure}
        </p>
      )}
      <CodeBlock code={`npx kizuna score --workspace ${workspace.id}`} label={t('insights.scoring.command')} />
      {hasScope(scopes, 'admin') && (
        <button type="button" className="button button-primary" onClick={score} disabled={running}>
          {running ? t('insights.scoring.running') : t('insights.scoring.run')}
        </button>
      )}
      {error !== undefined && <ErrorNotice error={error} />}
    </EmptyState>
  );
}

export function OffsetPager({ total, offset, limit, onChange, busy }: { total: number; offset: number; limit: number; onChange: (offset: number) => void; busy: boolean }) {
  const { t } = useI18n();
  const format = useFormat();
  if (total <= limit) return null;
  return (
    <nav className="pager" aria-label={t('common.pagination')}>
      <button type="button" className="button button-secondary" onClick={() => onChange(Math.max(0, offset - limit))} disabled={offset === 0 || busy}>
        {t('common.previous')}
      </button>
      <span className="muted" aria-live="polite">
        {t('insights.range', { from: format.number(offset + 1), to: format.number(Math.min(offset + limit, total)), total: format.number(total) })}
      </span>
      <button type="button" className="button button-secondary" onClick={() => onChange(offset + limit)} disabled={offset + limit >= total || busy}>
        {t('common.next')}
      </button>
    </nav>
  );
}

export type CustomerSortKey = 'valueAtStake' | 'revenue' | 'clv' | 'pAlive' | 'churnRisk' | 'lastOrder';
export interface TableSort {
  key: CustomerSortKey;
  direction: 'asc' | 'desc';
  onSort: (key: CustomerSortKey) => void;
}

/** Why a customer is at risk, in words: days of silence against their usual gap, and the P(alive) trend. */
function useRiskReason(): (c: ScoredCustomer) => string {
  const { t } = useI18n();
  return (c) => {
    const parts: string[] = [];
    if (c.daysSinceLastOrder !== null) {
      parts.push(
        c.usualIntervalDays === null
          ? t('insights.atRisk.whyOnce', { days: c.daysSinceLastOrder })
          : t('insights.atRisk.whyGap', { days: c.daysSinceLastOrder, usual: Math.round(c.usualIntervalDays) }),
      );
    }
    if (c.pAliveChange !== null && c.pAliveChange !== 0) parts.push(t(c.pAliveChange < 0 ? 'insights.atRisk.whyFalling' : 'insights.atRisk.whyRising', { change: signedPoints(c.pAliveChange) }));
    return parts.join(t('insights.atRisk.whySeparator'));
  };
}

/**
 * Scored customers, each linking to the customer 360; sortable on the server when `sort` is given.
 * `atRisk` adds the value at stake and the reason of each row.
 */
export function ScoredCustomerTable({ customers, caption, busy, sort, atRisk = false }: { customers: ScoredCustomer[]; caption: string; busy: boolean; sort?: TableSort; atRisk?: boolean }) {
  const reason = useRiskReason();
  const { t } = useI18n();
  const format = useFormat();
  const percent = usePercent();
  const segmentName = useSegmentName();
  const sortBy = (key: CustomerSortKey) => sort && { direction: sort.key === key ? sort.direction : null, onSort: () => sort.onSort(key) };
  const none = t('common.none');
  return (
    <Table
      className="table insights-rows"
      busy={busy}
      caption={caption}
      captionHidden
      rows={customers}
      rowKey={(c) => c.customerId}
      columns={[
        {
          header: t('insights.col.customer'),
          cell: (c) => (
            <>
              <Link to={`/customers/${c.customerId}`} className="strong-link">
                {c.name ?? c.email ?? c.externalId ?? t('customers.noName')}
              </Link>
              {c.name && c.externalId && <span className="kana mono">{c.externalId}</span>}
            </>
          ),
        },
        { header: t('insights.col.segment'), cell: (c) => segmentName(c.rfmSegment) },
        { header: t('insights.col.stage'), cell: (c) => t(STAGE_KEYS[c.stage]) },
        atRisk && { header: t('insights.col.valueAtStake'), numeric: true, sort: sortBy('valueAtStake'), cell: (c) => (c.valueAtStakeMinor === null ? none : format.money(c.valueAtStakeMinor)) },
        atRisk && { header: t('insights.col.why'), className: 'insights-why', cell: reason },
        { header: t('insights.col.orders'), numeric: true, cell: (c) => format.number(c.ordersCount) },
        { header: t('insights.col.revenue'), numeric: true, sort: sortBy('revenue'), cell: (c) => format.money(c.revenueMinor) },
        { header: t('insights.col.clv'), numeric: true, sort: sortBy('clv'), cell: (c) => (c.clv12mMinor === null ? none : format.money(c.clv12mMinor)) },
        { header: t('insights.col.pAlive'), numeric: true, sort: sortBy('pAlive'), cell: (c) => (c.pAlive === null ? none : percent(c.pAlive)) },
        {
          header: t('insights.col.pAliveChange'),
          numeric: true,
          cell: (c) => <span className={c.pAliveChange !== null && c.pAliveChange < 0 ? 'insights-down' : undefined}>{c.pAliveChange === null ? none : t('insights.points', { change: signedPoints(c.pAliveChange) })}</span>,
        },
        { header: t('insights.col.lastOrder'), numeric: true, sort: sortBy('lastOrder'), cell: (c) => (c.lastOrderAt ? format.date(c.lastOrderAt) : none) },
      ]}
    />
  );
}
