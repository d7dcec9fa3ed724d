import { customerHistory, recommendForCustomer, type Interaction, type Recommendation } from '../../analytics/recs/personal.ts';
import { NotFoundError } from '../../kernel/errors.ts';
import type { Db, Queryable } from '../../db/database.ts';
import type { CatalogService } from '../catalog/index.ts';
import type { CustomerService } from '../customers/index.ts';
import type { EventService } from '../events/index.ts';
import type { OrderService } from '../orders/index.ts';
import { evaluateModel, type EvaluationOptions, type EvaluationReport } from './evaluation.ts';
import { modelInfo, saveModel, storedNeighbours, storedPopular, storedRepeatShares, type ModelInfo, type SimilarityKind } from './store.ts';
import { DEFAULT_TRAINING, trainModel, type TrainingOptions } from './training.ts';

export interface RecommendedProduct {
  product: { id: string; sku: string; name: string | null; category: string | null; priceMinor: number | null; currency: string | null };
  score: number;
  source: Recommendation['source'];
}

export interface RecommendationList {
  /** When the model was built; null before the first build (the list is then empty). */
  builtAt: Date | null;
  data: RecommendedProduct[];
}

/** Recent events read per request: enough for any real customer, bounded for a pathological one. */
const HISTORY_EVENTS = 500;
/** Second argument of the advisory lock that serialises a workspace's rebuilds. */
const REBUILD_LOCK = 0x72656373; // "recs"

const isUuid = (s: string) => /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(s);

/**
 * Item-to-item recommendations: the model (product_similarities, product_popularity) is rebuilt as a
 * whole on a schedule; reading is a few primary-key lookups plus summing a customer's neighbours.
 */
export interface RecommendationDeps {
  customers: Pick<CustomerService, 'find'>;
  orders: Pick<OrderService, 'forCustomer'>;
  events: Pick<EventService, 'forCustomer'>;
  catalog: Pick<CatalogService, 'idsBySku'>;
}

export class RecommendationService {
  constructor(
    private readonly db: Db,
    private readonly deps: RecommendationDeps,
  ) {}

  /** Trains on every completed order and view, and replaces the stored model in one transaction. */
  async rebuild(workspaceId: string, options: TrainingOptions = DEFAULT_TRAINING): Promise<ModelInfo> {
    const started = performance.now();
    return this.db.tx(async (tx) => {
      await tx.query('SELECT pg_advisory_xact_lock($1, hashtext($2))', [REBUILD_LOCK, workspaceId]);
      const model = await trainModel(tx, workspaceId, null, options);
      await saveModel(tx, workspaceId, model, Math.round(performance.now() - started) / 1000);
      return (await modelInfo(tx, workspaceId))!;
    });
  }

  status(workspaceId: string, q: Queryable = this.db): Promise<ModelInfo | null> {
    return modelInfo(q, workspaceId);
  }

  /** Whether there is anything to learn from: the schedule skips workspaces without completed orders. */
  async hasPurchases(workspaceId: string, q: Queryable = this.db): Promise<boolean> {
    const { rows } = await q.query("SELECT 1 FROM orders WHERE workspace_id = $1 AND status = 'completed' LIMIT 1", [workspaceId]);
    return rows.length > 0;
  }

  /** Top-N for a customer (our id or theirs), excluding what they bought unless it is a repeat-purchase product. */
  async forCustomer(workspaceId: string, customerIdOrExternalId: string, limit: number, q: Queryable = this.db): Promise<RecommendationList> {
    const customer = await this.deps.customers.find(workspaceId, customerIdOrExternalId, q);
    const info = await modelInfo(q, workspaceId);
    if (!info) return { builtAt: null, data: [] };
    const history = customerHistory(await this.history(workspaceId, customer.id, q), Date.now());
    const items = [...history.weights.keys()];
    const neighbours = await storedNeighbours(q, workspaceId, 'related', items);
    const repeatShare = await storedRepeatShares(q, workspaceId, [...history.bought.keys()]);
    const popular = await storedPopular(q, workspaceId, limit + history.bought.size);
    const list = recommendForCustomer(history, { neighbours: (item) => neighbours.get(item), repeatShare, popular }, limit);
    return { builtAt: info.builtAt, data: await this.withProducts(q, workspaceId, list) };
  }

  /**
   * A product's neighbours (by our id or SKU). `related` is filled up with popular products, those of
   * the same category first; `bought_together` is only what was really bought together.
   */
  async related(workspaceId: string, productIdOrSku: string, kind: SimilarityKind, limit: number, q: Queryable = this.db): Promise<RecommendationList> {
    const { rows } = await q.query<{ id: string; category: string | null }>(
      `SELECT id, category FROM products WHERE workspace_id = $1 AND (sku = $2 ${isUuid(productIdOrSku) ? 'OR id = $2::uuid' : ''})
       ORDER BY (sku = $2) DESC LIMIT 1`,
      [workspaceId, productIdOrSku],
    );
    const product = rows[0];
    if (!product) throw new NotFoundError(`product ${productIdOrSku} not found`);
    const info = await modelInfo(q, workspaceId);
    if (!info) return { builtAt: null, data: [] };
    const list: Recommendation[] = ((await storedNeighbours(q, workspaceId, kind, [product.id])).get(product.id) ?? [])
      .slice(0, limit)
      .map((n) => ({ item: n.item, score: n.score, source: 'similar' }));
    if (kind === 'related' && list.length < limit) {
      const { rows: fill } = await q.query<{ product_id: string }>(
        `SELECT pp.product_id FROM product_popularity pp
         JOIN products p ON p.workspace_id = pp.workspace_id AND p.id = pp.product_id
         WHERE pp.workspace_id = $1 AND pp.product_id <> ALL($2::uuid[])
         ORDER BY (p.category IS NOT DISTINCT FROM $3) DESC, pp.score DESC, pp.product_id LIMIT $4`,
        [workspaceId, [product.id, ...list.map((r) => r.item)], product.category, limit - list.length],
      );
      for (const r of fill) list.push({ item: r.product_id, score: 0, source: 'popular' });
    }
    return { builtAt: info.builtAt, data: await this.withProducts(q, workspaceId, list) };
  }

  evaluate(workspaceId: string, options: EvaluationOptions, q: Queryable = this.db): Promise<EvaluationReport> {
    return evaluateModel(q, workspaceId, options);
  }

  /** The customer's purchases (completed orders' catalogue lines) and product views, read through their modules. */
  private async history(workspaceId: string, customerId: string, q: Queryable): Promise<Interaction[]> {
    const touched: Interaction[] = [];
    for (const order of await this.deps.orders.forCustomer(workspaceId, customerId, q)) {
      if (order.status !== 'completed') continue;
      for (const line of order.lines) if (line.productId) touched.push({ item: line.productId, at: order.orderedAt.getTime(), bought: true });
    }
    const views = (await this.deps.events.forCustomer(workspaceId, customerId, { limit: HISTORY_EVENTS }, q)).flatMap((e) => {
      const sku = e.name === 'Product Viewed' ? (e.properties.sku ?? e.properties.product_id) : undefined;
      return typeof sku === 'string' ? [{ sku, at: e.occurredAt.getTime() }] : [];
    });
    const ids = await this.deps.catalog.idsBySku(workspaceId, views.map((v) => v.sku), q);
    for (const v of views) {
      const item = ids.get(v.sku);
      if (item) touched.push({ item, at: v.at, bought: false });
    }
    return touched;
  }

  private async withProducts(q: Queryable, workspaceId: string, list: Recommendation[]): Promise<RecommendedProduct[]> {
    const { rows } = await q.query<{ id: string; sku: string; name: string | null; category: string | null; price_minor: number | null; currency: string | null }>(
      'SELECT id, sku, name, category, price_minor, currency FROM products WHERE workspace_id = $1 AND id = ANY($2::uuid[])',
      [workspaceId, list.map((r) => r.item)],
    );
    const byId = new Map(rows.map((r) => [r.id, r]));
    return list.flatMap((r) => {
      const p = byId.get(r.item);
      if (!p) return [];
      const product = { id: p.id, sku: p.sku, name: p.name, category: p.category, priceMinor: p.price_minor, currency: p.currency };
      return [{ product, score: Math.round(r.score * 1e6) / 1e6, source: r.source }];
    });
  }
}
