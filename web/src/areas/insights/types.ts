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

export type ModelsReport = Get<'/v1/models'>;
type StoredFits = NonNullable<NonNullable<ModelsReport['fit']>['fits']>;
export type FitResult = NonNullable<StoredFits['bgnbd']>;
export type ModelChoice = NonNullable<StoredFits['choice']>;
/** `comparison` is absent in backtests from before MBG/NBD. */
export type Backtest = NonNullable<ModelsReport['backtest']>;
export type HoldoutReport = Backtest['purchases'];
export type CohortReport = Get<'/v1/cohorts'>;
export type AccountsPage = Get<'/v1/insights/accounts'>;
export type AccountHealth = Item<AccountsPage['data']>;
