/** The Liquid tags and outputs of a template, in order, whitespace-normalised. */
export const liquidTags = (source: string): string[] => [...source.matchAll(/\{%-?[\s\S]*?-?%\}|\{\{-?[\s\S]*?-?\}\}/g)].map((m) => m[0].replace(/\s+/g, ' '));

/** Whether two templates have the same Liquid (the editor's round trip dropped none). */
export const sameLiquid = (a: string, b: string): boolean => liquidTags(a).join('\n') === liquidTags(b).join('\n');
