import type { Neighbour } from './itemItem.ts';

/**
 * Personalised top-N from item-to-item similarities (Deshpande & Karypis 2004, §4): a candidate's
 * score is the sum of its similarities to the items in the customer's history, each history item
 * weighted by how recently (and how strongly: bought or only viewed) the customer touched it.
 * Items already bought are not recommended again, unless they are repeat-purchase products
 * (consumables), which are scored by how often their buyers come back for them. Whatever is left
 * of the list is filled with the most popular items, which is also all a new customer gets.
 */

export interface Interaction {
  item: string;
  /** Epoch milliseconds. */
  at: number;
  bought: boolean;
}

export interface HistoryOptions {
  /** A purchase this many days old counts half as much as one today. */
  halfLifeDays: number;
  /** A view counts this much of a purchase of the same age. */
  viewWeight: number;
}

export const DEFAULT_HISTORY: HistoryOptions = { halfLifeDays: 180, viewWeight: 0.3 };

export interface History {
  /** Every touched item: Σ over its purchases and views of (view weight ×) 2^(−age / half-life). */
  weights: Map<string, number>;
  /** Bought items only, with the purchases' part of that weight. */
  bought: Map<string, number>;
}

const DAY = 86_400_000;

export function customerHistory(interactions: readonly Interaction[], now: number, options: HistoryOptions = DEFAULT_HISTORY): History {
  const weights = new Map<string, number>();
  const bought = new Map<string, number>();
  for (const { item, at, bought: isPurchase } of interactions) {
    const decay = 2 ** (-Math.max(0, now - at) / DAY / options.halfLifeDays);
    const w = isPurchase ? decay : options.viewWeight * decay;
    weights.set(item, (weights.get(item) ?? 0) + w);
    if (isPurchase) bought.set(item, (bought.get(item) ?? 0) + w);
  }
  return { weights, bought };
}

export interface RepeatStats {
  item: string;
  /** Customers who bought the item. */
  buyers: number;
  /** Of them, those who bought it in two or more orders. */
  repeatBuyers: number;
}

export interface RepeatOptions {
  /** Fewer buyers than this say nothing about an item. */
  minBuyers: number;
  /** Share of buyers who bought again that makes a repeat-purchase product. */
  minShare: number;
}

export const DEFAULT_REPEAT: RepeatOptions = { minBuyers: 10, minShare: 0.25 };

/** Repeat-purchase products, each with the share of its buyers who bought it again. */
export function repeatShares(stats: readonly RepeatStats[], options: RepeatOptions = DEFAULT_REPEAT): Map<string, number> {
  const shares = new Map<string, number>();
  for (const { item, buyers, repeatBuyers } of stats) {
    if (buyers >= options.minBuyers && repeatBuyers / buyers >= options.minShare) shares.set(item, repeatBuyers / buyers);
  }
  return shares;
}

export interface PersonalModel {
  /** An item's neighbours, best first (missing for items without any). */
  neighbours(item: string): readonly Neighbour[] | undefined;
  /** Repeat-purchase products and their repeat share. */
  repeatShare: ReadonlyMap<string, number>;
  /** Items by popularity, most popular first; long enough to fill a list after exclusions. */
  popular: readonly string[];
}

export interface Recommendation {
  item: string;
  score: number;
  /** similar: from the history's neighbours; repeat: bought before and usually bought again; popular: the fill. */
  source: 'similar' | 'repeat' | 'popular';
}

export function recommendForCustomer(history: History, model: PersonalModel, limit: number): Recommendation[] {
  const excluded = (item: string) => history.bought.has(item) && !model.repeatShare.has(item);
  const scores = new Map<string, Recommendation>();
  const add = (item: string, score: number, source: Recommendation['source']) => {
    const found = scores.get(item);
    if (!found) scores.set(item, { item, score, source });
    else {
      found.score += score;
      if (source === 'repeat') found.source = source;
    }
  };
  for (const [item, weight] of history.weights) {
    for (const n of model.neighbours(item) ?? []) if (!excluded(n.item)) add(n.item, weight * n.score, 'similar');
  }
  for (const [item, weight] of history.bought) {
    const share = model.repeatShare.get(item);
    if (share !== undefined) add(item, weight * share, 'repeat');
  }
  const ranked = [...scores.values()].sort(byScore).slice(0, limit);
  return fillWithPopular(ranked, model.popular, excluded, limit);
}

/** What a customer with no (usable) history gets: the most popular items they have not bought. */
export function popularFor(history: History, model: Pick<PersonalModel, 'popular' | 'repeatShare'>, limit: number): Recommendation[] {
  return fillWithPopular([], model.popular, (item) => history.bought.has(item) && !model.repeatShare.has(item), limit);
}

function fillWithPopular(list: Recommendation[], popular: readonly string[], excluded: (item: string) => boolean, limit: number): Recommendation[] {
  const taken = new Set(list.map((r) => r.item));
  for (let i = 0; i < popular.length && list.length < limit; i++) {
    const item = popular[i]!;
    if (taken.has(item) || excluded(item)) continue;
    taken.add(item);
    // Below every similarity-based score, in popularity order.
    list.push({ item, score: 0, source: 'popular' });
  }
  return list;
}

function byScore(x: Recommendation, y: Recommendation): number {
  return y.score - x.score || (x.item < y.item ? -1 : x.item > y.item ? 1 : 0);
}
