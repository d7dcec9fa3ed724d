import pg from 'pg';
import type { Queryable } from '../../db/database.ts';
import { fitModels, type Fits, type ModelInput } from './modelScores.ts';
import type { CategoryModelSettings } from './settings.ts';
import { localDaySql, purchasesWhere, type SummaryScope } from './summarySql.ts';

/**
 * BG/NBD and Gamma-Gamma fitted per product category (when the workspace names a category
 * dimension), next to the workspace-wide fit: buying patterns differ by category (consumables are
 * rebought, furniture is not), and a category's parameters say how often its buyers come back for
 * it. A customer's purchases *in a category* are the days they bought a line of it, worth that
 * line's share of the order's net revenue; x, t_x and T count from their first purchase in the
 * category, as the workspace-wide summary does from the first purchase of all.
 */
export interface CategoryFit extends Fits {
  category: string;
  buyers: number;
  repeatBuyers: number;
  /** Net revenue of the category's lines, in minor units of the workspace currency. */
  revenue: number;
}

export interface CategoryFits {
  dimension: string;
  /** The largest categories by buyers, at most `maxCategories`; the rest are counted here. */
  omittedCategories: number;
  models: CategoryFit[];
}

const WEEK_DAYS = 7;

/** The SQL naming a line's category: the line's own category, or a product attribute. */
function dimensionSql(dimension: string): { expr: string; join: string } {
  if (dimension === 'category') return { expr: 'l.category', join: '' };
  const key = dimension.slice('attributes.'.length);
  return { expr: `p.attributes->>${pg.escapeLiteral(key)}`, join: 'JOIN products p ON p.workspace_id = l.workspace_id AND p.id = l.product_id' };
}

/** One row per (category, buyer) of the largest categories: the per-category purchase summary. */
export function categorySummarySql(scope: SummaryScope, settings: CategoryModelSettings): string {
  const dim = dimensionSql(settings.dimension);
  return `WITH lines AS (
      SELECT ${dim.expr} AS category, o.customer_id, ${localDaySql('o.ordered_at', scope.timeZone)} AS day,
             sum(l.total_minor * (o.total_minor - o.refunded_minor)::float8 / o.total_minor) AS amount
      FROM paying_orders o JOIN order_lines l ON l.workspace_id = o.workspace_id AND l.customer_id = o.customer_id AND l.order_id = o.id
      ${dim.join}
      WHERE ${purchasesWhere(scope)} AND ${dim.expr} IS NOT NULL
      GROUP BY 1, 2, 3
    ), per AS (
      SELECT category, customer_id, count(*)::int AS purchase_days, min(day) AS first_day, max(day) AS last_day,
             sum(amount) AS revenue, (array_agg(amount ORDER BY day))[1] AS first_amount
      FROM lines GROUP BY 1, 2
    ), ranked AS (
      SELECT category, rank() OVER (ORDER BY count(*) DESC, category) AS place FROM per GROUP BY category
    )
    SELECT per.category, per.purchase_days, per.first_day, per.last_day, per.revenue, per.first_amount,
           (SELECT count(*) FROM ranked WHERE place > ${settings.maxCategories})::int AS omitted
    FROM per JOIN ranked r ON r.category = per.category AND r.place <= ${settings.maxCategories}
    ORDER BY r.place`;
}

interface Row {
  category: string;
  purchase_days: number;
  first_day: number;
  last_day: number;
  revenue: number;
  first_amount: number;
  omitted: number;
}

/** Reads the per-category summaries and fits each category (MIN_BUYERS and MIN_REPEATERS apply per category). */
export async function fitCategories(q: Queryable, scope: SummaryScope, settings: CategoryModelSettings, endDay: number): Promise<CategoryFits> {
  const { rows } = await q.query<Row>(categorySummarySql(scope, settings));
  const byCategory = new Map<string, Row[]>();
  for (const r of rows) {
    const list = byCategory.get(r.category) ?? [];
    list.push(r);
    byCategory.set(r.category, list);
  }
  const models: CategoryFit[] = [];
  for (const [category, buyers] of byCategory) {
    const input = categoryInput(buyers, endDay);
    let repeatBuyers = 0;
    for (const x of input.frequency) if (x > 0) repeatBuyers++;
    const revenue = Math.round(buyers.reduce((sum, b) => sum + b.revenue, 0));
    models.push({ category, buyers: buyers.length, repeatBuyers, revenue, ...fitModels(input) });
  }
  return { dimension: settings.dimension, omittedCategories: rows[0]?.omitted ?? 0, models };
}

/** A category's buyers as the models want them (weeks; monetary value = mean of the repeat days). */
export function categoryInput(buyers: Pick<Row, 'purchase_days' | 'first_day' | 'last_day' | 'revenue' | 'first_amount'>[], endDay: number): ModelInput {
  const n = buyers.length;
  const input: ModelInput = { row: new Uint32Array(n), frequency: new Float64Array(n), recency: new Float64Array(n), T: new Float64Array(n), monetaryValue: new Float64Array(n) };
  buyers.forEach((b, k) => {
    const x = b.purchase_days - 1;
    input.row[k] = k;
    input.frequency[k] = x;
    input.recency[k] = (b.last_day - b.first_day) / WEEK_DAYS;
    input.T[k] = Math.max(endDay - b.first_day, 0) / WEEK_DAYS;
    input.monetaryValue[k] = x > 0 ? (b.revenue - b.first_amount) / x : 0;
  });
  return input;
}
