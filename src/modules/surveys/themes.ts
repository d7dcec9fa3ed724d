/**
 * Which words set promoters' comments apart from detractors': the weighted log-odds ratio with an
 * informative Dirichlet prior (Monroe, Colaresi & Quinn 2008, "Fightin' Words", eq. 16–22). For a
 * term w with counts y_wP, y_wD in the two groups (totals n_P, n_D) and prior α_w (here the pooled
 * count of w times `priorScale`, α_0 their sum):
 *
 *   δ_w = log((y_wP + α_w) / (n_P + α_0 − y_wP − α_w)) − log((y_wD + α_w) / (n_D + α_0 − y_wD − α_w))
 *   σ²_w ≈ 1 / (y_wP + α_w) + 1 / (y_wD + α_w),   z_w = δ_w / σ_w
 *
 * z > 0 leans to promoters, z < 0 to detractors. Each document counts a term once, so one long rant
 * does not make a theme.
 */
export interface ThemeDocument {
  group: 'promoter' | 'detractor';
  terms: string[];
  text: string;
}

export interface ScoredTerm {
  term: string;
  promoterCount: number;
  detractorCount: number;
  z: number;
}

export interface Theme extends ScoredTerm {
  quotes: string[];
}

export function weightedLogOdds(docs: ThemeDocument[], options: { priorScale?: number; minCount?: number } = {}): ScoredTerm[] {
  const priorScale = options.priorScale ?? 1;
  const minCount = options.minCount ?? 2;
  const counts = new Map<string, { p: number; d: number }>();
  let nP = 0;
  let nD = 0;
  for (const doc of docs) {
    for (const term of new Set(doc.terms)) {
      const c = counts.get(term) ?? { p: 0, d: 0 };
      if (doc.group === 'promoter') {
        c.p++;
        nP++;
      } else {
        c.d++;
        nD++;
      }
      counts.set(term, c);
    }
  }
  const a0 = (nP + nD) * priorScale;
  const out: ScoredTerm[] = [];
  for (const [term, c] of counts) {
    if (c.p + c.d < minCount) continue;
    const a = (c.p + c.d) * priorScale;
    const delta = Math.log((c.p + a) / (nP + a0 - c.p - a)) - Math.log((c.d + a) / (nD + a0 - c.d - a));
    const z = delta / Math.sqrt(1 / (c.p + a) + 1 / (c.d + a));
    out.push({ term, promoterCount: c.p, detractorCount: c.d, z });
  }
  return out.sort((x, y) => y.z - x.z || x.term.localeCompare(y.term));
}

/**
 * The top `limit` themes of each side, each with up to `quotes` comments of that side that use the
 * term: those sharing the most other top terms of the side first, then those closest to a readable
 * length.
 */
export function themes(docs: ThemeDocument[], options: { limit?: number; quotes?: number; priorScale?: number; minCount?: number } = {}): { promoters: Theme[]; detractors: Theme[] } {
  const limit = options.limit ?? 8;
  const scored = weightedLogOdds(docs, options);
  const promoters = scored.filter((s) => s.z > 0 && s.promoterCount > 0).slice(0, limit);
  const detractors = scored.filter((s) => s.z < 0 && s.detractorCount > 0).reverse().slice(0, limit);
  const withQuotes = (side: ScoredTerm[], group: ThemeDocument['group']): Theme[] => {
    const top = new Set(side.map((s) => s.term));
    const pool = docs.filter((d) => d.group === group).map((d) => ({ d, terms: new Set(d.terms) }));
    return side.map((s) => ({
      ...s,
      quotes: pool
        .filter((x) => x.terms.has(s.term))
        .map((x) => ({ text: x.d.text, shared: [...x.terms].filter((t) => top.has(t)).length, len: Math.abs(x.d.text.length - 60) }))
        .sort((a, b) => b.shared - a.shared || a.len - b.len)
        .filter((x, i, all) => all.findIndex((y) => y.text === x.text) === i)
        .slice(0, options.quotes ?? 2)
        .map((x) => x.text),
    }));
  };
  return { promoters: withQuotes(promoters, 'promoter'), detractors: withQuotes(detractors, 'detractor') };
}
