// NUL: PostgreSQL text and jsonb cannot hold it. \p{Cs} under /u matches only unpaired surrogates.
export const UNSTORABLE = /[\u0000\p{Cs}]/u;

/** Why PostgreSQL cannot store `s` as text (a NUL, a lone UTF-16 surrogate), or undefined when it can. */
export function unstorableText(s: string): string | undefined {
  if (!UNSTORABLE.test(s)) return undefined;
  return s.includes('\u0000') ? 'contains a NUL character (\\u0000)' : 'contains invalid Unicode (a lone UTF-16 surrogate)';
}
