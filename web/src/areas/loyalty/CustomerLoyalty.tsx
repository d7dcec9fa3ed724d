import { useState, type FormEvent } from 'react';
import { api } from '../../api.ts';
import { CodeBlock } from '../../components/CodeBlock.tsx';
import { ErrorNotice, Loading } from '../../components/Feedback.tsx';
import { Stat } from '../../components/Stat.tsx';
import { Table } from '../../components/Table.tsx';
import { useFormat } from '../../format.ts';
import { useI18n } from '../../i18n/index.tsx';
import { hasScope, useSession } from '../../session.tsx';
import { useAction } from '../../useAction.ts';
import { useApi } from '../../useApi.ts';
import { CursorPager, useCursorPages } from '../segments/CursorPager.tsx';
import type { LedgerEntry, LoyaltyAccount, LoyaltySettings } from './types.ts';
import { Loaded } from '../../components/Loaded.tsx';

const LEDGER_PAGE = 10;

/** The customer 360's loyalty panel: balance, tier and progress, expiring points, referral code, ledger. */
export function CustomerLoyalty({ customerId }: { customerId: string }) {
  const { t } = useI18n();
  const format = useFormat();
  const { scopes } = useSession();
  const account = useApi<LoyaltyAccount>(`/v1/loyalty/customers/${encodeURIComponent(customerId)}`);
  const [ledgerVersion, setLedgerVersion] = useState(0);
  const a = account.data?.customerId === customerId ? account.data : undefined;
  const reloadAll = () => {
    account.reload();
    setLedgerVersion((v) => v + 1);
  };
  return (
    <section className="card" aria-labelledby="loyalty-title">
      <h2 id="loyalty-title">{t('loyalty.c360.title')}</h2>
      {account.error !== undefined && <ErrorNotice error={account.error} onRetry={account.reload} />}
      {!a && account.loading && <Loading inline />}
      {a && (
        <>
          <dl className="stats stats-compact">
            <Stat label={t('loyalty.c360.balance')} value={t('loyalty.c360.points', { points: format.number(a.balance) })} testId="loyalty-balance" />
            <Stat label={t('loyalty.c360.pending')} value={t('loyalty.c360.points', { points: format.number(a.pending) })} />
            <Stat label={t('loyalty.c360.tier')} value={a.tier ?? t('loyalty.noTier')} />
            <div className="stat">
              <dt>{t('loyalty.c360.referralCode')}</dt>
              <dd className="mono">{a.referralCode}</dd>
            </div>
          </dl>
          <TierProgress account={a} />
          {a.expiringSoon.length > 0 && (
            <p className="notice notice-info">
              {a.expiringSoon.map((e) => t('loyalty.c360.expiring', { points: format.number(e.points), date: format.date(e.expiresAt) })).join(' / ')}
            </p>
          )}
          {(a.benefits.earlyAccess || a.benefits.exclusiveEvents || a.benefits.earnMultiplier !== 1) && (
            <p className="small">
              {a.benefits.earnMultiplier !== 1 && <span className="badge badge-accent">{t('loyalty.c360.multiplier', { n: a.benefits.earnMultiplier })}</span>}{' '}
              {a.benefits.earlyAccess && <span className="badge badge-accent">{t('loyalty.settings.earlyAccess')}</span>}{' '}
              {a.benefits.exclusiveEvents && <span className="badge badge-accent">{t('loyalty.settings.events')}</span>}
            </p>
          )}
          {a.referralLink && <CodeBlock code={a.referralLink} label={t('loyalty.c360.referralLink')} />}
          {hasScope(scopes, 'admin') && <Adjust customerId={customerId} onDone={reloadAll} />}
          <Ledger key={ledgerVersion} customerId={customerId} />
        </>
      )}
    </section>
  );
}

function TierProgress({ account: a }: { account: LoyaltyAccount }) {
  const { t } = useI18n();
  const format = useFormat();
  // Tiers go by spend (minor units) or by points earned, as the programme says.
  const settings = useApi<LoyaltySettings>('/v1/loyalty/settings');
  if (!a.nextTier) return a.tier ? <p className="muted small">{t('loyalty.c360.topTier')}</p> : null;
  if (!settings.data) return null;
  const needed = settings.data.tierBasis === 'spend' ? format.money(a.neededForNextTier) : t('loyalty.c360.points', { points: format.number(a.neededForNextTier) });
  const target = a.qualifying + a.neededForNextTier;
  const share = target > 0 ? Math.min(1, a.qualifying / target) : 0;
  return (
    <div className="tier-progress">
      <p className="small">{t('loyalty.c360.toNext', { needed, tier: a.nextTier })}</p>
      <progress max={1} value={share} aria-label={t('loyalty.c360.progressLabel', { tier: a.nextTier, percent: Math.round(share * 100) })} />
      {a.tierReviewAt && <p className="muted small">{t('loyalty.c360.review', { date: format.date(a.tierReviewAt) })}</p>}
    </div>
  );
}

function Ledger({ customerId }: { customerId: string }) {
  const { t } = useI18n();
  const format = useFormat();
  const ledger = useCursorPages<LedgerEntry>(
    (cursor) => `/v1/loyalty/customers/${encodeURIComponent(customerId)}/history?limit=${LEDGER_PAGE}${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`,
    customerId,
  );
  const signed = (n: number) => (n === 0 ? '' : `${n > 0 ? '+' : '−'}${format.number(Math.abs(n))}`);
  return (
    <details className="disclosure" open>
      <summary>{t('loyalty.c360.ledger')}</summary>
      <Loaded state={ledger} inline isEmpty={(d) => d.data.length === 0} empty={<p className="muted">{t('loyalty.c360.noLedger')}</p>}>
        {(data) => (
          <>
            <Table
              wrap={false}
              className="table table-compact"
              rows={data.data}
              rowKey={(e) => e.id}
              columns={[
                { header: t('loyalty.c360.when'), cell: (e) => format.dateTime(e.createdAt) },
                { header: t('loyalty.c360.kind'), cell: (e) => t(`loyalty.ledger.${e.kind}`) },
                { header: t('loyalty.c360.points.col'), numeric: true, cell: (e) => signed(e.points) },
                { header: t('loyalty.c360.pending'), numeric: true, cell: (e) => signed(e.pending) },
                {
                  header: t('loyalty.c360.source'),
                  className: 'small',
                  cell: (e) => (
                    <>
                      {e.reason ?? `${e.sourceType}`} <span className="muted mono">{e.sourceId.length > 24 ? `${e.sourceId.slice(0, 8)}…` : e.sourceId}</span>
                    </>
                  ),
                },
                { header: t('loyalty.c360.expires'), cell: (e) => (e.expiresAt ? format.date(e.expiresAt) : '') },
              ]}
            />
            <CursorPager pageIndex={ledger.pageIndex} pageSize={LEDGER_PAGE} shown={data.data.length} hasNext={!!data.nextCursor} busy={ledger.loading} range="loyalty.c360.range" onNext={ledger.next} onPrevious={ledger.previous} />
          </>
        )}
      </Loaded>
    </details>
  );
}

/** Points added or taken by hand, with a reason (kept in the ledger). */
function Adjust({ customerId, onDone }: { customerId: string; onDone: () => void }) {
  const { t } = useI18n();
  const [points, setPoints] = useState('');
  const [reason, setReason] = useState('');
  const { busy, error, run } = useAction();
  // One key per adjustment typed: a double submit replays it instead of adding twice.
  const [idempotencyKey, setIdempotencyKey] = useState(newKey);
  const submit = (event: FormEvent) => {
    event.preventDefault();
    return run(async () => {
      await api(`/v1/loyalty/customers/${encodeURIComponent(customerId)}/adjustments`, {
        method: 'POST',
        body: { points: Number(points), reason: reason.trim(), idempotencyKey },
      });
      setPoints('');
      setReason('');
      setIdempotencyKey(newKey());
      onDone();
    });
  };
  return (
    <details className="disclosure">
      <summary>{t('loyalty.c360.adjust')}</summary>
      <form className="inline-form" onSubmit={(e) => void submit(e)}>
        <label>
          {t('loyalty.c360.adjustPoints')}
          <input type="number" value={points} onChange={(e) => setPoints(e.target.value)} required className="input-narrow" />
        </label>
        <label>
          {t('loyalty.c360.adjustReason')}
          <input value={reason} onChange={(e) => setReason(e.target.value)} required maxLength={500} />
        </label>
        <button type="submit" className="button button-secondary button-small" disabled={busy || !points || Number(points) === 0 || !reason.trim()}>
          {t('loyalty.c360.adjustSubmit')}
        </button>
      </form>
      {error !== undefined && <ErrorNotice error={error} />}
    </details>
  );
}

const newKey = () => `web-adjust-${Date.now().toString(36)}-${Math.random().toString(36).slice(2)}`;
