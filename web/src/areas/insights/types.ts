/** Shapes of the intelligence API (src/modules/intelligence/routes.ts) as the insights pages read them. */

export type Granularity = 'day' | 'week' | 'month' | 'quarter';
export type Stage = 'prospect' | 'new' | 'active' | 'at_risk' | 'dormant' | 'lost' | 'reactivated';

export interface KpiValue {
  value: number | null;
  target: number | null;
  attainment: number | null;
  change: number | null;
  /** Rates: the denominator; NPS: the answers. */
  n?: number | null;
  /** 95 % interval of the value. */
  low?: number | null;
  high?: number | null;
  changeLow?: number | null;
  changeHigh?: number | null;
  /** "none": the change's interval holds 0. */
  significance?: 'up' | 'down' | 'none' | null;
}

export type ComparisonBasis = 'complete' | 'to_date';

export interface KpiDefinition {
  key: string;
  label: string;
  unit: 'customers' | 'ratio' | 'orders per customer' | 'minor units' | 'score';
  higherIsBetter: boolean;
  formula: string;
  maturity?: string | null;
  interval?: 'wilson' | 'nps' | null;
}

export interface KpiReport {
  granularity: Granularity;
  currency: string;
  definitions: KpiDefinition[];
  asOfDay: string;
  /** end: exclusive calendar end; coveredEnd: exclusive end of the days covered (today for the partial period). */
  periods: { start: string; end: string; coveredEnd: string; partial: boolean; kpis: Record<string, KpiValue> }[];
  comparison: { basis: ComparisonBasis; current: { start: string; end: string }; previous: { start: string; end: string }; kpis: Record<string, KpiValue> } | null;
}

export interface RfmReport {
  customers: number;
  revenueMinor: number;
  segments: { segment: string; customers: number; revenueMinor: number; share: number; revenueShare: number }[];
  cells: { r: number; fm: number; segment: string; customers: number; revenueMinor: number }[];
}

export interface ScoredCustomer {
  customerId: string;
  externalId: string | null;
  name: string | null;
  email: string | null;
  ordersCount: number;
  revenueMinor: number;
  lastOrderAt: string | null;
  rfmSegment: string | null;
  stage: Stage;
  pAlive: number | null;
  pAliveChange: number | null;
  clv12mMinor: number | null;
  churnRisk: number | null;
  valueAtStakeMinor: number | null;
  daysSinceLastOrder: number | null;
  usualIntervalDays: number | null;
}

export interface CustomerPage {
  total: number;
  data: ScoredCustomer[];
}

export interface SegmentSizes {
  points: { asOf: string; customers: number; stages: Record<string, number>; segments: Record<string, number> }[];
}

export interface StageFlow {
  flow: { from: string; to: string; moves: { from: Stage; to: Stage; customers: number }[] } | null;
}

export interface ValueReport {
  currency: string;
  clv: { customers: number; meanMinor: number | null; medianMinor: number | null; bins: { fromMinor: number; toMinor: number | null; customers: number }[] };
  pareto: { customers: number; revenueMinor: number; points: { customerShare: number; revenueShare: number }[] };
}

export interface FitResult {
  params: Record<string, number>;
  standardErrors: Record<string, number>;
  logLikelihood: number;
  converged: boolean;
  iterations: number;
  gradientNorm: number;
  method: string;
  message: string;
  customers: number;
  patterns: number;
}

export interface HoldoutReport {
  customers: number;
  actualTotal: number;
  predictedTotal: number;
  mae: number;
  rmse: number;
  correlation: number | null;
}

export interface Backtest {
  id: string;
  createdAt: string;
  calibrationEnd: string;
  observationEnd: string;
  holdoutDays: number;
  customers: number;
  /** Absent in backtests from before MBG/NBD. */
  comparison?: { criterion: 'rmse'; chosen: PurchaseModel; models: { model: PurchaseModel; converged: boolean; purchases: HoldoutReport }[] };
  purchases: HoldoutReport;
  revenue: HoldoutReport;
  tracking: { week: string[]; actual: number[]; expected: number[]; calibrationEndWeek: number };
}

export type PurchaseModel = 'bgnbd' | 'mbgnbd';

export interface ModelChoice {
  chosen: PurchaseModel;
  criterion: 'rmse';
  backtestId: string | null;
  holdoutDays: number | null;
  calibrationEnd: string | null;
  models: { model: PurchaseModel; rmse: number; mae: number; predictedTotal: number; actualTotal: number }[];
  note?: string;
}

export interface ModelsReport {
  fit: {
    runId: string;
    asOf: string;
    fits: { bgnbd?: FitResult | null; mbgnbd?: FitResult | null; gammagamma?: FitResult | null; notes?: string[]; choice?: ModelChoice } | null;
    diagnostics: unknown;
  } | null;
  lastRun: { runId: string; kind: string; status: string; asOf: string; error: string | null } | null;
  backtest: Backtest | null;
}

export interface CohortReport {
  currency: string;
  /** complete: cells k < complete are months that have ended. */
  purchases: { cohort: string; size: number; retention: number[]; revenuePerCustomer: number[]; cumulativeRevenuePerCustomer: number[]; complete: number }[];
  /** Size-weighted column averages over complete cells only. */
  average: { retention: (number | null)[]; revenuePerCustomer: (number | null)[]; cumulativeRevenuePerCustomer: (number | null)[] };
  subscriptions: { cohort: string; accounts: number; survival: number[]; projected: number[] | null }[];
}

export interface AccountHealth {
  accountId: string;
  externalId: string;
  name: string | null;
  score: number;
  status: 'green' | 'amber' | 'red';
  mrrMinor: number;
  seats: number;
  renewsAt: string | null;
  mrrAtRiskMinor: number;
  signals: { signal: string; raw: number | null; score: number | null; weight: number; points: number; lostPoints: number }[];
}

export interface AccountsPage {
  total: number;
  statuses: { green: number; amber: number; red: number };
  data: AccountHealth[];
}
