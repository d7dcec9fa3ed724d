import { topKScores } from '../../analytics/recs/evaluate.ts';
import { customerHistory, popularFor, recommendForCustomer, type PersonalModel } from '../../analytics/recs/personal.ts';
import { ValidationError } from '../../kernel/errors.ts';
import type { Queryable } from '../../db/database.ts';
import { DEFAULT_TRAINING, historiesBefore, trainModel, type TrainingOptions } from './training.ts';

export interface EvaluationOptions {
  k: number;
  /** Share of the completed orders, the latest ones, held out as the future. */
  testFraction: number;
  training?: TrainingOptions;
}

export interface EvaluationReport {
  model: { hitRate: number; recall: number };
  baseline: { hitRate: number; recall: number };
  k: number;
  /** Customers with purchases both before and after the cutoff: the ones evaluated. */
  customers: number;
  /** Customers whose first purchase is after the cutoff: both methods give them the popular items, so they are left out. */
  newCustomers: number;
  cutoff: string;
  /** Completed orders with catalogue products, before and after the cutoff. */
  trainOrders: number;
  testOrders: number;
}

/**
 * Temporal hold-out: the latest `testFraction` of completed orders are the future. The model is
 * trained (the same SQL and math as `rebuild`) on everything before the cutoff, each customer's
 * list comes from their history before it, and the lists are scored against the products they
 * bought after it. The baseline is the popularity ranking, with the same exclusion of products
 * already bought (repeat-purchase products excepted): what a customer without history gets.
 */
export async function evaluateModel(q: Queryable, workspaceId: string, options: EvaluationOptions): Promise<EvaluationReport> {
  const { rows: split } = await q.query<{ cutoff: Date | null; orders: number }>(
    `SELECT percentile_disc($2::float8) WITHIN GROUP (ORDER BY ordered_at) AS cutoff, count(*)::int AS orders
     FROM orders WHERE workspace_id = $1 AND status = 'completed'`,
    [workspaceId, 1 - options.testFraction],
  );
  const cutoff = split[0]?.cutoff;
  if (!cutoff || split[0]!.orders < 10) {
    throw new ValidationError('Not enough orders to evaluate', [{ path: ['workspace'], message: 'needs at least 10 completed orders' }]);
  }
  const model = await trainModel(q, workspaceId, cutoff, options.training ?? DEFAULT_TRAINING);

  const { rows: future } = await q.query<{ customer_id: string; products: string[]; orders: number; returning: boolean }>(
    `SELECT o.customer_id, array_agg(DISTINCT l.product_id) AS products, count(DISTINCT o.id)::int AS orders,
            EXISTS (SELECT 1 FROM orders p WHERE p.workspace_id = $1 AND p.customer_id = o.customer_id
                      AND p.status = 'completed' AND p.ordered_at < $2) AS returning
     FROM orders o
     JOIN order_lines l ON l.workspace_id = o.workspace_id AND l.customer_id = o.customer_id AND l.order_id = o.id
     WHERE o.workspace_id = $1 AND o.status = 'completed' AND o.ordered_at >= $2 AND l.product_id IS NOT NULL
     GROUP BY o.customer_id ORDER BY o.customer_id`,
    [workspaceId, cutoff],
  );
  const returning = future.filter((r) => r.returning);
  const histories = await historiesBefore(q, workspaceId, returning.map((r) => r.customer_id), cutoff);
  const personal: PersonalModel = {
    neighbours: (item) => model.related.get(item),
    repeatShare: model.repeatShare,
    popular: model.popularity.map((p) => p.item),
  };
  const modelLists: string[][] = [];
  const baselineLists: string[][] = [];
  const actual: Set<string>[] = [];
  for (const r of returning) {
    const history = customerHistory(histories.get(r.customer_id) ?? [], cutoff.getTime());
    modelLists.push(recommendForCustomer(history, personal, options.k).map((x) => x.item));
    baselineLists.push(popularFor(history, personal, options.k).map((x) => x.item));
    actual.push(new Set(r.products));
  }
  const scoreOf = (lists: string[][]) => {
    const { hitRate, recall } = topKScores(lists, actual, options.k);
    return { hitRate: round(hitRate), recall: round(recall) };
  };
  return {
    model: scoreOf(modelLists),
    baseline: scoreOf(baselineLists),
    k: options.k,
    customers: returning.length,
    newCustomers: future.length - returning.length,
    cutoff: cutoff.toISOString(),
    trainOrders: model.counts.orders,
    testOrders: future.reduce((n, r) => n + r.orders, 0),
  };
}

const round = (x: number) => Math.round(x * 10_000) / 10_000;
