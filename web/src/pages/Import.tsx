import { useState, type FormEvent } from 'react';
import { api, ApiError } from '../api.ts';
import { ErrorNotice } from '../components/Feedback.tsx';
import { Options } from '../components/Options.tsx';
import { PageHeader } from '../components/Shell.tsx';
import { ImportCommand } from '../components/Snippets.tsx';
import { StatList } from '../components/Stat.tsx';
import { Table } from '../components/Table.tsx';
import { useFormat } from '../format.ts';
import { useI18n } from '../i18n/index.tsx';
import { hasScope, useSession } from '../session.tsx';
import type { ImportKind, ImportSummary } from '../types.ts';

const KINDS: ImportKind[] = ['customers', 'orders', 'products', 'events'];
const SHOWN_ERRORS = 100;

type Outcome = { kind: 'summary'; summary: ImportSummary } | { kind: 'rejected'; error: ApiError } | { kind: 'failed'; error: unknown };

interface RowIssue {
  line?: number;
  column?: string;
  message: string;
}

export function Import() {
  const { t } = useI18n();
  const { scopes } = useSession();
  const [kind, setKind] = useState<ImportKind>('customers');
  const [file, setFile] = useState<File | null>(null);
  const [dryRun, setDryRun] = useState(false);
  const [skipInvalid, setSkipInvalid] = useState(false);
  const [busy, setBusy] = useState(false);
  const [missingFile, setMissingFile] = useState(false);
  const [outcome, setOutcome] = useState<Outcome>();

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    if (!file) {
      setMissingFile(true);
      return;
    }
    setBusy(true);
    setOutcome(undefined);
    const query = new URLSearchParams({ dryRun: String(dryRun), skipInvalid: String(skipInvalid) });
    try {
      // Windows labels CSV files application/vnd.ms-excel; the endpoint wants text/csv and detects the encoding itself.
      const summary = await api<ImportSummary>(`/v1/imports/${kind}?${query}`, { method: 'POST', body: file, contentType: 'text/csv' });
      setOutcome({ kind: 'summary', summary });
    } catch (error) {
      setOutcome(error instanceof ApiError && error.status === 400 && error.issues.length > 0 ? { kind: 'rejected', error } : { kind: 'failed', error });
    } finally {
      setBusy(false);
    }
  };

  if (!hasScope(scopes, 'ingest')) {
    return (
      <>
        <PageHeader title={t('import.title')} />
        <p className="notice notice-info" role="status">
          {t('error.forbidden')}
        </p>
      </>
    );
  }

  return (
    <>
      <PageHeader title={t('import.title')} subtitle={t('import.intro')} />
      <section className="card">
        <form onSubmit={submit} className="form">
          <div className="field">
            <label htmlFor="import-kind">{t('import.kind')}</label>
            <select id="import-kind" value={kind} onChange={(e) => setKind(e.target.value as ImportKind)}>
              <Options items={KINDS} label={(k) => t(`import.kind.${k}`)} />
            </select>
          </div>
          <div className="field">
            <label htmlFor="import-file">{t('import.file')}</label>
            <input
              id="import-file"
              type="file"
              accept=".csv,.txt,text/csv"
              aria-describedby={missingFile ? 'file-error' : undefined}
              onChange={(e) => {
                setFile(e.target.files?.[0] ?? null);
                setMissingFile(false);
              }}
            />
            {missingFile && (
              <p id="file-error" className="field-error" role="alert">
                {t('import.chooseFile')}
              </p>
            )}
          </div>
          <fieldset className="field">
            <legend>{t('import.options')}</legend>
            <label className="checkbox">
              <input type="checkbox" checked={dryRun} onChange={(e) => setDryRun(e.target.checked)} />
              <span>{t('import.dryRun')}</span>
            </label>
            <label className="checkbox">
              <input type="checkbox" checked={skipInvalid} onChange={(e) => setSkipInvalid(e.target.checked)} />
              <span>{t('import.skipInvalid')}</span>
            </label>
          </fieldset>
          <div>
            <button type="submit" className="button button-primary" disabled={busy}>
              {busy ? t('import.submitting') : dryRun ? t('import.check') : t('import.submit')}
            </button>
          </div>
        </form>
      </section>
      <div aria-live="polite">{outcome && <Result outcome={outcome} />}</div>
      <section className="card card-quiet">
        <p>{t('import.cli')}</p>
        <ImportCommand kind={kind} />
      </section>
    </>
  );
}

function Result({ outcome }: { outcome: Outcome }) {
  const { t } = useI18n();
  const format = useFormat();
  if (outcome.kind === 'failed') return <ErrorNotice error={outcome.error} />;
  if (outcome.kind === 'rejected') {
    return (
      <section className="card" aria-labelledby="import-result-title">
        <h2 id="import-result-title">{t('import.result')}</h2>
        <p className="notice notice-error" role="alert">
          {t('import.result.rejected')}
        </p>
        <IssueTable issues={outcome.error.issues} />
      </section>
    );
  }
  const s = outcome.summary;
  const stats: [string, string][] = [
    [t('import.stat.rows'), format.number(s.rows)],
    [t('import.stat.imported'), format.number(s.imported)],
    [t('import.stat.rejected'), format.number(s.rejected)],
    [t('import.stat.created'), format.number(s.created)],
    [t('import.stat.updated'), format.number(s.updated)],
    [t('import.stat.duplicates'), format.number(s.duplicates)],
    [t('import.stat.encoding'), s.encoding === 'cp932' ? 'Shift_JIS (CP932)' : 'UTF-8'],
  ];
  return (
    <section className="card" aria-labelledby="import-result-title">
      <h2 id="import-result-title">{t('import.result')}</h2>
      <p className={`notice ${s.committed ? 'notice-success' : 'notice-info'}`}>
        {s.dryRun ? t('import.result.dryRun', { rows: format.number(s.rows), imported: format.number(s.imported) }) : t('import.result.committed', { rows: format.number(s.rows), imported: format.number(s.imported) })}
      </p>
      <StatList compact items={stats} />
      {s.errors.length > 0 && <IssueTable issues={s.errors} />}
    </section>
  );
}

function IssueTable({ issues }: { issues: RowIssue[] }) {
  const { t } = useI18n();
  const format = useFormat();
  return (
    <>
      <h3>{t('import.errors')}</h3>
      <Table
        className="table table-compact"
        rows={issues.slice(0, SHOWN_ERRORS)}
        rowKey={(_, i) => i}
        columns={[
          { header: t('import.col.line'), numeric: true, cell: (issue) => issue.line ?? t('common.none') },
          { header: t('import.col.column'), cell: (issue) => issue.column ?? t('common.none') },
          { header: t('import.col.message'), cell: (issue) => issue.message },
        ]}
      />
      {issues.length > SHOWN_ERRORS && <p className="muted">{t('import.moreErrors', { count: format.number(issues.length - SHOWN_ERRORS) })}</p>}
    </>
  );
}
