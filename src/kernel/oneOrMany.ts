import { z } from 'zod';

/** Largest batch in one request; bigger imports go through the CSV importer. */
export const MAX_BATCH = 1000;

/**
 * A body that is one item or `{ <key>: [item, …] }`, documented in OpenAPI as the union of both
 * and parsed to the array of items. A plain union reports any bad item as "Invalid input" at the
 * root; here the shape is chosen by the presence of `key`, so an error names the item's index and
 * field (`customers.3.email`).
 */
export function oneOrMany<K extends string, T extends z.ZodType>(key: K, item: T) {
  const many = z.object({ [key]: z.array(item).min(1).max(MAX_BATCH) } as Record<K, z.ZodArray<T>>);
  const isMany = (body: unknown): body is Record<K, unknown> => typeof body === 'object' && body !== null && key in body;
  return z
    .preprocess(
      (body, ctx) => {
        const result = (isMany(body) ? many : item).safeParse(body);
        // The issues are final (path, message); `input` is not echoed back to the client.
        if (!result.success) for (const issue of result.error.issues) ctx.issues.push({ ...issue, input: undefined });
        return body;
      },
      z.union([many, item]),
    )
    .transform((body): z.output<T>[] => (isMany(body) ? (body[key] as z.output<T>[]) : [body as z.output<T>]));
}
