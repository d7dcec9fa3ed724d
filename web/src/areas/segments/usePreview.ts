import { useEffect, useState } from 'react';
import { api } from '../../api.ts';
import type { Rule } from './rule.ts';
import type { Preview } from './types.ts';

const DEBOUNCE_MS = 450;

/**
 * The count and a sample of the customers `rule` matches, asked for once the user pauses typing;
 * an answer to an older rule is dropped (its request aborted), so the count always fits the form.
 */
export function usePreview(rule: Rule | null, sampleSize = 10): { preview: Preview | undefined; error: unknown; pending: boolean } {
  const [preview, setPreview] = useState<Preview>();
  const [error, setError] = useState<unknown>();
  const [pending, setPending] = useState(false);
  const body = rule ? JSON.stringify(rule) : null;

  useEffect(() => {
    if (body === null) return;
    const controller = new AbortController();
    setPending(true);
    const timer = setTimeout(() => {
      api<Preview>('/v1/segments/preview', { method: 'POST', body: { rule: JSON.parse(body) as Rule, sampleSize }, signal: controller.signal }).then(
        (result) => {
          setPreview(result);
          setError(undefined);
          setPending(false);
        },
        (err: unknown) => {
          if (controller.signal.aborted) return;
          setError(err);
          setPending(false);
        },
      );
    }, DEBOUNCE_MS);
    return () => {
      clearTimeout(timer);
      controller.abort();
    };
  }, [body, sampleSize]);

  return { preview, error, pending };
}
