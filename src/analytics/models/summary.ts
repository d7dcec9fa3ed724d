/**
 * Per-customer (frequency, recency, T, monetary value) summary from raw transactions, defined exactly
 * as lifetimes' `summary_data_from_transaction_data` and `calibration_and_holdout_data`
 * (lifetimes/utils.py), so that fits reproduce the published CDNOW numbers:
 *  - transactions are bucketed into periods (days, or calendar weeks starting Monday as pandas'
 *    `to_period('W')` does); several in one period count as one and their amounts are summed;
 *  - frequency = number of periods with a purchase − 1 (repeat periods);
 *  - recency = last period − first period; T = end-of-observation period − first period, both
 *    in the reporting unit (days, or weeks = days / 7);
 *  - monetary value = mean of the per-period sums over the repeat periods (the first is excluded),
 *    0 for customers without repeats.
 * Dates are day numbers: whole days since 1970-01-01 (fractions, i.e. times of day, are floored).
 */

export type TimeUnit = 'days' | 'weeks';

export interface Transactions {
  customer: ArrayLike<string | number>;
  /** Day number of each transaction (days since 1970-01-01, UTC). */
  day: ArrayLike<number>;
  amount?: ArrayLike<number>;
}

export interface SummaryOptions {
  /** Unit of recency and T. */
  unit: TimeUnit;
  /**
   * The period within which purchases collapse to one. Defaults to `unit`. `unit: 'weeks'` with
   * `collapse: 'days'` is lifetimes' `freq='D', freq_multiplier=7`, the form of the published CDNOW
   * summaries (fractional weeks).
   */
  collapse?: TimeUnit;
  /** Day number of the end of observation; transactions in later periods are ignored. Default: the last transaction. */
  observationEnd?: number;
}

export interface TransactionSummary {
  /** Customer ids in order of first appearance. */
  customers: (string | number)[];
  frequency: Float64Array;
  recency: Float64Array;
  T: Float64Array;
  /** Only when amounts were given. */
  monetaryValue?: Float64Array;
  /** First purchase period start (day number) of each customer: for cohorts and tracking curves. */
  firstDay: Float64Array;
}

/** Start day of the period containing `day`. Day 0 (1970-01-01) was a Thursday; Mondays are ≡ 4 (mod 7). */
export function periodStart(day: number, collapse: TimeUnit): number {
  const d = Math.floor(day);
  return collapse === 'days' ? d : d - ((((d - 4) % 7) + 7) % 7);
}

const UNIT_DAYS: Record<TimeUnit, number> = { days: 1, weeks: 7 };

interface Grouped {
  customers: (string | number)[];
  /** Per customer: sorted unique period starts and summed amounts per period. */
  periods: Float64Array[];
  sums: Float64Array[];
}

/** Buckets transactions by customer and period, keeping those whose period starts within [from, to]. */
function groupByCustomerPeriod(tx: Transactions, collapse: TimeUnit, keep: (period: number, day: number) => boolean): Grouped {
  const ids = new Map<string | number, number>();
  const customers: (string | number)[] = [];
  const rows: number[][] = [];
  const n = tx.day.length;
  for (let i = 0; i < n; i++) {
    const p = periodStart(tx.day[i], collapse);
    if (!keep(p, tx.day[i])) continue;
    const c = tx.customer[i];
    let k = ids.get(c);
    if (k === undefined) {
      k = customers.length;
      ids.set(c, k);
      customers.push(c);
      rows.push([]);
    }
    rows[k].push(i);
  }
  const periods: Float64Array[] = [];
  const sums: Float64Array[] = [];
  for (const r of rows) {
    r.sort((a, b) => tx.day[a] - tx.day[b]);
    const ps: number[] = [];
    const ss: number[] = [];
    for (const i of r) {
      const p = periodStart(tx.day[i], collapse);
      const amt = tx.amount ? tx.amount[i] : 0;
      if (ps.length > 0 && ps[ps.length - 1] === p) ss[ss.length - 1] += amt;
      else {
        ps.push(p);
        ss.push(amt);
      }
    }
    periods.push(Float64Array.from(ps));
    sums.push(Float64Array.from(ss));
  }
  return { customers, periods, sums };
}

function maxDay(days: ArrayLike<number>): number {
  let m = -Infinity;
  for (let i = 0; i < days.length; i++) if (days[i] > m) m = days[i];
  return m;
}

/** lifetimes' `summary_data_from_transaction_data` (see the file comment). */
export function summarizeTransactions(tx: Transactions, options: SummaryOptions): TransactionSummary {
  const collapse = options.collapse ?? options.unit;
  const unitDays = UNIT_DAYS[options.unit];
  const end = periodStart(options.observationEnd ?? maxDay(tx.day), collapse);
  const g = groupByCustomerPeriod(tx, collapse, (p) => p <= end);
  const n = g.customers.length;
  const frequency = new Float64Array(n);
  const recency = new Float64Array(n);
  const T = new Float64Array(n);
  const firstDay = new Float64Array(n);
  const monetaryValue = tx.amount ? new Float64Array(n) : undefined;
  for (let k = 0; k < n; k++) {
    const ps = g.periods[k];
    const first = ps[0];
    const last = ps[ps.length - 1];
    frequency[k] = ps.length - 1;
    recency[k] = (last - first) / unitDays;
    T[k] = (end - first) / unitDays;
    firstDay[k] = first;
    if (monetaryValue) {
      let s = 0;
      for (let j = 1; j < ps.length; j++) s += g.sums[k][j];
      monetaryValue[k] = ps.length > 1 ? s / (ps.length - 1) : 0;
    }
  }
  return { customers: g.customers, frequency, recency, T, monetaryValue, firstDay };
}

export interface CalibrationHoldoutOptions extends SummaryOptions {
  /** Last day (inclusive) of the calibration period. */
  calibrationEnd: number;
  /** Last day (inclusive) of the holdout period. Required here. */
  observationEnd: number;
}

export interface CalibrationHoldout {
  calibration: TransactionSummary;
  /** Per calibration customer: purchase periods in the holdout (same collapsing). */
  frequencyHoldout: Float64Array;
  /** Per calibration customer: mean raw transaction amount in the holdout (0 if none), as lifetimes. */
  monetaryValueHoldout?: Float64Array;
  /** Holdout length in `unit`: period(observationEnd) − period(calibrationEnd). */
  durationHoldout: number;
}

/**
 * lifetimes' `calibration_and_holdout_data`: the calibration summary uses transactions up to
 * `calibrationEnd` (observation end = calibrationEnd); holdout counts cover (calibrationEnd,
 * observationEnd] for customers already seen in calibration.
 */
export function calibrationHoldoutSplit(tx: Transactions, options: CalibrationHoldoutOptions): CalibrationHoldout {
  const collapse = options.collapse ?? options.unit;
  const unitDays = UNIT_DAYS[options.unit];
  const calEnd = options.calibrationEnd;
  const obsEnd = options.observationEnd;
  if (!(obsEnd > calEnd)) throw new RangeError('observation end must be after calibration end');
  const calIdx: number[] = [];
  for (let i = 0; i < tx.day.length; i++) if (Math.floor(tx.day[i]) <= calEnd) calIdx.push(i);
  const pick = <T>(a: ArrayLike<T>): T[] => calIdx.map((i) => a[i]);
  const calibration = summarizeTransactions(
    { customer: pick(tx.customer), day: pick(tx.day), amount: tx.amount ? pick(tx.amount) : undefined },
    { unit: options.unit, collapse, observationEnd: calEnd },
  );
  const pos = new Map<string | number, number>();
  calibration.customers.forEach((c, k) => pos.set(c, k));
  const n = calibration.customers.length;
  const frequencyHoldout = new Float64Array(n);
  const amountSum = new Float64Array(n);
  const amountCount = new Float64Array(n);
  const lastPeriod = new Float64Array(n).fill(NaN);
  // Distinct holdout periods per customer: sort holdout rows by (customer, day).
  const rows: number[] = [];
  for (let i = 0; i < tx.day.length; i++) {
    const d = Math.floor(tx.day[i]);
    if (d > calEnd && d <= obsEnd && pos.has(tx.customer[i])) rows.push(i);
  }
  rows.sort((a, b) => tx.day[a] - tx.day[b]);
  const seen = new Map<number, Set<number>>();
  for (const i of rows) {
    const k = pos.get(tx.customer[i])!;
    const p = periodStart(tx.day[i], collapse);
    if (lastPeriod[k] !== p) {
      let set = seen.get(k);
      if (!set) seen.set(k, (set = new Set()));
      if (!set.has(p)) {
        set.add(p);
        frequencyHoldout[k]++;
      }
      lastPeriod[k] = p;
    }
    if (tx.amount) {
      amountSum[k] += tx.amount[i];
      amountCount[k]++;
    }
  }
  const monetaryValueHoldout = tx.amount ? amountSum.map((s, k) => (amountCount[k] > 0 ? s / amountCount[k] : 0)) : undefined;
  const durationHoldout = (periodStart(obsEnd, collapse) - periodStart(calEnd, collapse)) / unitDays;
  return { calibration, frequencyHoldout, monetaryValueHoldout, durationHoldout };
}

/**
 * Repeat-purchase times for a tracking curve: each customer's repeat periods (all but the first),
 * in `unit` since `origin` (a day number), up to `observationEnd`.
 */
export function repeatPurchaseTimes(tx: Transactions, options: SummaryOptions & { origin: number }): Float64Array {
  const collapse = options.collapse ?? options.unit;
  const unitDays = UNIT_DAYS[options.unit];
  const end = periodStart(options.observationEnd ?? maxDay(tx.day), collapse);
  const g = groupByCustomerPeriod(tx, collapse, (p) => p <= end);
  const out: number[] = [];
  for (const ps of g.periods) for (let j = 1; j < ps.length; j++) out.push((ps[j] - options.origin) / unitDays);
  return Float64Array.from(out).sort();
}

/** Day number of an ISO date (YYYY-MM-DD), or NaN if it is not a real date. */
export function dayNumber(iso: string): number {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(iso);
  if (!m) return NaN;
  const ms = Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]));
  const back = new Date(ms);
  if (back.getUTCFullYear() !== Number(m[1]) || back.getUTCMonth() !== Number(m[2]) - 1 || back.getUTCDate() !== Number(m[3])) return NaN;
  return ms / 86_400_000;
}
