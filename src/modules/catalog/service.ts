import { NotFoundError } from '../../kernel/errors.ts';
import type { Queryable } from '../../db/database.ts';
import { upsertByKey, type UpsertResult } from '../../db/upsert.ts';
import { decodeCursor, ListFilter, pageOf } from '../../kernel/listQuery.ts';
import { camelRow, type RowOf } from '../../kernel/rowMapper.ts';
import type { Product, ProductInput } from './types.ts';

export interface ListProductsQuery {
  limit: number;
  cursor?: string;
  category?: string;
  /** Part of the SKU or the name. */
  search?: string;
}

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

  async get(workspaceId: string, sku: string, q: Queryable = this.db): Promise<Product> {
    const { rows } = await q.query<ProductRow>(`SELECT ${toProduct.columns} FROM products WHERE workspace_id = $1 AND sku = $2`, [workspaceId, sku]);
    if (!rows[0]) throw new NotFoundError(`product ${sku} not found`);
    return toProduct(rows[0]);
  }

  async list(workspaceId: string, query: ListProductsQuery, q: Queryable = this.db): Promise<{ data: Product[]; nextCursor: string | null }> {
    const where = new ListFilter('workspace_id = ?', workspaceId);
    if (query.cursor) where.add('id > ?::uuid', decodeCursor(query.cursor));
    if (query.category) where.add('category = ?', query.category);
    if (query.search) where.add('(sku ILIKE ? OR name ILIKE ?)', `%${query.search.replace(/[\\%_]/g, (c) => `\\${c}`)}%`);
    const limit = where.limit(query.limit);
    const { rows } = await q.query<ProductRow>(`SELECT ${toProduct.columns} FROM products WHERE ${where.sql} ORDER BY id LIMIT ${limit}`, where.values);
    const { data, nextCursor } = pageOf(rows, query.limit);
    return { data: data.map(toProduct), nextCursor };
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

const toProduct = camelRow<Product>()('id sku name category price_minor currency attributes created_at updated_at');
type ProductRow = RowOf<typeof toProduct>;
