/** Shapes of the intelligence API (src/modules/intelligence/routes.ts), from /openapi.json (apiTypes.ts). */
import type { Get, Item } from '../../apiTypes.ts';

export type KpiReport = Get<'/v1/kpis'>;
export type Granularity = KpiReport['granularity'];
export type KpiDefinition = Item<KpiReport['definitions']>;
/** Rates carry their denominator (`n`), NPS its answers; "none" significance: the change's interval holds 0. */
export type KpiValue = Item<KpiReport['periods']>['kpis'][string];
export type ComparisonBasis = NonNullable<KpiReport['comparison']>['basis'];
export type RfmReport = Get<'/v1/segments/rfm'>;
export type CustomerPage = Get<'/v1/insights/at-risk'>;
export type ScoredCustomer = Item<CustomerPage['data']>;
export type Stage = ScoredCustomer['stage'];
export type SegmentSizes = Get<'/v1/insights/segment-sizes'>;
export type StageFlow = Get<'/v1/insights/stage-flow'>;
export type ValueReport = Get<'/v1/insights/value'>;

// GET /v1/models answers `unknown` parts (its schema leaves the stored fits open), so these stay by hand.
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
export type CohortReport = Get<'/v1/cohorts'>;
export type AccountsPage = Get<'/v1/insights/accounts'>;
export type AccountHealth = Item<AccountsPage['data']>;
