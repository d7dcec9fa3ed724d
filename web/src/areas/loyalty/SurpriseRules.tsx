import { useMemo, useState, type FormEvent } from 'react';
import { api } from '../../api.ts';
import { EmptyState } from '../../components/EmptyState.tsx';
import { ErrorNotice, Loading } from '../../components/Feedback.tsx';
import { Options } from '../../components/Options.tsx';
import { Table } from '../../components/Table.tsx';
import { useFormat } from '../../format.ts';
import { useGlossary } from '../../glossary.ts';
import { useI18n } from '../../i18n/index.tsx';
import { Link } from '../../router.tsx';
import { hasScope, useSession } from '../../session.tsx';
import { useAction } from '../../useAction.ts';
import { useApi } from '../../useApi.ts';
import type { Segment } from '../segments/types.ts';
import type { Reward, SurpriseRule } from './types.ts';

const PERIODS = ['month', 'quarter', 'year'] as const;

/** "Surprise and delight": a reward granted to a segment's members, once per member and period. */
export function SurpriseRules() {
  const words = useGlossary();
  const { t } = useI18n();
  const format = useFormat();
  const { scopes } = useSession();
  const canEdit = hasScope(scopes, 'admin');
  const rules = useApi<{ data: SurpriseRule[] }>('/v1/loyalty/surprise-rules');
  const rewards = useApi<{ data: Reward[] }>('/v1/loyalty/rewards');
  const segments = useApi<{ data: Segment[] }>('/v1/segments');
  const rewardNames = useMemo(() => new Map(rewards.data?.data.map((r) => [r.id, r.name]) ?? []), [rewards.data]);
  const segmentNames = useMemo(() => new Map(segments.data?.data.map((s) => [s.id, words.segmentName(s.name)]) ?? []), [segments.data, words]);
  const [runResult, setRunResult] = useState<{ granted: number; skipped: number }>();
  const { busy: running, error: runError, run } = useAction();
  const runNow = () => run(async () => setRunResult(await api('/v1/loyalty/surprise-rules/run', { method: 'POST', body: {} })));

  return (
    <>
      <p className="muted">{t('loyalty.surprise.intro')}</p>
      {canEdit && rewards.data && segments.data && <NewRule rewards={rewards.data.data} segments={segments.data.data} onCreated={rules.reload} />}
      {rules.error !== undefined && <ErrorNotice error={rules.error} onRetry={rules.reload} />}
      {!rules.data && rules.loading && <Loading />}
      {rules.data && rules.data.data.length === 0 && (
        <EmptyState compact title={t('loyalty.surprise.none')} hint={canEdit ? t('loyalty.surprise.noneHint') : t('loyalty.adminOnly')} />
      )}
      {rules.data && rules.data.data.length > 0 && (
        <>
          <Table
            rows={rules.data.data}
            rowKey={(r) => r.id}
            columns={[
              { header: t('loyalty.surprise.name'), className: 'strong', cell: (r) => r.name },
              { header: t('loyalty.surprise.reward'), cell: (r) => rewardNames.get(r.rewardId) ?? r.rewardId },
              { header: t('loyalty.surprise.segment'), cell: (r) => <Link to={`/segments/${r.segmentId}`}>{segmentNames.get(r.segmentId) ?? r.segmentId}</Link> },
              { header: t('loyalty.surprise.period'), cell: (r) => t(`loyalty.period.${r.period}`) },
              {
                header: t('loyalty.rewards.status'),
                cell: (r) => <span className={`badge ${r.active ? 'badge-positive' : 'badge-neutral'}`}>{r.active ? t('loyalty.active') : t('loyalty.inactive')}</span>,
              },
              { header: t('loyalty.surprise.created'), cell: (r) => format.date(r.createdAt) },
            ]}
          />
          {canEdit && (
            <p>
              <button type="button" className="button button-secondary" onClick={() => void runNow()} disabled={running}>
                {running ? t('loyalty.surprise.running') : t('loyalty.surprise.run')}
              </button>
            </p>
          )}
          {runResult && (
            <p className="notice notice-success" role="status">
              {t('loyalty.surprise.ran', { granted: format.number(runResult.granted), skipped: format.number(runResult.skipped) })}
            </p>
          )}
          {runError !== undefined && <ErrorNotice error={runError} />}
        </>
      )}
    </>
  );
}

function NewRule({ rewards, segments, onCreated }: { rewards: Reward[]; segments: Segment[]; onCreated: () => void }) {
  const words = useGlossary();
  const { t } = useI18n();
  const active = rewards.filter((r) => r.active);
  const [name, setName] = useState('');
  const [rewardId, setRewardId] = useState(active[0]?.id ?? '');
  const [segmentId, setSegmentId] = useState(segments[0]?.id ?? '');
  const [period, setPeriod] = useState<(typeof PERIODS)[number]>('quarter');
  const { busy, error, run } = useAction();
  if (active.length === 0) return <p className="notice notice-info">{t('loyalty.surprise.needReward')}</p>;

  const submit = (event: FormEvent) => {
    event.preventDefault();
    return run(async () => {
      await api('/v1/loyalty/surprise-rules', { method: 'POST', body: { name: name.trim(), rewardId, segmentId, period } });
      setName('');
      onCreated();
    });
  };
  return (
    <form className="card form" onSubmit={(e) => void submit(e)}>
      <h2>{t('loyalty.surprise.new')}</h2>
      <div className="form-grid">
        <div className="field">
          <label htmlFor="surprise-name">{t('loyalty.surprise.name')}</label>
          <input id="surprise-name" value={name} onChange={(e) => setName(e.target.value)} required maxLength={200} placeholder={t('loyalty.surprise.namePlaceholder')} />
        </div>
        <div className="field">
          <label htmlFor="surprise-reward">{t('loyalty.surprise.reward')}</label>
          <select id="surprise-reward" value={rewardId} onChange={(e) => setRewardId(e.target.value)}>
            <Options items={active} value={(r) => r.id} label={(r) => r.name} />
          </select>
        </div>
        <div className="field">
          <label htmlFor="surprise-segment">{t('loyalty.surprise.segment')}</label>
          <select id="surprise-segment" value={segmentId} onChange={(e) => setSegmentId(e.target.value)}>
            <Options items={segments} value={(s) => s.id} label={(s) => words.segmentName(s.name)} />
          </select>
        </div>
        <div className="field">
          <label htmlFor="surprise-period">{t('loyalty.surprise.period')}</label>
          <select id="surprise-period" value={period} onChange={(e) => setPeriod(e.target.value as (typeof PERIODS)[number])}>
            <Options items={PERIODS} label={(p) => t(`loyalty.period.${p}`)} />
          </select>
        </div>
      </div>
      {error !== undefined && <ErrorNotice error={error} />}
      <div className="form-actions">
        <button type="submit" className="button button-primary" disabled={busy || !name.trim() || !segmentId}>
          {t('loyalty.surprise.create')}
        </button>
      </div>
    </form>
  );
}
