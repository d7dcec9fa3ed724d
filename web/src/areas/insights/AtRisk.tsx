import { useState } from 'react';
import { ErrorNotice, Loading } from '../../components/Feedback.tsx';
import { Options } from '../../components/Options.tsx';
import { PageHeader } from '../../components/Shell.tsx';
import { useFormat } from '../../format.ts';
import { useI18n } from '../../i18n/index.tsx';
import { useApi } from '../../useApi.ts';
import { RequireScores } from './RequireScores.tsx';
import { OffsetPager, ScoredCustomerTable, type CustomerSortKey } from './ScoredCustomerTable.tsx';
import type { CustomerPage } from './types.ts';

const PAGE = 50;
const THRESHOLDS = [0.3, 0.5, 0.7] as const;
const MIN_FM = [3, 4, 5] as const;

export function AtRisk() {
  const { t } = useI18n();
  return (
    <>
      <PageHeader title={t('insights.atRisk.title')} subtitle={t('insights.atRisk.subtitle')} />
      <RequireScores>
        <AtRiskList />
      </RequireScores>
    </>
  );
}

function AtRiskList() {
  const { t, locale } = useI18n();
  const format = useFormat();
  const [maxPAlive, setMaxPAlive] = useState(0.5);
  const [minFm, setMinFm] = useState(4);
  const [includeLost, setIncludeLost] = useState(false);
  const [sort, setSort] = useState<{ key: CustomerSortKey; direction: 'asc' | 'desc' }>({ key: 'valueAtStake', direction: 'desc' });
  const [offset, setOffset] = useState(0);
  const filter = new URLSearchParams({ maxPAlive: String(maxPAlive), minFm: String(minFm), sort: sort.key, direction: sort.direction, includeLost: String(includeLost) });
  const page = useApi<CustomerPage>(`/v1/insights/at-risk?${filter}&limit=${PAGE}&offset=${offset}`);

  const onSort = (key: CustomerSortKey) => {
    setSort((s) => (s.key === key ? { key, direction: s.direction === 'asc' ? 'desc' : 'asc' } : { key, direction: key === 'pAlive' ? 'asc' : 'desc' }));
    setOffset(0);
  };
  return (
    <>
      <div className="toolbar">
        <label>
          {t('insights.atRisk.maxPAlive')}
          <select
            value={maxPAlive}
            onChange={(e) => {
              setMaxPAlive(Number(e.target.value));
              setOffset(0);
            }}
          >
            <Options items={THRESHOLDS} label={(v) => t('insights.atRisk.below', { value: `${v * 100}%` })} />
          </select>
        </label>
        <label>
          {t('insights.atRisk.minFm')}
          <select
            value={minFm}
            onChange={(e) => {
              setMinFm(Number(e.target.value));
              setOffset(0);
            }}
          >
            <Options items={MIN_FM} label={(v) => t('insights.atRisk.fmAtLeast', { fm: v })} />
          </select>
        </label>
        <label className="checkbox">
          <input
            type="checkbox"
            checked={includeLost}
            onChange={(e) => {
              setIncludeLost(e.target.checked);
              setOffset(0);
            }}
          />
          {t('insights.atRisk.includeLost')}
        </label>
        <a className="button button-secondary" href={`/v1/insights/at-risk.csv?${filter}&lang=${locale}`} download>
          {t('insights.atRisk.export')}
        </a>
      </div>
      {page.error !== undefined && <ErrorNotice error={page.error} onRetry={page.reload} />}
      {!page.data && page.loading && <Loading />}
      {page.data && (
        <>
          <p className="muted" aria-live="polite">
            {t('insights.atRisk.count', { count: format.number(page.data.total) })}
          </p>
          {sort.key === 'valueAtStake' && <p className="muted">{t('insights.atRisk.stakeHelp')}</p>}
          {page.data.total === 0 ? (
            <p className="empty">{t('insights.atRisk.none')}</p>
          ) : (
            <>
              <ScoredCustomerTable customers={page.data.data} caption={t('insights.atRisk.title')} busy={page.loading} sort={{ ...sort, onSort }} atRisk />
              <OffsetPager total={page.data.total} offset={offset} limit={PAGE} onChange={setOffset} busy={page.loading} />
            </>
          )}
        </>
      )}
    </>
  );
}
