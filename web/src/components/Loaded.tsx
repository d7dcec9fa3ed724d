import type { ReactNode } from 'react';
import type { ApiState } from '../useApi.ts';
import { ErrorNotice, Loading } from './Feedback.tsx';

/**
 * A GET's states: its error with a retry, the spinner until the first answer (`inline` in a panel),
 * `empty` when `isEmpty` says the answer holds nothing, else `children` with the data. The previous
 * data stays on screen while the next loads; `busy` says so (for a table's aria-busy).
 */
export function Loaded<T>({
  state,
  inline = false,
  isEmpty,
  empty,
  children,
}: {
  state: ApiState<T>;
  inline?: boolean;
  isEmpty?: (data: T) => boolean;
  empty?: ReactNode;
  children: (data: T, busy: boolean) => ReactNode;
}) {
  const { data, error, loading, reload } = state;
  return (
    <>
      {error !== undefined && <ErrorNotice error={error} onRetry={reload} />}
      {data === undefined && loading && <Loading inline={inline} />}
      {data !== undefined && (isEmpty?.(data) ? empty : children(data, loading))}
    </>
  );
}
