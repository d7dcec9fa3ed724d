import { gammaGammaConditionalExpectedValues } from '../../analytics/models/gammagamma.ts';
import { compressPatterns, scatter } from '../../analytics/models/patterns.ts';
import { holdoutReport, trackingCurve, type HoldoutReport } from '../../analytics/models/validation.ts';
import { ValidationError } from '../../kernel/errors.ts';
import type { Db } from '../../db/database.ts';
import { newId } from '../../db/ids.ts';
import type { Workspace } from '../workspaces/index.ts';
import { copyOut } from '../../kernel/pgCopy.ts';
import {
  PURCHASE_MODELS,
  chooseModel,
  expectedPurchasesOfNewCustomer,
  predictPurchaseModel,
  type ModelChoice,
  type ModelComparison,
} from './modelChoice.ts';
import { fitModels, modelInput, type Fits } from './modelScores.ts';
import { localDaySql, payingOrdersWhere, readSummary } from './summarySql.ts';

/**
 * Trust check on the workspace's own data (FHL 2005 §4): fit on the calibration period (up to
 * as-of − holdout), predict each calibration customer's purchases and revenue in the holdout, and
 * compare with what they did: per-customer MAE and correlation, totals, and the tracking curve of
 * cumulative repeat purchases over calendar weeks against Σᵢ E[X(τ − birthᵢ)]. Both purchase
 * models are backtested; the one with the smaller error is chosen (modelChoice.ts) and the report's
 * purchases, revenue and tracking are its.
 */
export interface BacktestOptions {
  holdoutDays: number;
  /** The holdout ends at the start of this instant's day (workspace time zone); default now. */
  asOf?: Date;
}

export interface BacktestReport {
  calibrationEnd: string;
  observationEnd: string;
  holdoutDays: number;
  customers: number;
  fits: Pick<Fits, 'bgnbd' | 'mbgnbd' | 'gammagamma' | 'notes'>;
  /** Every candidate's holdout error and the model chosen for scoring. */
  comparison: { criterion: 'rmse'; chosen: ModelChoice['chosen']; models: ModelComparison[] };
  purchases: HoldoutReport;
  revenue: HoldoutReport;
  /** Cumulative repeat purchases (purchase days after the first) since the first calibration purchase. */
  tracking: { week: string[]; actual: number[]; expected: number[]; calibrationEndWeek: number };
}

const MAX_POINTS = 200;
const DAY_MS = 86_400_000;

export async function runBacktest(db: Db, workspace: Workspace, options: BacktestOptions): Promise<BacktestReport> {
  const { holdoutDays } = options;
  if (!Number.isInteger(holdoutDays) || holdoutDays < 7 || holdoutDays > 3650) {
    throw new ValidationError('Invalid holdout', [{ path: ['holdoutDays'], message: 'must be a whole number of days from 7 to 3650' }]);
  }
  // Both ends at local midnight, so that no day is split between calibration and holdout.
  const { rows: ends } = await db.query<{ as_of: Date; calibration_end: Date }>(
    `SELECT date_trunc('day', $1::timestamptz AT TIME ZONE $2) AT TIME ZONE $2 AS as_of,
            (date_trunc('day', $1::timestamptz AT TIME ZONE $2) - make_interval(days => $3)) AT TIME ZONE $2 AS calibration_end`,
    [options.asOf ?? new Date(), workspace.timeZone, holdoutDays],
  );
  const { as_of: asOf, calibration_end: calibrationEnd } = ends[0]!;
  const scope = { workspaceId: workspace.id, currency: workspace.currency, timeZone: workspace.timeZone };
  const calibration = await readSummary(db.pool, { ...scope, asOf: calibrationEnd });
  const input = modelInput(calibration);
  const fits = fitModels(input);
  if (!fits.bgnbd) throw new ValidationError(`Cannot backtest: ${fits.notes.join('; ')}`);

  // Holdout actuals per calibration buyer, and repeat purchase days per day for the tracking curve.
  const position = new Map<string, number>();
  input.row.forEach((row, k) => position.set(calibration.customerId[row], k));
  const actualCount = new Float64Array(input.row.length);
  const actualRevenue = new Float64Array(input.row.length);
  const repeatsPerDay = new Map<number, number>();
  const client = await db.pool.connect();
  try {
    const days = `SELECT o.customer_id, ${localDaySql('o.ordered_at', workspace.timeZone)} AS day, sum(o.total_minor - o.refunded_minor) AS amount
      FROM paying_orders o WHERE ${payingOrdersWhere({ ...scope, asOf })} GROUP BY 1, 2`;
    const calEndDay = calibration.endDay;
    await copyOut(
      client,
      // Each day row carries its customer's first day (a window, not a join: the planner cannot see
      // the size of a CTE, and its nested loop over two of them took seconds at a few thousand customers).
      `WITH d AS (SELECT *, min(day) OVER (PARTITION BY customer_id) AS first FROM (${days}) x)
       SELECT 'h', customer_id, count(*), sum(amount) FROM d WHERE first < ${calEndDay} AND day >= ${calEndDay} GROUP BY customer_id
       UNION ALL SELECT 'r', NULL, day, count(*) FROM d WHERE first < ${calEndDay} AND day > first GROUP BY day`,
      (f) => {
        if (f[0] === 'h') {
          const k = position.get(f[1]);
          if (k === undefined) return;
          actualCount[k] = Number(f[2]);
          actualRevenue[k] = Number(f[3]);
        } else repeatsPerDay.set(Number(f[2]), Number(f[3]));
      },
    );
  } finally {
    client.release();
  }

  const holdoutWeeks = holdoutDays / 7;
  const patterns = compressPatterns(input);
  const candidates = PURCHASE_MODELS.flatMap((model): (ModelComparison & { predicted: Float64Array })[] => {
    const fit = fits[model];
    if (!fit) return [];
    const predicted = scatter(predictPurchaseModel(model, fit.params, patterns, [holdoutWeeks]).expected[0], patterns.index);
    return [{ model, converged: fit.converged, params: fit.params, purchases: holdoutReport(actualCount, predicted), predicted }];
  });
  const chosen = chooseModel(candidates);
  const best = candidates.find((c) => c.model === chosen)!;
  const bg = best.params;
  const predicted = best.predicted;
  const aov = fits.gammagamma
    ? gammaGammaConditionalExpectedValues(fits.gammagamma.params, input.frequency, input.monetaryValue)
    : Float64Array.from(input.row, (row) => calibration.revenue[row] / calibration.purchaseDays[row]);
  const predictedRevenue = predicted.map((v, k) => v * aov[k]);

  // Tracking curve in weeks since the first calibration purchase.
  let origin = Infinity;
  for (const row of input.row) origin = Math.min(origin, calibration.firstDay[row]);
  const endDay = calibration.endDay + holdoutDays;
  const births = Float64Array.from(input.row, (row) => (calibration.firstDay[row] - origin) / 7);
  const repeatTimes: number[] = [];
  for (const [day, count] of repeatsPerDay) for (let c = 0; c < count; c++) repeatTimes.push((day - origin) / 7);
  const spanWeeks = (endDay - origin) / 7;
  const step = Math.max(1, Math.ceil(spanWeeks / MAX_POINTS));
  const grid: number[] = [];
  for (let w = step; w < spanWeeks; w += step) grid.push(w);
  grid.push(spanWeeks);
  const curve = trackingCurve(births, repeatTimes, (t) => expectedPurchasesOfNewCustomer(chosen, bg, t), grid);

  return {
    calibrationEnd: calibrationEnd.toISOString(),
    observationEnd: asOf.toISOString(),
    holdoutDays,
    customers: input.row.length,
    fits: { bgnbd: fits.bgnbd, mbgnbd: fits.mbgnbd, gammagamma: fits.gammagamma, notes: fits.notes },
    comparison: { criterion: 'rmse', chosen, models: candidates.map(({ predicted: _, ...c }) => c) },
    purchases: best.purchases,
    revenue: holdoutReport(actualRevenue, predictedRevenue),
    tracking: {
      week: grid.map((w) => new Date((origin + w * 7) * DAY_MS).toISOString().slice(0, 10)),
      actual: Array.from(curve.actual),
      expected: Array.from(curve.expected, (v) => Math.round(v * 10) / 10),
      calibrationEndWeek: (calibration.endDay - origin) / 7,
    },
  };
}

/** Runs a backtest and keeps its report (the Value page and /v1/models show the latest). */
export async function runAndStoreBacktest(db: Db, workspace: Workspace, options: BacktestOptions): Promise<BacktestReport & { id: string }> {
  const report = await runBacktest(db, workspace, options);
  const id = newId();
  await db.query(
    `INSERT INTO model_backtests (workspace_id, id, holdout_days, calibration_end, observation_end, report) VALUES ($1, $2, $3, $4, $5, $6)`,
    [workspace.id, id, report.holdoutDays, report.calibrationEnd, report.observationEnd, JSON.stringify(report)],
  );
  return { id, ...report };
}
