import type { Neighbour } from '../../analytics/recs/itemItem.ts';
import type { Queryable } from '../../db/database.ts';
import type { TrainedModel } from './training.ts';

export type SimilarityKind = 'related' | 'bought_together';

/** Rows per INSERT: large enough to be fast, small enough for one message. */
const CHUNK = 20_000;

/** Replaces the workspace's stored model; `q` is a transaction, so readers see the old model until it commits. */
export async function saveModel(q: Queryable, workspaceId: string, model: TrainedModel, seconds: number): Promise<void> {
  await q.query('DELETE FROM product_similarities WHERE workspace_id = $1', [workspaceId]);
  await q.query('DELETE FROM product_popularity WHERE workspace_id = $1', [workspaceId]);
  const rows: [string, SimilarityKind, number, string, number, number][] = [];
  for (const [kind, lists] of [['related', model.related], ['bought_together', model.boughtTogether]] as const) {
    for (const [item, list] of lists) list.forEach((n, rank) => rows.push([item, kind, rank + 1, n.item, n.score, n.support]));
  }
  for (let i = 0; i < rows.length; i += CHUNK) {
    const chunk = rows.slice(i, i + CHUNK);
    await q.query(
      `INSERT INTO product_similarities (workspace_id, product_id, kind, rank, related_product_id, score, support)
       SELECT $1, * FROM unnest($2::uuid[], $3::text[], $4::int[], $5::uuid[], $6::float8[], $7::int[])`,
      [workspaceId, ...columns(chunk, 6)],
    );
  }
  for (let i = 0; i < model.popularity.length; i += CHUNK) {
    const chunk = model.popularity.slice(i, i + CHUNK);
    await q.query(
      `INSERT INTO product_popularity (workspace_id, product_id, score, buyers, repeat_buyers, repeat_purchase)
       SELECT $1, * FROM unnest($2::uuid[], $3::float8[], $4::int[], $5::int[], $6::bool[])`,
      [
        workspaceId,
        chunk.map((p) => p.item),
        chunk.map((p) => p.score),
        chunk.map((p) => p.buyers),
        chunk.map((p) => p.repeatBuyers),
        chunk.map((p) => model.repeatShare.has(p.item)),
      ],
    );
  }
  await q.query(
    `INSERT INTO recommendation_models (workspace_id, built_at, orders, customers, products, pairs, seconds)
     VALUES ($1, now(), $2, $3, $4, $5, $6)
     ON CONFLICT (workspace_id) DO UPDATE SET built_at = now(), orders = $2, customers = $3, products = $4, pairs = $5, seconds = $6`,
    [workspaceId, model.counts.orders, model.counts.customers, model.counts.products, model.counts.pairs, seconds],
  );
}

function columns<T extends unknown[]>(rows: T[], width: number): unknown[][] {
  return Array.from({ length: width }, (_, c) => rows.map((r) => r[c]));
}

/** Stored neighbours of some products, best first. */
export async function storedNeighbours(q: Queryable, workspaceId: string, kind: SimilarityKind, productIds: string[]): Promise<Map<string, Neighbour[]>> {
  const { rows } = await q.query<{ product_id: string; related_product_id: string; score: number; support: number }>(
    `SELECT product_id, related_product_id, score, support FROM product_similarities
     WHERE workspace_id = $1 AND kind = $2 AND product_id = ANY($3::uuid[]) ORDER BY product_id, rank`,
    [workspaceId, kind, productIds],
  );
  const byProduct = new Map<string, Neighbour[]>();
  for (const r of rows) {
    const list = byProduct.get(r.product_id) ?? [];
    list.push({ item: r.related_product_id, score: r.score, support: r.support });
    byProduct.set(r.product_id, list);
  }
  return byProduct;
}

/** Repeat-purchase products among `productIds`, with their repeat share. */
export async function storedRepeatShares(q: Queryable, workspaceId: string, productIds: string[]): Promise<Map<string, number>> {
  const { rows } = await q.query<{ product_id: string; share: number }>(
    `SELECT product_id, repeat_buyers::float8 / buyers AS share FROM product_popularity
     WHERE workspace_id = $1 AND product_id = ANY($2::uuid[]) AND repeat_purchase`,
    [workspaceId, productIds],
  );
  return new Map(rows.map((r) => [r.product_id, r.share]));
}

export async function storedPopular(q: Queryable, workspaceId: string, limit: number): Promise<string[]> {
  const { rows } = await q.query<{ product_id: string }>(
    'SELECT product_id FROM product_popularity WHERE workspace_id = $1 ORDER BY score DESC, product_id LIMIT $2',
    [workspaceId, limit],
  );
  return rows.map((r) => r.product_id);
}

export interface ModelInfo {
  builtAt: Date;
  orders: number;
  customers: number;
  products: number;
  pairs: number;
  seconds: number;
}

export async function modelInfo(q: Queryable, workspaceId: string): Promise<ModelInfo | null> {
  const { rows } = await q.query<{ built_at: Date; orders: number; customers: number; products: number; pairs: number; seconds: number }>(
    'SELECT built_at, orders, customers, products, pairs, seconds FROM recommendation_models WHERE workspace_id = $1',
    [workspaceId],
  );
  const r = rows[0];
  return r ? { builtAt: r.built_at, orders: r.orders, customers: r.customers, products: r.products, pairs: r.pairs, seconds: r.seconds } : null;
}
