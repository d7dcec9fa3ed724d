import { fitBgNbd, type BgNbdParams } from '../../analytics/models/bgnbd.ts';
import { fitMbgNbd } from '../../analytics/models/mbgnbd.ts';
import { clvPeriodEnds, customerLifetimeValue, discountedExpectedTransactions } from '../../analytics/models/clv.ts';
import { fitGammaGamma, gammaGammaConditionalExpectedValues, type GammaGammaParams } from '../../analytics/models/gammagamma.ts';
import type { FitResult } from '../../analytics/models/mle.ts';
import { compressPatterns } from '../../analytics/models/patterns.ts';
import { rfmSegment, type RfmSegment } from '../../analytics/models/rfm.ts';
import { quintilesWithScale, scoreOnScale, type Breakpoints } from './rfmScale.ts';
import type { IntelligenceSettings } from './settings.ts';
import { lifecycleStage, type Stage } from './stages.ts';
import type { PurchaseSummary } from './summarySql.ts';

import { predictPurchaseModel, type PurchaseModel } from './modelChoice.ts';

/**
 * The model math of a scoring run, in TypeScript over compressed patterns: fit BG/NBD, MBG/NBD and
 * Gamma-Gamma on the buyers' (x, t_x, T, m) summary in weeks, then score every customer with the
 * purchase model the workspace's backtest chose (modelChoice.ts).
 */

const WEEK_DAYS = 7;
/** Horizons of the stored expectations, in weeks. */
export const HORIZON_90D = 90 / WEEK_DAYS;
export const HORIZON_365D = 365 / WEEK_DAYS;
/** Fewer buyers or repeat buyers than this and the fits are skipped: the scores keep the rules and RFM only. */
export const MIN_BUYERS = 50;
export const MIN_REPEATERS = 10;

export interface ModelInput {
  /** Summary row of each buyer. */
  row: Uint32Array;
  frequency: Float64Array;
  recency: Float64Array;
  T: Float64Array;
  monetaryValue: Float64Array;
}

/** The buyers of a summary as the models want them (weeks, lifetimes' monetary value). */
export function modelInput(s: PurchaseSummary): ModelInput {
  let n = 0;
  for (let i = 0; i < s.size; i++) if (s.purchaseDays[i] > 0) n++;
  const input: ModelInput = {
    row: new Uint32Array(n),
    frequency: new Float64Array(n),
    recency: new Float64Array(n),
    T: new Float64Array(n),
    monetaryValue: new Float64Array(n),
  };
  let k = 0;
  for (let i = 0; i < s.size; i++) {
    if (s.purchaseDays[i] === 0) continue;
    const x = s.purchaseDays[i] - 1;
    input.row[k] = i;
    input.frequency[k] = x;
    input.recency[k] = (s.lastDay[i] - s.firstDay[i]) / WEEK_DAYS;
    input.T[k] = Math.max(s.endDay - s.firstDay[i], 0) / WEEK_DAYS;
    input.monetaryValue[k] = x > 0 ? (s.revenue[i] - s.firstAmount[i]) / x : 0;
    k++;
  }
  return input;
}

type BgFit = FitResult<'r' | 'alpha' | 'a' | 'b'>;
type GgFit = FitResult<'p' | 'q' | 'v'>;

export interface Fits {
  bgnbd: BgFit | null;
  mbgnbd: BgFit | null;
  gammagamma: GgFit | null;
  /** Why a model was not fitted or not used. */
  notes: string[];
}

export function fitModels(input: ModelInput): Fits {
  const buyers = input.frequency.length;
  let repeaters = 0;
  for (let i = 0; i < buyers; i++) if (input.frequency[i] > 0) repeaters++;
  if (buyers < MIN_BUYERS || repeaters < MIN_REPEATERS) {
    return { bgnbd: null, mbgnbd: null, gammagamma: null, notes: [`too little data to fit: ${buyers} buyers, ${repeaters} repeat buyers (need ${MIN_BUYERS} and ${MIN_REPEATERS})`] };
  }
  const notes: string[] = [];
  const patterns = compressPatterns(input);
  const bgnbd = fitBgNbd(patterns);
  if (!bgnbd.converged) notes.push(`BG/NBD did not converge: ${bgnbd.message}`);
  const mbgnbd = fitMbgNbd(patterns);
  if (!mbgnbd.converged) notes.push(`MBG/NBD did not converge: ${mbgnbd.message}`);
  let gammagamma: GgFit | null = fitGammaGamma(input);
  if (!(gammagamma.params.q > 1)) {
    notes.push(`Gamma-Gamma q = ${gammagamma.params.q} ≤ 1 has no finite mean: expected order values use each customer's own mean`);
    gammagamma = null;
  } else if (!gammagamma.converged) notes.push(`Gamma-Gamma did not converge: ${gammagamma.message}`);
  return { bgnbd, mbgnbd, gammagamma, notes };
}

export interface Params {
  /** The purchase model that scores customers, and its parameters. */
  purchase: { model: PurchaseModel; params: BgNbdParams } | null;
  gammagamma: GammaGammaParams | null;
}

export interface RfmScales {
  r: Breakpoints;
  f: Breakpoints;
  m: Breakpoints;
}

/** Per summary row; NaN / null where a value does not apply (prospects, no model). */
export interface Scores {
  recencyDays: Float64Array;
  frequency: Float64Array;
  recency: Float64Array;
  T: Float64Array;
  monetary: Float64Array;
  r: Uint8Array;
  f: Uint8Array;
  m: Uint8Array;
  segment: (RfmSegment | null)[];
  pAlive: Float64Array;
  expected90: Float64Array;
  expected365: Float64Array;
  expectedAov: Float64Array;
  clv12: Float64Array;
  /** Epoch ms. */
  nextPurchaseAt: Float64Array;
  churnRisk: Float64Array;
  stage: Stage[];
}

/**
 * Scores every summary row. `scales` null: RFM quintiles of this population (a full run) and their
 * breakpoints are returned; otherwise the given breakpoints score the rows (an incremental run).
 */
export function computeScores(
  s: PurchaseSummary,
  params: Params,
  scales: RfmScales | null,
  settings: IntelligenceSettings,
  asOfMs: number,
): { scores: Scores; scales: RfmScales | null } {
  const n = s.size;
  const input = modelInput(s);
  const b = input.row.length;
  const nan = () => new Float64Array(n).fill(NaN);
  const sc: Scores = {
    recencyDays: nan(),
    frequency: new Float64Array(n),
    recency: new Float64Array(n),
    T: new Float64Array(n),
    monetary: new Float64Array(n),
    r: new Uint8Array(n),
    f: new Uint8Array(n),
    m: new Uint8Array(n),
    segment: new Array<RfmSegment | null>(n).fill(null),
    pAlive: nan(),
    expected90: nan(),
    expected365: nan(),
    expectedAov: nan(),
    clv12: nan(),
    nextPurchaseAt: nan(),
    churnRisk: nan(),
    stage: new Array<Stage>(n),
  };
  const rec = new Float64Array(b);
  const freq = new Float64Array(b);
  const mon = new Float64Array(b);
  for (let k = 0; k < b; k++) {
    const i = input.row[k];
    rec[k] = -(s.endDay - s.lastDay[i]); // recent scores high
    freq[k] = s.purchaseDays[i];
    mon[k] = s.revenue[i];
    sc.recencyDays[i] = s.endDay - s.lastDay[i];
    sc.frequency[i] = input.frequency[k];
    sc.recency[i] = input.recency[k];
    sc.T[i] = input.T[k];
    sc.monetary[i] = input.monetaryValue[k];
  }

  let outScales: RfmScales | null = null;
  if (b > 0) {
    let r: ArrayLike<number>;
    let f: ArrayLike<number>;
    let m: ArrayLike<number>;
    if (scales) {
      r = Array.from(rec, (v) => scoreOnScale(scales.r, v));
      f = Array.from(freq, (v) => scoreOnScale(scales.f, v));
      m = Array.from(mon, (v) => scoreOnScale(scales.m, v));
    } else {
      const qr = quintilesWithScale(rec);
      const qf = quintilesWithScale(freq);
      const qm = quintilesWithScale(mon);
      [r, f, m] = [qr.scores, qf.scores, qm.scores];
      outScales = { r: qr.scale, f: qf.scale, m: qm.scale };
    }
    for (let k = 0; k < b; k++) {
      const i = input.row[k];
      sc.r[i] = r[k];
      sc.f[i] = f[k];
      sc.m[i] = m[k];
      sc.segment[i] = rfmSegment(r[k], f[k], m[k]);
    }
  }

  if (b > 0) {
    const aov = params.gammagamma
      ? gammaGammaConditionalExpectedValues(params.gammagamma, input.frequency, input.monetaryValue)
      : ownMeans(input, s);
    for (let k = 0; k < b; k++) sc.expectedAov[input.row[k]] = aov[k];
    if (params.purchase) predict(params.purchase.model, params.purchase.params, aov, input, sc, settings, asOfMs);
  }

  const rules = settings.stages;
  for (let i = 0; i < n; i++) {
    const bought = s.purchaseDays[i] > 0;
    sc.stage[i] = lifecycleStage(
      {
        purchaseDays: s.purchaseDays[i],
        recencyDays: bought ? s.endDay - s.lastDay[i] : 0,
        ageDays: bought ? s.endDay - s.firstDay[i] : 0,
        gapBeforeLastDays: s.prevDay[i] >= 0 ? s.lastDay[i] - s.prevDay[i] : null,
        pAlive: Number.isNaN(sc.pAlive[i]) ? null : sc.pAlive[i],
      },
      rules,
    );
  }
  return { scores: sc, scales: scales ?? outScales };
}

/** Without a Gamma-Gamma fit, a customer's expected order value is their own mean purchase-day value. */
function ownMeans(input: ModelInput, s: PurchaseSummary): Float64Array {
  return Float64Array.from(input.row, (i) => s.revenue[i] / s.purchaseDays[i]);
}

/**
 * P(alive), expected purchases, CLV, churn risk and next purchase date per buyer. Given alive, both
 * BG/NBD and MBG/NBD customers buy at a rate whose posterior is Gamma(r+x, α+T) (FHL 2005 §5) and
 * can only drop out after a purchase, so P(no purchase in the next t | alive) = ((α+T)/(α+T+t))^{r+x}.
 * Churn risk is P(no purchase in the next 365 days) = 1 − P(alive)·(1 − that); the next purchase date
 * is when the chance of having bought reaches one half:
 * t = (α+T)·((1 − 1/(2 P(alive)))^{−1/(r+x)} − 1), defined only when P(alive) > ½.
 */
function predict(
  model: PurchaseModel,
  bg: BgNbdParams,
  aov: Float64Array,
  input: ModelInput,
  sc: Scores,
  settings: IntelligenceSettings,
  asOfMs: number,
): void {
  const pat = compressPatterns(input);
  const clv = { horizon: HORIZON_365D, periodLength: HORIZON_365D / 12, discountRate: settings.discountRateMonthly };
  const ends = clvPeriodEnds(clv);
  const pred = predictPurchaseModel(model, bg, pat, [HORIZON_90D, ...ends]);
  const det = discountedExpectedTransactions(pred.expected.slice(1), clv);
  const value = customerLifetimeValue(det, aov, settings.margin, pat.index);
  const expected365 = pred.expected[pred.expected.length - 1];
  // Churn risk and next purchase per pattern, then scattered.
  const churnPat = new Float64Array(pat.size);
  const nextPat = new Float64Array(pat.size);
  for (let p = 0; p < pat.size; p++) {
    const alive = pred.pAlive[p];
    const shape = bg.r + pat.x[p];
    const scale = bg.alpha + pat.T[p];
    churnPat[p] = 1 - alive * (1 - Math.pow(scale / (scale + HORIZON_365D), shape));
    nextPat[p] = alive > 0.5 ? scale * (Math.pow(1 - 0.5 / alive, -1 / shape) - 1) : NaN;
  }
  const weekMs = WEEK_DAYS * 86_400_000;
  for (let k = 0; k < input.row.length; k++) {
    const i = input.row[k];
    const p = pat.index[k];
    sc.pAlive[i] = pred.pAlive[p];
    sc.expected90[i] = pred.expected[0][p];
    sc.expected365[i] = expected365[p];
    sc.clv12[i] = value[k];
    sc.churnRisk[i] = churnPat[p];
    sc.nextPurchaseAt[i] = Number.isFinite(nextPat[p]) ? asOfMs + nextPat[p] * weekMs : NaN;
  }
}
