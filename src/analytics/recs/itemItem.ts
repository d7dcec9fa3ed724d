/**
 * Item-to-item collaborative filtering (Linden, Smith & York 2003, "Amazon.com recommendations:
 * item-to-item collaborative filtering", IEEE Internet Computing 7(1)): two items are similar when
 * the same baskets (or the same customers) contain them. The similarity is the cosine of the two
 * items' vectors over baskets, as in Linden et al. and Deshpande & Karypis 2004 ("Item-based top-N
 * recommendation algorithms", ACM TOIS 22(1)), which, unlike raw counts, does not make every item
 * "similar" to the bestsellers. A cosine computed from two or three shared baskets is mostly noise,
 * so it is shrunk towards zero by support / (support + λ) (Koren 2008, "Factorization meets the
 * neighborhood", KDD, §2.2): a pair seen together in many baskets keeps its cosine, a pair seen
 * once keeps little of it.
 */

/** Co-occurrence as the database aggregates it; items are opaque ids. */
export interface Cooccurrence {
  /** Per item: Σ w² over the baskets containing it (with weights 1, the number of such baskets). */
  norms: Map<string, number>;
  /** Each unordered pair once: Σ w_a·w_b over the baskets containing both, and the number of those baskets. */
  pairs: { a: string; b: string; dot: number; support: number }[];
}

export interface Neighbour {
  item: string;
  score: number;
  /** Baskets containing both items. */
  support: number;
}

export interface SimilarityOptions {
  /** λ of the shrinkage support / (support + λ). */
  shrinkage: number;
  /** Neighbours kept per item (the model is its top-K lists). */
  neighbours: number;
  /** Pairs seen in fewer baskets are dropped. */
  minSupport: number;
}

export const DEFAULT_SIMILARITY: SimilarityOptions = { shrinkage: 5, neighbours: 50, minSupport: 1 };

/** Shrunk cosine: dot / √(‖a‖²‖b‖²) · support / (support + λ). */
export function shrunkCosine(dot: number, normA: number, normB: number, support: number, shrinkage: number): number {
  if (dot <= 0 || normA <= 0 || normB <= 0) return 0;
  return (dot / Math.sqrt(normA * normB)) * (support / (support + shrinkage));
}

/** Each item's top-K neighbours, best first (ties broken by support, then id, so the result is deterministic). */
export function itemNeighbours(input: Cooccurrence, options: SimilarityOptions = DEFAULT_SIMILARITY): Map<string, Neighbour[]> {
  const all = new Map<string, Neighbour[]>();
  const add = (from: string, to: Neighbour) => {
    const list = all.get(from);
    if (list) list.push(to);
    else all.set(from, [to]);
  };
  for (const { a, b, dot, support } of input.pairs) {
    if (a === b || support < options.minSupport) continue;
    const score = shrunkCosine(dot, input.norms.get(a) ?? 0, input.norms.get(b) ?? 0, support, options.shrinkage);
    if (score <= 0) continue;
    add(a, { item: b, score, support });
    add(b, { item: a, score, support });
  }
  for (const [item, list] of all) {
    list.sort((x, y) => y.score - x.score || y.support - x.support || (x.item < y.item ? -1 : x.item > y.item ? 1 : 0));
    all.set(item, list.slice(0, options.neighbours));
  }
  return all;
}
