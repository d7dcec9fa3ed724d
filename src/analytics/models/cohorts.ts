/**
 * Cohort retention matrices: customers grouped by the period of their first purchase; cell
 * (cohort c, age k) counts the cohort's customers who bought in period c + k. Retention is that
 * count over the cohort size (age 0 is 100 % by construction). Periods are whole numbers (e.g. a
 * month index); the caller chooses the calendar.
 */

export interface CohortMatrix {
  /** Period of each cohort (ascending). */
  cohorts: number[];
  /** Customers in each cohort. */
  sizes: number[];
  /** active[c][k]: customers of cohort c active at age k, for ages the data covers (up to lastPeriod − cohort). */
  active: number[][];
  /** retention[c][k] = active[c][k] / sizes[c]. */
  retention: number[][];
}

/** Whole month index of a day number (months since January 1970), a common cohort period. */
export function monthIndex(day: number): number {
  const d = new Date(Math.floor(day) * 86_400_000);
  return (d.getUTCFullYear() - 1970) * 12 + d.getUTCMonth();
}

/**
 * Builds the matrix from one row per transaction (customer id, integer period). Rows may be in any
 * order; several purchases by one customer in one period count once.
 */
export function cohortRetention(customer: ArrayLike<string | number>, period: ArrayLike<number>): CohortMatrix {
  const n = customer.length;
  if (period.length !== n) throw new RangeError('columns differ in length');
  const first = new Map<string | number, number>();
  let last = -Infinity;
  for (let i = 0; i < n; i++) {
    const p = period[i];
    if (!Number.isInteger(p)) throw new RangeError(`row ${i}: period must be a whole number`);
    const f = first.get(customer[i]);
    if (f === undefined || p < f) first.set(customer[i], p);
    if (p > last) last = p;
  }
  const cohorts = [...new Set(first.values())].sort((a, b) => a - b);
  const row = new Map(cohorts.map((c, i) => [c, i]));
  const sizes = cohorts.map(() => 0);
  for (const f of first.values()) sizes[row.get(f)!]++;
  const active = cohorts.map((c) => new Array<number>(last - c + 1).fill(0));
  const seen = new Set<string>();
  for (let i = 0; i < n; i++) {
    const f = first.get(customer[i])!;
    const key = `${typeof customer[i]}:${customer[i]}:${period[i]}`;
    if (seen.has(key)) continue;
    seen.add(key);
    active[row.get(f)!][period[i] - f]++;
  }
  const retention = active.map((r, c) => r.map((v) => v / sizes[c]));
  return { cohorts, sizes, active, retention };
}

/**
 * The average of a cohort table's columns, weighted by cohort size, over complete cells only: a
 * cohort's cell k is complete when its period has ended (cells k < complete). A cell still filling
 * up would pull the average of its column down, so it is left out; a column without any complete
 * cell is null.
 */
export function averageOfCompleteCells(rows: readonly { size: number; values: readonly number[]; complete: number }[]): (number | null)[] {
  const width = Math.max(0, ...rows.map((r) => r.values.length));
  return Array.from({ length: width }, (_, k) => {
    let sum = 0;
    let weight = 0;
    for (const r of rows) {
      if (k >= r.complete || k >= r.values.length || r.size <= 0) continue;
      sum += r.values[k]! * r.size;
      weight += r.size;
    }
    return weight > 0 ? sum / weight : null;
  });
}
