import { Fragment, useState } from 'react';
import { CodeBlock } from '../../components/CodeBlock.tsx';
import { ErrorNotice, Loading } from '../../components/Feedback.tsx';
import { PageHeader } from '../../components/Shell.tsx';
import { useFormat } from '../../format.ts';
import { useI18n, type MessageKey } from '../../i18n/index.tsx';
import { useApi } from '../../useApi.ts';
import { OffsetPager, usePercent } from './shared.tsx';
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
        <div className="table-wrap">
          <table className="table insights-rows">
            <caption className="visually-hidden">{t('insights.accounts.renewalRisk')}</caption>
            <thead>
              <tr>
                <th scope="col">{t('insights.accounts.account')}</th>
                <th scope="col" className="numeric">{t('insights.accounts.mrrAtRisk')}</th>
                <th scope="col" className="numeric">{t('insights.accounts.mrr')}</th>
                <th scope="col" className="numeric">{t('insights.accounts.score')}</th>
                <th scope="col" className="numeric">{t('insights.accounts.renews')}</th>
                <th scope="col">{t('insights.accounts.why')}</th>
              </tr>
            </thead>
            <tbody>
              {risk.data.data.slice(0, 10).map((a) => (
                <tr key={a.accountId}>
                  <th scope="row">{a.name ?? a.externalId}</th>
                  <td className="numeric">{format.money(Math.round(a.mrrAtRiskMinor))}</td>
                  <td className="numeric">{format.money(a.mrrMinor)}</td>
                  <td className="numeric">
                    <span className={`badge ${STATUS_BADGE[a.status]}`}>{Math.round(a.score)}</span>
                  </td>
                  <td className="numeric">{a.renewsAt ? format.date(a.renewsAt) : t('common.none')}</td>
                  <td>{weakestSignals(a)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
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
    <div className="table-wrap" aria-busy={busy}>
      <table className="table insights-rows">
        <caption className="visually-hidden">{t('insights.accounts.list')}</caption>
        <thead>
          <tr>
            <th scope="col">{t('insights.accounts.account')}</th>
            <th scope="col" className="numeric">{t('insights.accounts.score')}</th>
            <th scope="col">{t('insights.accounts.status')}</th>
            <th scope="col" className="numeric">{t('insights.accounts.mrr')}</th>
            <th scope="col" className="numeric">{t('insights.accounts.seats')}</th>
            <th scope="col" className="numeric">{t('insights.accounts.renews')}</th>
            <th scope="col">{t('insights.accounts.why')}</th>
          </tr>
        </thead>
        <tbody>
          {accounts.map((a) => (
            <Fragment key={a.accountId}>
              <tr>
                <th scope="row">
                  <button type="button" className="link-button" aria-expanded={open === a.accountId} onClick={() => setOpen(open === a.accountId ? null : a.accountId)}>
                    {a.name ?? a.externalId}
                  </button>
                </th>
                <td className="numeric">{Math.round(a.score)}</td>
                <td>
                  <span className={`badge ${STATUS_BADGE[a.status]}`}>{t(STATUS_KEYS[a.status])}</span>
                </td>
                <td className="numeric">{format.money(a.mrrMinor)}</td>
                <td className="numeric">{format.number(a.seats)}</td>
                <td className="numeric">{a.renewsAt ? format.date(a.renewsAt) : t('common.none')}</td>
                <td>{weakestSignals(a)}</td>
              </tr>
              {open === a.accountId && (
                <tr className="insights-signals-row">
                  <td colSpan={7}>
                    <SignalBreakdown account={a} />
                  </td>
                </tr>
              )}
            </Fragment>
          ))}
        </tbody>
      </table>
    </div>
  );
}

function SignalBreakdown({ account }: { account: AccountHealth }) {
  const { t } = useI18n();
  const percent = usePercent();
  const signalName = useSignalName();
  return (
    <table className="table insights-rows insights-signals">
      <caption>{t('insights.accounts.signals', { account: account.name ?? account.externalId })}</caption>
      <thead>
        <tr>
          <th scope="col">{t('insights.accounts.signal')}</th>
          <th scope="col" className="numeric">{t('insights.accounts.measured')}</th>
          <th scope="col" className="numeric">{t('insights.accounts.signalScore')}</th>
          <th scope="col" className="numeric">{t('insights.accounts.weight')}</th>
          <th scope="col" className="numeric">{t('insights.accounts.points')}</th>
          <th scope="col" className="numeric">{t('insights.accounts.lost')}</th>
        </tr>
      </thead>
      <tbody>
        {account.signals.map((s) => (
          <tr key={s.signal}>
            <th scope="row">{signalName(s.signal)}</th>
            <td className="numeric">{s.raw === null ? t('insights.accounts.noData') : Math.round(s.raw * 100) / 100}</td>
            <td className="numeric">{s.score === null ? t('common.none') : percent(s.score, 0)}</td>
            <td className="numeric">{s.weight}</td>
            <td className="numeric">{s.points.toFixed(1)}</td>
            <td className={`numeric ${s.lostPoints >= 1 ? 'insights-down' : ''}`}>{s.lostPoints.toFixed(1)}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

function NoAccounts() {
  const { t } = useI18n();
  const body = JSON.stringify({ batch: [{ type: 'group', userId: 'customer-1', groupId: 'acme', traits: { name: 'Acme株式会社' } }] });
  return (
    <section className="empty" aria-labelledby="no-accounts">
      <h2 id="no-accounts" className="empty-title">
        {t('insights.accounts.emptyTitle')}
      </h2>
      <p className="muted">{t('insights.accounts.emptyBody')}</p>
      <CodeBlock
        label={t('insights.accounts.emptyTitle')}
        code={[`curl -X POST ${window.location.origin}/v1/batch \\`, '  -H "Authorization: Bearer $KIZUNA_API_KEY" \\', '  -H "Content-Type: application/json" \\', `  -d '${body}'`].join('\n')}
      />
    </section>
  );
}
