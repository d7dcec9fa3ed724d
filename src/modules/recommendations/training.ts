import { DEFAULT_SIMILARITY, itemNeighbours, type Cooccurrence, type Neighbour, type SimilarityOptions } from '../../analytics/recs/itemItem.ts';
import { DEFAULT_HISTORY, DEFAULT_REPEAT, repeatShares, type Interaction, type RepeatOptions } from '../../analytics/recs/personal.ts';
import type { Queryable } from '../../db/database.ts';

/**
 * The I/O half of the model: co-occurrence counted in SQL (the database holds the orders; only
 * per-pair sums come out), then the pure math of src/analytics/recs. Two kinds of basket:
 *
 * - bought_together: one order. "Frequently bought together" means in the same cart.
 * - related: one customer's history, purchases and product views, a view weighing `VIEW_WEIGHT`
 *   of a purchase (w = 1 bought, 0.3 only viewed; Σ w_a·w_b over customers is a weighted cosine's
 *   numerator). A history carries taste across orders and over time, which is what personal
 *   recommendations need; only the customer's `HISTORY_CAP` most recent products count, so that a
 *   customer with thousands of items adds a bounded number of pairs (and little signal anyway).
 *
 * Only completed orders count, and lines linked to a catalogue product. `before` trains on the
 * past only (the offline evaluation); null takes everything.
 */
const VIEW_WEIGHT = DEFAULT_HISTORY.viewWeight;
const HISTORY_CAP = 50;
/** Half-life of a purchase in the popularity score (days). */
const POPULARITY_HALF_LIFE = 90;

export interface TrainingOptions {
  similarity: SimilarityOptions;
  repeat: RepeatOptions;
}

export const DEFAULT_TRAINING: TrainingOptions = { similarity: DEFAULT_SIMILARITY, repeat: DEFAULT_REPEAT };

export interface PopularProduct {
  item: string;
  score: number;
  buyers: number;
  repeatBuyers: number;
}

export interface TrainedModel {
  related: Map<string, Neighbour[]>;
  boughtTogether: Map<string, Neighbour[]>;
  /** Most popular first. */
  popularity: PopularProduct[];
  repeatShare: Map<string, number>;
  counts: { orders: number; customers: number; products: number; pairs: number };
}

/**
 * Completed orders' product lines, optionally before a time: `$1` workspace, `$2` the time or null;
 * `customers` names a uuid[] parameter that restricts them to some customers. Not the orders
 * module's `paying_orders`: a purchase refunded in full still says what goes with what (taste, not
 * revenue), so every completed order counts here; a reach-in listed in docs/architecture.md.
 */
const purchases = (customers = '') => `
  SELECT DISTINCT o.customer_id, o.id AS order_id, l.product_id, o.ordered_at AS at
  FROM orders o
  JOIN order_lines l ON l.workspace_id = o.workspace_id AND l.customer_id = o.customer_id AND l.order_id = o.id
  WHERE o.workspace_id = $1 AND o.status = 'completed' AND l.product_id IS NOT NULL
    AND o.ordered_at < coalesce($2::timestamptz, 'infinity') ${customers && `AND o.customer_id = ANY(${customers}::uuid[])`}`;

/** Product views (Segment's "Product Viewed"), matched to the catalogue by sku or product_id. */
const views = (customers = '') => `
  SELECT e.customer_id, p.id AS product_id, e.occurred_at AS at
  FROM events e
  JOIN products p ON p.workspace_id = e.workspace_id AND p.sku = coalesce(e.properties->>'sku', e.properties->>'product_id')
  WHERE e.workspace_id = $1 AND e.name = 'Product Viewed' AND e.occurred_at < coalesce($2::timestamptz, 'infinity')
    ${customers && `AND e.customer_id = ANY(${customers}::uuid[])`}`;
const PURCHASES = purchases();

export async function trainModel(q: Queryable, workspaceId: string, before: Date | null, options: TrainingOptions = DEFAULT_TRAINING): Promise<TrainedModel> {
  // One after the other: `q` may be a transaction, which runs one query at a time.
  const boughtTogether = await cooccurrence(q, ORDER_BASKETS, workspaceId, before, options.similarity.minSupport);
  const related = await cooccurrence(q, CUSTOMER_BASKETS, workspaceId, before, options.similarity.minSupport);
  const popularity = await popularProducts(q, workspaceId, before);
  const { rows } = await q.query<{ orders: number; customers: number }>(
    `SELECT count(DISTINCT order_id)::int AS orders, count(DISTINCT customer_id)::int AS customers FROM (${PURCHASES}) x`,
    [workspaceId, before],
  );
  return {
    related: itemNeighbours(related, options.similarity),
    boughtTogether: itemNeighbours(boughtTogether, options.similarity),
    popularity,
    repeatShare: repeatShares(popularity, options.repeat),
    counts: { ...rows[0]!, products: popularity.length, pairs: related.pairs.length + boughtTogether.pairs.length },
  };
}

/** `baskets` is a query of (basket, product_id, w), one row per product in a basket. */
async function cooccurrence(q: Queryable, baskets: string, workspaceId: string, before: Date | null, minSupport: number): Promise<Cooccurrence> {
  const { rows } = await q.query<{ a: string; b: string | null; dot: number; support: number }>(
    `WITH baskets AS MATERIALIZED (${baskets})
     SELECT x.product_id AS a, y.product_id AS b, sum(x.w * y.w)::float8 AS dot, count(*)::int AS support
     FROM baskets x JOIN baskets y ON x.basket = y.basket AND x.product_id < y.product_id
     GROUP BY 1, 2 HAVING count(*) >= $3
     UNION ALL
     SELECT product_id, NULL, sum(w * w)::float8, count(*)::int FROM baskets GROUP BY 1`,
    [workspaceId, before, minSupport],
  );
  const norms = new Map<string, number>();
  const pairs: Cooccurrence['pairs'] = [];
  for (const r of rows) {
    if (r.b === null) norms.set(r.a, r.dot);
    else pairs.push({ a: r.a, b: r.b, dot: r.dot, support: r.support });
  }
  return { norms, pairs };
}

const ORDER_BASKETS = `SELECT DISTINCT order_id AS basket, product_id, 1.0::float8 AS w FROM (${PURCHASES}) p`;

const CUSTOMER_BASKETS = `
    SELECT basket, product_id, w FROM (
      SELECT customer_id AS basket, product_id, max(w) AS w,
             row_number() OVER (PARTITION BY customer_id ORDER BY max(at) DESC, product_id) AS recent
      FROM (
        SELECT customer_id, product_id, at, 1.0::float8 AS w FROM (${PURCHASES}) p
        UNION ALL
        SELECT customer_id, product_id, at, ${VIEW_WEIGHT}::float8 FROM (${views()}) v
      ) touched
      GROUP BY customer_id, product_id
    ) h WHERE recent <= ${HISTORY_CAP}`;

/** Recency-weighted purchase counts (half-life `POPULARITY_HALF_LIFE` days before `before`, or now), and repeat buyers. */
async function popularProducts(q: Queryable, workspaceId: string, before: Date | null): Promise<PopularProduct[]> {
  const { rows } = await q.query<{ item: string; score: number; buyers: number; repeat_buyers: number }>(
    `SELECT product_id AS item, sum(score)::float8 AS score, count(*)::int AS buyers,
            (count(*) FILTER (WHERE orders >= 2))::int AS repeat_buyers
     FROM (
       SELECT customer_id, product_id, count(*) AS orders,
              sum(power(0.5, greatest(0, extract(epoch FROM coalesce($2::timestamptz, now()) - at)) / 86400 / ${POPULARITY_HALF_LIFE})) AS score
       FROM (${PURCHASES}) p GROUP BY 1, 2
     ) per_customer
     GROUP BY 1 ORDER BY score DESC, item`,
    [workspaceId, before],
  );
  return rows.map((r) => ({ item: r.item, score: r.score, buyers: r.buyers, repeatBuyers: r.repeat_buyers }));
}

/**
 * Many customers' purchases and views before `before`, as personal scoring takes them: what the
 * offline evaluation needs in one query (a single customer's read goes through the orders and
 * events services instead).
 */
export async function historiesBefore(q: Queryable, workspaceId: string, customerIds: string[], before: Date): Promise<Map<string, Interaction[]>> {
  const { rows } = await q.query<{ customer_id: string; product_id: string; at: Date; bought: boolean }>(
    `SELECT customer_id, product_id, at, true AS bought FROM (${purchases('$3')}) p
     UNION ALL
     SELECT customer_id, product_id, at, false FROM (${views('$3')}) v`,
    [workspaceId, before, customerIds],
  );
  const byCustomer = new Map<string, Interaction[]>();
  for (const r of rows) {
    const list = byCustomer.get(r.customer_id) ?? [];
    list.push({ item: r.product_id, at: r.at.getTime(), bought: r.bought });
    byCustomer.set(r.customer_id, list);
  }
  return byCustomer;
}
