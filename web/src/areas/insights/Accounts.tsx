import { useState } from 'react';
import { CodeBlock } from '../../components/CodeBlock.tsx';
import { EmptyState } from '../../components/EmptyState.tsx';
import { ErrorNotice, Loading } from '../../components/Feedback.tsx';
import { PageHeader } from '../../components/Shell.tsx';
import { Table } from '../../components/Table.tsx';
import { useFormat } from '../../format.ts';
import { useI18n, type MessageKey } from '../../i18n/index.tsx';
import { useApi } from '../../useApi.ts';
import { OffsetPager } from './ScoredCustomerTable.tsx';
import { usePercent } from './labels.ts';
import type { AccountHealth, AccountsPage } from './types.ts';

const PAGE = 25;
type Status = AccountHealth['status'];
const STATUS_KEYS: Record<Status, MessageKey> = { green: 'insights.accounts.green', amber: 'insights.accounts.amber', red: 'insights.accounts.red' };
const STATUS_BADGE: Record<Status, string> = { green: 'badge-positive', amber: 'badge-accent', red: 'badge-negative' };
const SIGNAL_KEYS: Record<string, MessageKey> = {
  usageRecency: 'insights.signal.usageRecency',
  usageFrequency: 'insights.signal.usageFrequency',
  usageBreadth: 'insights.signal.usageBreadth',
  seatUtilization: 'insights.signal.seatUtilization',
  supportTickets: 'insights.signal.supportTickets',
  nps: 'insights.signal.nps',
  failedPayments: 'insights.signal.failedPayments',
  renewal: 'insights.signal.renewal',
};

function useSignalName(): (signal: string) => string {
  const { t } = useI18n();
  return (signal) => (SIGNAL_KEYS[signal] ? t(SIGNAL_KEYS[signal]!) : signal);
}

/** The two weakest signals' names, joined as the language lists them. */
function useWeakestSignals(): (account: AccountHealth) => string {
  const { t, locale } = useI18n();
  const signalName = useSignalName();
  return (account) => weakest(account).map((s) => signalName(s.signal)).join(locale === 'ja' ? '、' : ', ') || t('common.none');
}

export function Accounts() {
  const { t } = useI18n();
  const [status, setStatus] = useState<Status | ''>('');
  const [offset, setOffset] = useState(0);
  const page = useApi<AccountsPage>(`/v1/insights/accounts?limit=${PAGE}&offset=${offset}${status ? `&status=${status}` : ''}`);
  const none = page.data && page.data.statuses.green + page.data.statuses.amber + page.data.statuses.red === 0;
  return (
    <>
      <PageHeader title={t('insights.accounts.title')} subtitle={t('insights.accounts.subtitle')} />
      {page.error !== undefined && <ErrorNotice error={page.error} onRetry={page.reload} />}
      {!page.data && page.loading && <Loading />}
      {none && <NoAccounts />}
      {page.data && !none && (
        <>
          <StatusFilter statuses={page.data.statuses} value={status} onChange={(s) => { setStatus(s); setOffset(0); }} />
          <RenewalRisk />
          <section className="card" aria-labelledby="accounts-list">
            <h2 id="accounts-list">{t('insights.accounts.list')}</h2>
            <AccountTable accounts={page.data.data} busy={page.loading} />
            <OffsetPager total={page.data.total} offset={offset} limit={PAGE} onChange={setOffset} busy={page.loading} />
          </section>
        </>
      )}
    </>
  );
}

function StatusFilter({ statuses, value, onChange }: { statuses: AccountsPage['statuses']; value: Status | ''; onChange: (s: Status | '') => void }) {
  const { t } = useI18n();
  const format = useFormat();
  const options: (Status | '')[] = ['', 'red', 'amber', 'green'];
  const total = statuses.green + statuses.amber + statuses.red;
  return (
    <div className="insights-status-filter" role="group" aria-label={t('insights.accounts.filter')}>
      {options.map((s) => (
        <button key={s || 'all'} type="button" className={`button button-small ${value === s ? 'button-primary' : 'button-secondary'}`} aria-pressed={value === s} onClick={() => onChange(s)}>
          {s ? t(STATUS_KEYS[s]) : t('insights.accounts.all')} ({format.number(s ? statuses[s] : total)})
        </button>
      ))}
    </div>
  );
}

function RenewalRisk() {
  const { t } = useI18n();
  const format = useFormat();
  const weakestSignals = useWeakestSignals();
  const risk = useApi<{ data: AccountHealth[] }>('/v1/accounts/renewal-risk');
  return (
    <section className="card" aria-labelledby="renewal-risk">
      <h2 id="renewal-risk">{t('insights.accounts.renewalRisk')}</h2>
      <p className="muted small">{t('insights.accounts.renewalHelp')}</p>
      {risk.error !== undefined && <ErrorNotice error={risk.error} onRetry={risk.reload} />}
      {!risk.data && risk.loading && <Loading />}
      {risk.data && risk.data.data.length === 0 && <p className="muted">{t('insights.accounts.noRisk')}</p>}
      {risk.data && risk.data.data.length > 0 && (
        <Table
          className="table insights-rows"
          caption={t('insights.accounts.renewalRisk')}
          captionHidden
          rows={risk.data.data.slice(0, 10)}
          rowKey={(a) => a.accountId}
          columns={[
            { header: t('insights.accounts.account'), rowHeader: true, cell: (a) => a.name ?? a.externalId },
            { header: t('insights.accounts.mrrAtRisk'), numeric: true, cell: (a) => format.money(Math.round(a.mrrAtRiskMinor)) },
            { header: t('insights.accounts.mrr'), numeric: true, cell: (a) => format.money(a.mrrMinor) },
            { header: t('insights.accounts.score'), numeric: true, cell: (a) => <span className={`badge ${STATUS_BADGE[a.status]}`}>{Math.round(a.score)}</span> },
            { header: t('insights.accounts.renews'), numeric: true, cell: (a) => (a.renewsAt ? format.date(a.renewsAt) : t('common.none')) },
            { header: t('insights.accounts.why'), cell: weakestSignals },
          ]}
        />
      )}
    </section>
  );
}

/** The signals that cost the most points: the answer to "why is this account red?". */
const weakest = (a: AccountHealth) => [...a.signals].filter((s) => s.lostPoints >= 1).sort((x, y) => y.lostPoints - x.lostPoints).slice(0, 2);

function AccountTable({ accounts, busy }: { accounts: AccountHealth[]; busy: boolean }) {
  const { t } = useI18n();
  const format = useFormat();
  const weakestSignals = useWeakestSignals();
  const [open, setOpen] = useState<string | null>(null);
  return (
    <Table
      className="table insights-rows"
      busy={busy}
      caption={t('insights.accounts.list')}
      captionHidden
      rows={accounts}
      rowKey={(a) => a.accountId}
      detail={{ className: 'insights-signals-row', render: (a) => (open === a.accountId ? <SignalBreakdown account={a} /> : null) }}
      columns={[
        {
          header: t('insights.accounts.account'),
          rowHeader: true,
          cell: (a) => (
            <button type="button" className="link-button" aria-expanded={open === a.accountId} onClick={() => setOpen(open === a.accountId ? null : a.accountId)}>
              {a.name ?? a.externalId}
            </button>
          ),
        },
        { header: t('insights.accounts.score'), numeric: true, cell: (a) => Math.round(a.score) },
        { header: t('insights.accounts.status'), cell: (a) => <span className={`badge ${STATUS_BADGE[a.status]}`}>{t(STATUS_KEYS[a.status])}</span> },
        { header: t('insights.accounts.mrr'), numeric: true, cell: (a) => format.money(a.mrrMinor) },
        { header: t('insights.accounts.seats'), numeric: true, cell: (a) => format.number(a.seats) },
        { header: t('insights.accounts.renews'), numeric: true, cell: (a) => (a.renewsAt ? format.date(a.renewsAt) : t('common.none')) },
        { header: t('insights.accounts.why'), cell: weakestSignals },
      ]}
    />
  );
}

function SignalBreakdown({ account }: { account: AccountHealth }) {
  const { t } = useI18n();
  const percent = usePercent();
  const signalName = useSignalName();
  return (
    <Table
      wrap={false}
      className="table insights-rows insights-signals"
      caption={t('insights.accounts.signals', { account: account.name ?? account.externalId })}
      rows={account.signals}
      rowKey={(s) => s.signal}
      columns={[
        { header: t('insights.accounts.signal'), rowHeader: true, cell: (s) => signalName(s.signal) },
        { header: t('insights.accounts.measured'), numeric: true, cell: (s) => (s.raw === null ? t('insights.accounts.noData') : Math.round(s.raw * 100) / 100) },
        { header: t('insights.accounts.signalScore'), numeric: true, cell: (s) => (s.score === null ? t('common.none') : percent(s.score, 0)) },
        { header: t('insights.accounts.weight'), numeric: true, cell: (s) => s.weight },
        { header: t('insights.accounts.points'), numeric: true, cell: (s) => s.points.toFixed(1) },
        { header: t('insights.accounts.lost'), numeric: true, cell: (s) => <span className={s.lostPoints >= 1 ? 'insights-down' : undefined}>{s.lostPoints.toFixed(1)}</span> },
      ]}
    />
  );
}

function NoAccounts() {
  const { t } = useI18n();
  const body = JSON.stringify({ batch: [{ type: 'group', userId: 'customer-1', groupId: 'acme', traits: { name: 'Acme株式会社' } }] });
  return (
    <EmptyState heading id="no-accounts" title={t('insights.accounts.emptyTitle')} hint={t('insights.accounts.emptyBody')}>
      <CodeBlock
        label={t('insights.accounts.emptyTitle')}
        code={[`curl -X POST ${window.location.origin}/v1/batch \\`, '  -H "Authorization: Bearer $KIZUNA_API_KEY" \\', '  -H "Content-Type: application/json" \\', `  -d '${body}'`].join('\n')}
      />
    </EmptyState>
  );
}
