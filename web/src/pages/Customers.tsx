import { useEffect, useState, type FormEvent } from 'react';
import { CustomerAnalytics } from '../areas/insights/CustomerAnalytics.tsx';
import { EmptyState } from '../components/EmptyState.tsx';
import { ErrorNotice, Loading } from '../components/Feedback.tsx';
import { PageHeader } from '../components/Shell.tsx';
import { ImportCommand, TrackSnippet } from '../components/Snippets.tsx';
import { Table } from '../components/Table.tsx';
import { useFormat } from '../format.ts';
import { useI18n } from '../i18n/index.tsx';
import { fullKana, fullName } from '../names.ts';
import { Link, navigate, useLocation } from '../router.tsx';
import { hasScope, useSession } from '../session.tsx';
import type { Customer, Page } from '../types.ts';
import { useApi } from '../useApi.ts';

const PAGE_SIZE = 50;

/**
 * Where each visited page came from, so Previous works after opening a customer and coming back
 * (the cursor is in the URL; the API pages forward only). Kept for the life of the tab.
 */
const trail = new Map<string, { previous: string; index: number }>();
const trailKey = (search: string, cursor: string) => `${search}\n${cursor}`;

function customersUrl(search: string, cursor = ''): string {
  const query = new URLSearchParams();
  if (search) query.set('search', search);
  if (cursor) query.set('cursor', cursor);
  const qs = query.toString();
  return qs ? `/customers?${qs}` : '/customers';
}

export function Customers() {
  const { t } = useI18n();
  const { query } = useLocation();
  const search = query.get('search') ?? '';
  const cursor = query.get('cursor') ?? '';
  const apiQuery = new URLSearchParams({ limit: String(PAGE_SIZE) });
  if (search) apiQuery.set('search', search);
  if (cursor) apiQuery.set('cursor', cursor);
  const { data, error, loading, reload } = useApi<Page<Customer>>(`/v1/customers?${apiQuery}`);

  const here = trail.get(trailKey(search, cursor)) ?? (cursor ? undefined : { previous: '', index: 0 });
  const next = () => {
    if (!data?.nextCursor) return;
    trail.set(trailKey(search, data.nextCursor), { previous: cursor, index: (here?.index ?? -1) + 1 });
    navigate(customersUrl(search, data.nextCursor));
  };
  const previous = () => navigate(customersUrl(search, here?.previous ?? ''));

  const isEmptyWorkspace = data && data.data.length === 0 && !search && !cursor;
  return (
    <>
      <PageHeader title={t('customers.title')} />
      {/* The analytics stay on the first page of the unfiltered list, above it; an empty workspace sees the onboarding only. */}
      {data && !isEmptyWorkspace && !search && !cursor && <CustomerAnalytics />}
      {!isEmptyWorkspace && <SearchForm initial={search} />}
      {error !== undefined && <ErrorNotice error={error} onRetry={reload} />}
      {data === undefined && loading && <Loading />}
      {isEmptyWorkspace && <Onboarding />}
      {data && data.data.length === 0 && search && (
        <EmptyState title={t('customers.noMatch', { query: search })} hint={t('customers.noMatchHint')} />
      )}
      {data && data.data.length > 0 && (
        <>
          <CustomerTable customers={data.data} busy={loading} />
          {(cursor || data.nextCursor) && (
          <nav className="pager" aria-label={t('common.pagination')}>
            <button type="button" className="button button-secondary" onClick={previous} disabled={!cursor || loading}>
              {t('common.previous')}
            </button>
            {here && (
              <span className="muted" aria-live="polite">
                {t('customers.range', { from: here.index * PAGE_SIZE + 1, to: here.index * PAGE_SIZE + data.data.length })}
              </span>
            )}
            <button type="button" className="button button-secondary" onClick={next} disabled={!data.nextCursor || loading}>
              {t('common.next')}
            </button>
          </nav>
          )}
        </>
      )}
    </>
  );
}

function SearchForm({ initial }: { initial: string }) {
  const { t } = useI18n();
  const [value, setValue] = useState(initial);
  useEffect(() => setValue(initial), [initial]);
  const submit = (event: FormEvent) => {
    event.preventDefault();
    navigate(customersUrl(value.trim()));
  };
  return (
    <form role="search" className="search" onSubmit={submit}>
      <label htmlFor="customer-search" className="visually-hidden">
        {t('customers.search.label')}
      </label>
      <input
        id="customer-search"
        type="search"
        value={value}
        placeholder={t('customers.search.placeholder')}
        onChange={(e) => setValue(e.target.value)}
        maxLength={200}
      />
      <button type="submit" className="button button-primary">
        {t('customers.search.submit')}
      </button>
      {initial && (
        <button type="button" className="button button-ghost" onClick={() => navigate(customersUrl(''))}>
          {t('customers.search.clear')}
        </button>
      )}
    </form>
  );
}

function CustomerTable({ customers, busy }: { customers: Customer[]; busy: boolean }) {
  const { t } = useI18n();
  const format = useFormat();
  return (
    <Table
      busy={busy}
      caption={t('customers.caption')}
      captionHidden
      rows={customers}
      rowKey={(c) => c.id}
      columns={[
        {
          header: t('customers.col.name'),
          cell: (c) => {
            const kana = fullKana(c);
            return (
              <>
                <Link to={`/customers/${c.id}`} className="strong-link">
                  {fullName(c) ?? (c.externalId ? t('customers.noName') : t('customers.anonymous'))}
                </Link>
                {kana && <span className="kana">{kana}</span>}
              </>
            );
          },
        },
        { header: t('customers.col.email'), cell: (c) => c.email ?? t('common.none') },
        { header: t('customers.col.prefecture'), cell: (c) => c.prefecture ?? t('common.none') },
        { header: t('customers.col.externalId'), className: 'mono', cell: (c) => c.externalId ?? t('common.none') },
        { header: t('customers.col.since'), numeric: true, cell: (c) => format.date(c.createdAt) },
      ]}
    />
  );
}

/** A new workspace: the three ways to bring data in, with the exact commands (also the Overview's first screen). */
export function Onboarding() {
  const { t } = useI18n();
  const { scopes } = useSession();
  return (
    <EmptyState heading id="onboarding-title" className="onboarding" title={t('empty.customers.title')} hint={t('empty.customers.body')}>
      <div className="onboarding-steps">
        <div className="card">
          <h3>{t('empty.import.title')}</h3>
          <p>{t('empty.import.body')}</p>
          {hasScope(scopes, 'ingest') ? (
            <Link to="/import" className="button button-primary">
              {t('empty.import.link')}
            </Link>
          ) : (
            <p className="muted small">{t('error.forbidden')}</p>
          )}
        </div>
        <div className="card">
          <h3>{t('empty.cli.title')}</h3>
          <p>{t('empty.cli.body')}</p>
          <ImportCommand kind="customers" />
        </div>
        <div className="card">
          <h3>{t('empty.track.title')}</h3>
          <p>{t('empty.track.body')}</p>
          <TrackSnippet userId="customer-1" />
        </div>
      </div>
    </EmptyState>
  );
}
