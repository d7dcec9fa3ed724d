import { useCallback, useEffect, useRef, useState } from 'react';
import { api } from './api.ts';

export interface ApiState<T> {
  data: T | undefined;
  error: unknown;
  loading: boolean;
  reload: () => void;
}

/**
 * GETs `path` (nothing when null) and again whenever it changes. The previous data stays on screen
 * while the next loads, so paging does not flash an empty table; a stale answer is discarded.
 */
export function useApi<T>(path: string | null): ApiState<T> {
  return useRequest(path, (signal) => api<T>(path!, { signal }));
}

/**
 * Sends `request` whenever `key` (what the request depends on) changes, nothing while it is null; an
 * answer to an older key is dropped (its request aborted). With `debounceMs` (a preview as one types)
 * it waits for a pause, and the last error stays until the next answer so the form does not flicker.
 */
export function useRequest<T>(key: string | null, request: (signal: AbortSignal) => Promise<T>, debounceMs = 0): ApiState<T> {
  const [data, setData] = useState<T>();
  const [error, setError] = useState<unknown>();
  const [loading, setLoading] = useState(key !== null);
  const [attempt, setAttempt] = useState(0);
  // The request of the latest render: `key` says when it changed.
  const latest = useRef(request);
  latest.current = request;

  useEffect(() => {
    if (key === null) return;
    const controller = new AbortController();
    setLoading(true);
    if (!debounceMs) setError(undefined);
    const send = () =>
      latest.current(controller.signal).then(
        (result) => {
          setData(result);
          setError(undefined);
          setLoading(false);
        },
        (err: unknown) => {
          if (controller.signal.aborted) return;
          setError(err);
          setLoading(false);
        },
      );
    const timer = debounceMs ? setTimeout(send, debounceMs) : void send();
    return () => {
      clearTimeout(timer);
      controller.abort();
    };
  }, [key, attempt, debounceMs]);

  const reload = useCallback(() => setAttempt((n) => n + 1), []);
  return { data, error, loading, reload };
}
