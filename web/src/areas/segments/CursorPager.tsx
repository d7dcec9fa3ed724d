import { useCallback, useEffect, useState } from 'react';
import { useI18n, type MessageKey } from '../../i18n/index.tsx';
import type { Page } from '../../types.ts';
import { useApi } from '../../useApi.ts';

/**
 * A server-paginated list (the API pages forward by cursor): `url(cursor)` is fetched, the cursors
 * walked so far are kept so Previous works; a new `resetKey` (a filter) starts again at page one.
 */
export function useCursorPages<T>(url: (cursor: string) => string, resetKey: string) {
  const [cursors, setCursors] = useState<string[]>(['']);
  useEffect(() => setCursors(['']), [resetKey]);
  const state = useApi<Page<T>>(url(cursors[cursors.length - 1]!));
  const next = useCallback(() => {
    const cursor = state.data?.nextCursor;
    if (cursor) setCursors((c) => [...c, cursor]);
  }, [state.data]);
  const previous = useCallback(() => setCursors((c) => (c.length > 1 ? c.slice(0, -1) : c)), []);
  return { ...state, pageIndex: cursors.length - 1, next, previous };
}

export function CursorPager({
  pageIndex,
  pageSize,
  shown,
  hasNext,
  busy,
  range,
  onNext,
  onPrevious,
}: {
  pageIndex: number;
  pageSize: number;
  shown: number;
  hasNext: boolean;
  busy: boolean;
  /** A message with {from} and {to}. */
  range: MessageKey;
  onNext: () => void;
  onPrevious: () => void;
}) {
  const { t } = useI18n();
  if (pageIndex === 0 && !hasNext) return null;
  const from = pageIndex * pageSize;
  return (
    <nav className="pager" aria-label={t('common.pagination')}>
      <button type="button" className="button button-secondary" disabled={pageIndex === 0 || busy} onClick={onPrevious}>
        {t('common.previous')}
      </button>
      <span className="muted" aria-live="polite">
        {t(range, { from: from + 1, to: from + shown })}
      </span>
      <button type="button" className="button button-secondary" disabled={!hasNext || busy} onClick={onNext}>
        {t('common.next')}
      </button>
    </nav>
  );
}
