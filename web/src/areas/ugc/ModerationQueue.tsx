import { useEffect, useState, type FormEvent } from 'react';
import { api } from '../../api.ts';
import { ErrorNotice, Loading } from '../../components/Feedback.tsx';
import { useFormat } from '../../format.ts';
import { useI18n } from '../../i18n/index.tsx';
import { Link } from '../../router.tsx';
import type { Page } from '../../types.ts';
import { entrantName, RewardBadge } from './labels.tsx';
import type { UgcEntry, UgcEntryStatus } from './types.ts';
import { useAction } from '../../useAction.ts';

const STATUSES: UgcEntryStatus[] = ['pending', 'approved', 'rejected'];
const PAGE_SIZE = 24;

/** Entries of one status, oldest first, a page at a time; a moderated entry leaves the pending list. */
export function ModerationQueue({ campaignId, canEdit, takesSurveys }: { campaignId: string; canEdit: boolean; takesSurveys: boolean }) {
  const { t } = useI18n();
  const [synced, setSynced] = useState<number>();
  const [selected, setSelected] = useState<Set<string>>(new Set());
  const [status, setStatus] = useState<UgcEntryStatus>('pending');
  const [entries, setEntries] = useState<UgcEntry[]>([]);
  const [cursor, setCursor] = useState<string | null>(null);
  const [loading, setLoading] = useState(true);
  const [error, setError] = useState<unknown>();
  const [attempt, setAttempt] = useState(0);

  const load = async (from: string | null, signal?: AbortSignal) => {
    setLoading(true);
    setError(undefined);
    try {
      const query = new URLSearchParams({ campaignId, status, limit: String(PAGE_SIZE) });
      if (from) query.set('cursor', from);
      const page = await api<Page<UgcEntry>>(`/v1/ugc/entries?${query}`, { signal });
      setEntries((current) => (from ? [...current, ...page.data] : page.data));
      setCursor(page.nextCursor);
    } catch (err) {
      if (!signal?.aborted) setError(err);
    } finally {
      if (!signal?.aborted) setLoading(false);
    }
  };
  useEffect(() => {
    setSelected(new Set());
    const controller = new AbortController();
    void load(null, controller.signal);
    return () => controller.abort();
  }, [campaignId, status, attempt]);

  const replace = (entry: UgcEntry) => setEntries((current) => current.map((e) => (e.id === entry.id ? entry : e)));
  const toggle = (id: string, on: boolean) =>
    setSelected((current) => {
      const next = new Set(current);
      if (on) next.add(id);
      else next.delete(id);
      return next;
    });
  const moderated = (changed: UgcEntry[]) => {
    const byId = new Map(changed.map((e) => [e.id, e]));
    setEntries((current) => current.map((e) => byId.get(e.id) ?? e));
    setSelected(new Set());
  };
  const selectable = canEdit && status === 'pending';
  const sync = async () => {
    setError(undefined);
    try {
      setSynced((await api<{ added: number }>(`/v1/ugc/campaigns/${campaignId}/sync`, { method: 'POST' })).added);
      setAttempt((n) => n + 1);
    } catch (err) {
      setError(err);
    }
  };

  return (
    <section aria-labelledby="ugc-queue-title">
      <h2 id="ugc-queue-title" className="visually-hidden">
        {t('ugc.tab.queue')}
      </h2>
      <div className="toolbar" role="group" aria-label={t('ugc.queue.filter')}>
        {STATUSES.map((s) => (
          <button key={s} type="button" className={`button ${s === status ? 'button-primary' : 'button-secondary'}`} aria-pressed={s === status} onClick={() => setStatus(s)}>
            {t(`ugc.queue.${s}`)}
          </button>
        ))}
        {takesSurveys && canEdit && (
          <button type="button" className="button button-ghost" onClick={() => void sync()}>
            {t('ugc.queue.sync')}
          </button>
        )}
        <span aria-live="polite" className="muted">
          {synced !== undefined && t('ugc.queue.synced', { added: synced })}
        </span>
      </div>
      {selectable && entries.length > 0 && (
        <BulkBar
          entries={entries}
          selected={selected}
          onSelectAll={(on) => setSelected(on ? new Set(entries.filter((e) => e.status === 'pending').map((e) => e.id)) : new Set())}
          onDone={moderated}
        />
      )}
      {error !== undefined && <ErrorNotice error={error} onRetry={() => setAttempt((n) => n + 1)} />}
      {entries.length === 0 && loading && <Loading />}
      {entries.length === 0 && !loading && error === undefined && (
        <div className="empty">
          <p className="empty-title">{status === 'pending' ? t('ugc.queue.empty') : t('ugc.queue.emptyOther')}</p>
          {status === 'pending' && <p className="muted">{t('ugc.queue.emptyHint')}</p>}
        </div>
      )}
      <ul className="ugc-grid" aria-label={t('ugc.queue.caption')} aria-busy={loading}>
        {entries.map((entry) => (
          <li key={entry.id}>
            <EntryCard entry={entry} canEdit={canEdit} onChange={replace} selected={selectable && entry.status === 'pending' ? selected.has(entry.id) : undefined} onSelect={(on) => toggle(entry.id, on)} />
          </li>
        ))}
      </ul>
      {cursor && (
        <button type="button" className="button button-secondary" onClick={() => void load(cursor)} disabled={loading}>
          {t('ugc.queue.more')}
        </button>
      )}
    </section>
  );
}

/** Approve or reject the selected entries at once (one reason for all rejections). */
function BulkBar({ entries, selected, onSelectAll, onDone }: { entries: UgcEntry[]; selected: Set<string>; onSelectAll: (on: boolean) => void; onDone: (changed: UgcEntry[]) => void }) {
  const { t } = useI18n();
  const [reason, setReason] = useState('');
  const { busy, error, run } = useAction();
  const pending = entries.filter((e) => e.status === 'pending');
  const decide = (path: 'approve' | 'reject', body: Record<string, unknown>) =>
    run(async () => {
      onDone((await api<{ data: UgcEntry[] }>(`/v1/ugc/entries/${path}`, { method: 'POST', body: { ids: [...selected], ...body } })).data);
      setReason('');
    });
  return (
    <div className="card ugc-bulk">
      <div className="ugc-actions">
        <label className="checkbox">
          <input type="checkbox" checked={pending.length > 0 && selected.size === pending.length} onChange={(e) => onSelectAll(e.target.checked)} />
          <span>{t('ugc.queue.selectAll')}</span>
        </label>
        <span className="muted" aria-live="polite">
          {t('ugc.queue.selected', { count: selected.size })}
        </span>
        <button type="button" className="button button-primary button-small" disabled={busy || selected.size === 0} onClick={() => void decide('approve', {})}>
          {t('ugc.queue.approveSelected')}
        </button>
        <label htmlFor="ugc-bulk-reason" className="visually-hidden">
          {t('ugc.entry.rejectReason')}
        </label>
        <input id="ugc-bulk-reason" value={reason} onChange={(e) => setReason(e.target.value)} placeholder={t('ugc.entry.rejectReason')} maxLength={500} />
        <button type="button" className="button button-danger-ghost button-small" disabled={busy || selected.size === 0 || !reason.trim()} onClick={() => void decide('reject', { reason })}>
          {t('ugc.queue.rejectSelected')}
        </button>
      </div>
      {error !== undefined && <ErrorNotice error={error} />}
    </div>
  );
}

export function EntryCard({
  entry,
  canEdit,
  onChange,
  selected,
  onSelect,
}: {
  entry: UgcEntry;
  canEdit: boolean;
  onChange: (entry: UgcEntry) => void;
  /** Undefined when the entry cannot be selected for a bulk action. */
  selected?: boolean;
  onSelect?: (on: boolean) => void;
}) {
  const { t } = useI18n();
  const format = useFormat();
  const [rejecting, setRejecting] = useState(false);
  const [reason, setReason] = useState('');
  const { busy, error, run } = useAction();
  const name = entrantName(entry, t('ugc.entry.noName'));

  const act = (path: string, body?: unknown) =>
    run(async () => {
      onChange(await api<UgcEntry>(`/v1/ugc/entries/${entry.id}/${path}`, { method: 'POST', body }));
      setRejecting(false);
    });
  const markWinner = () =>
    run(async () => {
      await api(`/v1/ugc/campaigns/${entry.campaignId}/winners`, { method: 'POST', body: { entryId: entry.id } });
      onChange({ ...entry, winner: true });
    });
  const reject = (event: FormEvent) => {
    event.preventDefault();
    void act('reject', { reason });
  };

  return (
    <article className="card ugc-entry" aria-label={name}>
      {entry.mediaId && <img className="ugc-photo" src={`/v1/ugc/media/${entry.mediaId}`} alt={t('ugc.entry.photoAlt', { name })} loading="lazy" />}
      <div className="ugc-entry-body">
        {selected !== undefined && (
          <label className="checkbox">
            <input type="checkbox" checked={selected} onChange={(e) => onSelect?.(e.target.checked)} />
            <span>{t('ugc.queue.select', { name })}</span>
          </label>
        )}
        <p className="ugc-entry-head">
          <Link to={`/customers/${entry.customerId}`} className="strong-link">
            {name}
          </Link>
          <span className="muted small">{format.dateTime(entry.createdAt)}</span>
        </p>
        {entry.postUrl && (
          <p>
            <a href={entry.postUrl} target="_blank" rel="noopener noreferrer" className="ugc-break" aria-label={t('ugc.entry.openPost', { platform: entry.platform ?? 'web' })}>
              {entry.postUrl}
            </a>
          </p>
        )}
        {entry.kind === 'survey' && <span className="badge badge-neutral">{t('ugc.entry.survey')}</span>}
        {entry.caption && <p className="ugc-caption">{entry.caption}</p>}
        {entry.consentText && entry.consentedAt && (
          <details className="disclosure">
            <summary className="small">{t('ugc.entry.consent', { date: format.dateTime(entry.consentedAt) })}</summary>
            <p className="small" lang={entry.consentLocale ?? undefined}>
              {entry.consentText}
            </p>
          </details>
        )}
        <p className="ugc-badges">
          {entry.status === 'approved' && <span className="badge badge-positive">{t('ugc.queue.approved')}</span>}
          {entry.winner && <span className="badge badge-accent">{t('ugc.entry.winner')}</span>}
          <RewardBadge entry={entry} />
          {entry.status === 'rejected' && entry.rejectReason && <span className="badge badge-negative">{t('ugc.entry.rejected', { reason: entry.rejectReason })}</span>}
        </p>
        {entry.mediaPublic && entry.mediaId && (
          <p className="small">
            <a href={`/ugc/media/${entry.mediaId}`} target="_blank" rel="noreferrer">
              {t('ugc.entry.published')}
            </a>
          </p>
        )}
        {error !== undefined && <ErrorNotice error={error} />}
        {canEdit && (
          <div className="ugc-actions">
            {entry.status !== 'approved' && (
              <button type="button" className="button button-primary button-small" disabled={busy} onClick={() => void act('approve')}>
                {t('ugc.entry.approve')}
              </button>
            )}
            {entry.status === 'pending' && !rejecting && (
              <button type="button" className="button button-danger-ghost button-small" disabled={busy} onClick={() => setRejecting(true)}>
                {t('ugc.entry.reject')}
              </button>
            )}
            {entry.status === 'approved' && !entry.winner && (
              <button type="button" className="button button-secondary button-small" disabled={busy} onClick={() => void markWinner()}>
                {t('ugc.entry.markWinner')}
              </button>
            )}
            {entry.status === 'approved' && entry.mediaId && (
              <button type="button" className="button button-ghost button-small" disabled={busy} onClick={() => void act('publish', { public: !entry.mediaPublic })}>
                {t(entry.mediaPublic ? 'ugc.entry.unpublish' : 'ugc.entry.publish')}
              </button>
            )}
            {entry.rewardStatus === 'failed' && (
              <button type="button" className="button button-secondary button-small" disabled={busy} onClick={() => void act('reward/retry')}>
                {t('ugc.entry.retryReward')}
              </button>
            )}
          </div>
        )}
        {rejecting && (
          <form className="form" onSubmit={reject}>
            <div className="field">
              <label htmlFor={`reject-${entry.id}`}>{t('ugc.entry.rejectReason')}</label>
              <input id={`reject-${entry.id}`} value={reason} onChange={(e) => setReason(e.target.value)} required maxLength={500} autoFocus />
            </div>
            <div className="ugc-actions">
              <button type="submit" className="button button-danger button-small" disabled={busy || !reason.trim()}>
                {t('ugc.entry.rejectConfirm')}
              </button>
              <button type="button" className="button button-ghost button-small" onClick={() => setRejecting(false)}>
                {t('common.cancel')}
              </button>
            </div>
          </form>
        )}
      </div>
    </article>
  );
}
