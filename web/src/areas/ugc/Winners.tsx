import { useState, type FormEvent } from 'react';
import { api } from '../../api.ts';
import { EmptyState } from '../../components/EmptyState.tsx';
import { ErrorNotice, Loading } from '../../components/Feedback.tsx';
import { Table } from '../../components/Table.tsx';
import { useFormat } from '../../format.ts';
import { useI18n } from '../../i18n/index.tsx';
import { Link } from '../../router.tsx';
import { useAction } from '../../useAction.ts';
import { useApi } from '../../useApi.ts';
import { entrantName } from './labels.tsx';
import type { UgcWinner } from './types.ts';

export function Winners({ campaignId, canEdit }: { campaignId: string; canEdit: boolean }) {
  const { t } = useI18n();
  const format = useFormat();
  const { data, error, loading, reload } = useApi<{ data: UgcWinner[] }>(`/v1/ugc/campaigns/${campaignId}/winners`);
  const [count, setCount] = useState(1);
  const [seed, setSeed] = useState('');
  const [drawn, setDrawn] = useState<{ seed: string; count: number }>();
  const action = useAction();
  const { busy, error: actionError } = action;
  const run = (fn: () => Promise<void>) =>
    action.run(async () => {
      await fn();
      reload();
    });
  const draw = (event: FormEvent) => {
    event.preventDefault();
    void run(async () => {
      const result = await api<{ seed: string; winners: UgcWinner[] }>(`/v1/ugc/campaigns/${campaignId}/winners/draw`, { method: 'POST', body: { count, seed: seed.trim() || undefined } });
      setDrawn({ seed: result.seed, count: result.winners.length });
    });
  };

  return (
    <section aria-labelledby="ugc-winners-title" className="stack">
      <h2 id="ugc-winners-title" className="visually-hidden">
        {t('ugc.tab.winners')}
      </h2>
      {canEdit && (
        <section className="card">
          <form className="ugc-inline-form" onSubmit={draw}>
            <div className="field">
              <label htmlFor="ugc-draw-count">{t('ugc.winners.count')}</label>
              <input id="ugc-draw-count" type="number" min={1} max={10_000} value={count} onChange={(e) => setCount(Number(e.target.value))} required />
            </div>
            <div className="field">
              <label htmlFor="ugc-draw-seed">{t('ugc.winners.seed')}</label>
              <input id="ugc-draw-seed" value={seed} onChange={(e) => setSeed(e.target.value)} maxLength={200} />
            </div>
            <button type="submit" className="button button-primary" disabled={busy}>
              {t('ugc.winners.draw')}
            </button>
          </form>
          <p className="hint">{t('ugc.winners.drawHint')}</p>
          <p aria-live="polite">{drawn && t('ugc.winners.drawn', { count: format.number(drawn.count), seed: drawn.seed })}</p>
        </section>
      )}
      {actionError !== undefined && <ErrorNotice error={actionError} />}
      {error !== undefined && <ErrorNotice error={error} onRetry={reload} />}
      {data === undefined && loading && <Loading />}
      {data && data.data.length === 0 && (
        <EmptyState title={t('ugc.winners.none')} hint={t('ugc.winners.noneHint')} />
      )}
      {data && data.data.length > 0 && (
        <>
          <Table
            caption={t('ugc.winners.caption')}
            captionHidden
            rows={data.data}
            rowKey={(w) => w.entryId}
            columns={[
              {
                header: t('ugc.col.name'),
                cell: (w) => (
                  <Link to={`/customers/${w.customerId}`} className="strong-link">
                    {entrantName(w, t('ugc.entry.noName'))}
                  </Link>
                ),
              },
              {
                header: t('ugc.winners.method'),
                cell: (w) => (
                  <>
                    {t(w.method === 'random' ? 'ugc.winners.random' : 'ugc.winners.manual')}
                    {w.seed && <span className="muted small mono"> ({w.seed})</span>}
                  </>
                ),
              },
              { header: t('ugc.winners.pickedAt'), cell: (w) => format.dateTime(w.pickedAt) },
              canEdit && {
                header: <span className="visually-hidden">{t('ugc.winners.remove')}</span>,
                cell: (w) => (
                  <button
                    type="button"
                    className="button button-danger-ghost button-small"
                    disabled={busy}
                    onClick={() => void run(() => api(`/v1/ugc/campaigns/${campaignId}/winners/${w.entryId}`, { method: 'DELETE' }))}
                  >
                    {t('ugc.winners.remove')}
                  </button>
                ),
              },
            ]}
          />
          <p>
            <a className="button button-secondary" href={`/v1/ugc/campaigns/${campaignId}/winners.csv`} download>
              {t('ugc.export.winners')}
            </a>
          </p>
        </>
      )}
    </section>
  );
}
