import type { Queryable } from '../../db/database.ts';
import { upsertByKey, type UpsertResult } from '../../db/upsert.ts';
import type { ProductInput } from './types.ts';

const PRODUCTS = {
  table: 'products',
  keyColumn: 'sku',
  keyField: 'sku',
  touch: 'updated_at = now()',
  fields: [
    { key: 'name', column: 'name', type: 'text' as const },
    { key: 'category', column: 'category', type: 'text' as const },
    { key: 'priceMinor', column: 'price_minor', type: 'bigint' as const },
    { key: 'currency', column: 'currency', type: 'char(3)' as const },
    { key: 'attributes', column: 'attributes', type: 'jsonb' as const, merge: true, insertDefault: `'{}'::jsonb` },
  ],
};

/** The product catalogue, keyed by SKU. */
export class CatalogService {
  constructor(private readonly db: Queryable) {}

  upsertMany(workspaceId: string, inputs: ProductInput[], q: Queryable = this.db): Promise<UpsertResult> {
    return upsertByKey(q, PRODUCTS, workspaceId, inputs);
  }

  /** Ids of the known SKUs among `skus`; unknown ones are simply absent (an order line may name a SKU we never saw). */
  async idsBySku(workspaceId: string, skus: string[], q: Queryable = this.db): Promise<Map<string, string>> {
    const unique = [...new Set(skus)];
    if (unique.length === 0) return new Map();
    const { rows } = await q.query<{ sku: string; id: string }>(
      'SELECT sku, id FROM products WHERE workspace_id = $1 AND sku = ANY($2::text[])',
      [workspaceId, unique],
    );
    return new Map(rows.map((r) => [r.sku, r.id]));
  }
}
