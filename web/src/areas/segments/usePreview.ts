import { api } from '../../api.ts';
import { useRequest } from '../../useApi.ts';
import type { Rule } from './rule.ts';
import type { Preview } from './types.ts';

const DEBOUNCE_MS = 450;

/**
 * The count and a sample of the customers `rule` matches, asked for once the user pauses typing;
 * an answer to an older rule is dropped (its request aborted), so the count always fits the form.
 */
export function usePreview(rule: Rule | null, sampleSize = 10): { preview: Preview | undefined; error: unknown; pending: boolean } {
  const { data, error, loading } = useRequest(
    rule ? JSON.stringify([rule, sampleSize]) : null,
    (signal) => api<Preview>('/v1/segments/preview', { method: 'POST', body: { rule, sampleSize }, signal }),
    DEBOUNCE_MS,
  );
  return { preview: data, error, pending: loading };
}
