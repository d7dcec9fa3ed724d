/**
 * Offline evaluation of top-K lists against what customers went on to buy (Deshpande & Karypis
 * 2004, §6.1; Cremonesi, Koren & Turrin 2010, "Performance of recommender algorithms on top-N
 * recommendation tasks"). Per customer: the list recommended from the past, and the set of items
 * bought in the future.
 *
 * - hit-rate@K: share of customers with at least one future item in their top K;
 * - recall@K: per customer, the share of their future items found in the top K, averaged.
 */
export interface TopKScores {
  hitRate: number;
  recall: number;
  /** Customers evaluated (those with at least one future item). */
  customers: number;
}

export function topKScores(recommended: readonly (readonly string[])[], future: readonly ReadonlySet<string>[], k: number): TopKScores {
  if (recommended.length !== future.length) throw new RangeError('one recommended list per customer with future items');
  let hits = 0;
  let recallSum = 0;
  let customers = 0;
  for (let i = 0; i < future.length; i++) {
    const actual = future[i]!;
    if (actual.size === 0) continue;
    customers++;
    const found = new Set(recommended[i]!.slice(0, k).filter((item) => actual.has(item))).size;
    if (found > 0) hits++;
    recallSum += found / actual.size;
  }
  return customers === 0 ? { hitRate: 0, recall: 0, customers } : { hitRate: hits / customers, recall: recallSum / customers, customers };
}

