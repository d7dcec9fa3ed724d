import { toMinor } from '../../../../lib/money.ts';
import { productInput, type ProductInput } from '../../../catalog/index.ts';
import { schemaIssues, type CsvKind } from '../kind.ts';
import { parseDecimal } from '../row.ts';
import { parseCurrency } from './currency.ts';

const fields = [
  { key: 'sku', aliases: ['商品コード', '商品番号', '品番', '商品ID', 'SKU', 'product_code', 'product_id', 'item_code', 'code'] },
  { key: 'name', aliases: ['商品名', '品名', 'product_name', 'name', 'title'] },
  { key: 'category', aliases: ['カテゴリ', 'カテゴリー', '商品カテゴリ', '分類', 'category'] },
  { key: 'price', aliases: ['価格', '販売価格', '単価', '売価', 'price', 'unit_price'] },
  { key: 'currency', aliases: ['通貨', 'currency'] },
];

type ProductRow = Record<string, unknown>;

/** Products: one row each, keyed by 商品コード (SKU); prices are decimal amounts of the currency. */
export const productsKind: CsvKind<ProductRow, ProductInput> = {
  fields,
  required: [['sku']],

  read(row, ctx) {
    const currency = row.parse('currency', parseCurrency, 'a currency code such as JPY') ?? ctx.currency;
    const price = row.parse('price', parseDecimal, 'an amount such as 1980');
    if (price !== undefined && price < 0) row.fail('price', 'cannot be negative');
    const out: ProductRow = { sku: row.text('sku'), currency };
    if (out.sku === undefined) row.fail('sku', 'is empty: each product needs a SKU');
    for (const key of ['name', 'category']) {
      const value = row.text(key);
      if (value !== undefined) out[key] = value;
    }
    if (price !== undefined) out.priceMinor = toMinor(price, currency);
    const attributes = row.extras();
    if (attributes) out.attributes = attributes;
    return out;
  },

  build([row], _ctx, issueAt) {
    const parsed = productInput.safeParse(row!.value);
    return parsed.success
      ? parsed.data
      : schemaIssues(parsed.error, row!.line, issueAt, (path) => (path[0] === 'priceMinor' ? 'price' : typeof path[0] === 'string' ? path[0] : undefined));
  },

  async write(services, ctx, entities, q) {
    const r = await services.catalog.upsertMany(ctx.workspaceId, entities, q);
    return { created: r.created, updated: r.updated, duplicates: 0 };
  },
};
