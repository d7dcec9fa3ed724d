import { z } from 'zod';
import { type Authenticator, requireScope, workspaceOf } from '../../kernel/access.ts';
import type { ZodApp } from '../../kernel/http.ts';
import type { CustomerService } from '../customers/index.ts';
import type { IntelligenceService } from './service.ts';
import { exportQuery } from '../../kernel/exportQuery.ts';
import { exportHeaders } from '../../kernel/exportRows.ts';
import { instant } from '../../lib/instant.ts';
import { AT_RISK_SORTS } from './distributions.ts';
import { GRANULARITIES, KPI_DEFINITIONS, KPI_KEYS } from './kpiDefinitions.ts';
import { PURCHASE_MODELS } from './modelChoice.ts';
import { COMPARISON_BASES } from './periods.ts';
import { HEALTH_SIGNALS } from './settings.ts';
import { STAGES } from './stages.ts';

/** The services these handlers use (the composition root passes them in). */
interface RouteServices {
  authenticator: Authenticator;
  customers: CustomerService;
  intelligence: IntelligenceService;
}

const date = z.iso.date().describe('YYYY-MM-DD');
const month = z.string().regex(/^\d{4}-(0[1-9]|1[0-2])$/, 'YYYY-MM');
const num = z.number().nullable();

const json = z.record(z.string(), z.unknown());

const currentScores = z.object({
  customerId: z.string(),
  runId: z.string(),
  computedAt: z.date(),
  firstOrderAt: z.date().nullable(),
  lastOrderAt: z.date().nullable(),
  ordersCount: z.number().int(),
  revenueMinor: z.number().int(),
  recencyDays: z.number().int().nullable(),
  frequency: z.number().int().describe('repeat purchase days (BG/NBD x)'),
  recency: z.number().describe('weeks from the first to the last purchase day (t_x)'),
  T: z.number().describe('weeks from the first purchase day to the as-of day'),
  monetaryMinor: z.number().int(),
  rScore: num,
  fScore: num,
  mScore: num,
  rfmSegment: z.string().nullable(),
  pAlive: num,
  expectedPurchases90d: num,
  expectedPurchases365d: num,
  expectedAovMinor: num,
  clv12mMinor: num,
  nextPurchaseAt: z.date().nullable(),
  churnRisk: num,
  stage: z.enum(STAGES),
  stageSince: z.date(),
});

const snapshot = z.object({
  runId: z.string(),
  computedAt: z.date(),
  ordersCount: z.number().int(),
  revenueMinor: z.number().int(),
  rScore: num,
  fScore: num,
  mScore: num,
  rfmSegment: z.string().nullable(),
  pAlive: num,
  expectedPurchases365d: num,
  clv12mMinor: num,
  churnRisk: num,
  stage: z.enum(STAGES),
});

const kpiValue = z.object({
  value: num,
  target: num,
  attainment: num,
  change: num.describe('value − value of the period compared with; null for a partial period in the series'),
  n: num.describe('rates: the denominator; NPS: answers'),
  low: num.describe('95 % interval of the value (Wilson for rates, Wald for NPS)'),
  high: num,
  changeLow: num.describe('95 % interval of the change (Newcombe for rates, Wald for NPS)'),
  changeHigh: num,
  significance: z.enum(['up', 'down', 'none']).nullable().describe('none: the change interval holds 0'),
});
const window = z.object({ start: z.string(), end: z.string().describe('exclusive') });
const holdout = z.object({ customers: z.number(), actualTotal: z.number(), predictedTotal: z.number(), mae: z.number(), rmse: z.number(), correlation: num });

const health = z.object({
  accountId: z.string(),
  externalId: z.string(),
  name: z.string().nullable(),
  score: z.number(),
  status: z.enum(['green', 'amber', 'red']),
  mrrMinor: z.number(),
  seats: z.number(),
  renewsAt: z.date().nullable(),
  mrrAtRiskMinor: z.number(),
  signals: z.array(
    z.object({ signal: z.enum(HEALTH_SIGNALS), raw: num, score: num, weight: z.number(), points: z.number(), lostPoints: z.number() }),
  ),
});

const runResult = z.object({
  runId: z.string(),
  kind: z.enum(['full', 'incremental']),
  asOf: z.string(),
  fitRunId: z.string().nullable(),
  fits: z.unknown(),
  recomputed: z.number(),
  snapshots: z.number(),
  events: z.object({ stageChanged: z.number(), segmentChanged: z.number() }),
  counts: z.object({ customers: z.number(), stages: z.record(z.string(), z.number()), segments: z.record(z.string(), z.number()) }),
  diagnostics: z.unknown(),
  seconds: z.number(),
});

const backtestReport = z.object({
  calibrationEnd: z.string(),
  observationEnd: z.string(),
  holdoutDays: z.number(),
  customers: z.number(),
  fits: json,
  comparison: z.object({
    criterion: z.literal('rmse'),
    chosen: z.enum(PURCHASE_MODELS),
    models: z.array(
      z.object({
        model: z.enum(PURCHASE_MODELS),
        converged: z.boolean(),
        params: z.object({ r: z.number(), alpha: z.number(), a: z.number(), b: z.number() }),
        purchases: holdout,
      }),
    ),
  }),
  purchases: holdout,
  revenue: holdout,
  tracking: z.object({ week: z.array(z.string()), actual: z.array(z.number()), expected: z.array(z.number()), calibrationEndWeek: z.number() }),
});

/** A maximum-likelihood fit as scoring stores it (src/analytics/models/mle.ts), NaN standard errors stored as null. */
const fitResult = z.object({
  params: z.record(z.string(), z.number()),
  standardErrors: z.record(z.string(), num).describe('null where the Hessian is not positive definite'),
  logLikelihood: num.describe('null when the fit ended at a non-finite value'),
  converged: z.boolean(),
  iterations: z.number(),
  evaluations: z.number(),
  gradientNorm: num.describe('null when the fit ended at a non-finite value'),
  method: z.string(),
  message: z.string(),
  customers: z.number(),
  patterns: z.number(),
});
const fits = {
  bgnbd: fitResult.nullable(),
  // absent in runs (and their per-category fits) stored before MBG/NBD
  mbgnbd: fitResult.nullable().optional(),
  gammagamma: fitResult.nullable(),
  notes: z.array(z.string()).describe('why a model was not fitted or not used'),
};
const modelChoice = z.object({
  chosen: z.enum(PURCHASE_MODELS),
  criterion: z.literal('rmse'),
  backtestId: z.string().nullable().describe('the backtest that decided (null when none could run: then BG/NBD, and note says why)'),
  holdoutDays: z.number().nullable(),
  calibrationEnd: z.string().nullable(),
  models: z.array(z.object({ model: z.enum(PURCHASE_MODELS), rmse: z.number(), mae: z.number(), predictedTotal: z.number(), actualTotal: z.number() })),
  note: z.string().optional(),
});
/** GET /v1/models: the latest full run's stored fits (scoringRun.ts StoredFits), the latest run, the latest backtest. */
const modelsReport = z.object({
  fit: z
    .object({
      runId: z.string(),
      asOf: z.date(),
      fits: z
        .object({
          ...fits,
          choice: modelChoice.optional().describe('the purchase model that scored the customers (absent: BG/NBD)'),
          categories: z
            .object({
              dimension: z.string(),
              omittedCategories: z.number(),
              models: z.array(z.object({ ...fits, category: z.string(), buyers: z.number(), repeatBuyers: z.number(), revenue: z.number() })),
            })
            .optional(),
          unit: z.literal('weeks'),
          currency: z.string(),
        })
        .nullable(),
      diagnostics: z.unknown(),
      finishedAt: z.date().nullable(),
    })
    .nullable(),
  lastRun: z
    .object({ runId: z.string(), kind: z.string(), status: z.string(), asOf: z.date(), counts: z.unknown(), diagnostics: z.unknown(), error: z.string().nullable() })
    .nullable(),
  backtest: backtestReport
    .extend({ comparison: backtestReport.shape.comparison.optional().describe('absent in backtests from before MBG/NBD'), id: z.string(), createdAt: z.date() })
    .nullable(),
});

const target = z.object({ kpi: z.enum(KPI_KEYS), granularity: z.enum(GRANULARITIES), periodStart: date, target: z.number() });

const offsetPage = { limit: z.coerce.number().int().min(1).max(200).default(50), offset: z.coerce.number().int().min(0).max(1_000_000).default(0) };
const scoredCustomer = z.object({
  customerId: z.string(),
  externalId: z.string().nullable(),
  name: z.string().nullable(),
  email: z.string().nullable(),
  ordersCount: z.number(),
  revenueMinor: z.number(),
  lastOrderAt: z.date().nullable(),
  rfmSegment: z.string().nullable(),
  stage: z.enum(STAGES),
  pAlive: num,
  pAliveChange: num.describe('P(alive) now minus at the previous score snapshot'),
  clv12mMinor: num,
  churnRisk: num,
  valueAtStakeMinor: num.describe('12-month CLV if alive × (1 − P(alive)): the expected value the drift puts at risk (docs/metrics.md)'),
  daysSinceLastOrder: num.describe('days from the last order to the score date'),
  usualIntervalDays: num.describe("the customer's own mean days between orders; null below 2 orders"),
});
const customerPage = z.object({ total: z.number(), data: z.array(scoredCustomer) });
const atRiskFilter = {
  maxPAlive: z.coerce.number().min(0).max(1).default(0.5).describe('P(alive) below this'),
  minFm: z.coerce.number().int().min(1).max(5).default(4).describe('high value: FM column of the RFM grid at least this'),
  sort: z.enum(AT_RISK_SORTS).default('valueAtStake'),
  direction: z.enum(['asc', 'desc']).default('desc'),
  includeLost: z
    .enum(['true', 'false'])
    .default('false')
    .transform((v) => v === 'true')
    .describe('list customers in the lost stage too (left out by default: past saving)'),
};
const counts = z.record(z.string(), z.number());

export async function intelligenceRoutes(app: ZodApp, services: RouteServices): Promise<void> {
  const { intelligence } = services;
  const read = requireScope(services, 'read');
  const admin = requireScope(services, 'admin');
  const tags = ['intelligence'];

  app.get(
    '/v1/customers/:id/scores',
    {
      preHandler: read,
      schema: {
        tags,
        summary: 'Current scores of a customer (RFM, P(alive), expected purchases, CLV, churn risk, stage) and their history, newest first',
        params: z.object({ id: z.string().min(1).max(255).describe('our id or your external id') }),
        querystring: z.object({ limit: z.coerce.number().int().min(1).max(1000).default(100) }),
        response: { 200: z.object({ current: currentScores.nullable(), history: z.array(snapshot) }) },
      },
    },
    async (request) => {
      const ws = workspaceOf(request);
      const customer = await services.customers.find(ws, request.params.id);
      return intelligence.scoreHistory(ws, customer.id, request.query.limit);
    },
  );

  app.get(
    '/v1/segments/rfm',
    {
      preHandler: read,
      schema: {
        tags,
        summary: 'Customers and net revenue per RFM segment and per R × FM cell (current scores)',
        response: {
          200: z.object({
            customers: z.number(),
            revenueMinor: z.number(),
            segments: z.array(z.object({ segment: z.string(), customers: z.number(), revenueMinor: z.number(), share: z.number(), revenueShare: z.number() })),
            cells: z.array(z.object({ r: z.number(), fm: z.number(), segment: z.string(), customers: z.number(), revenueMinor: z.number() })),
          }),
        },
      },
    },
    async (request) => intelligence.rfmSegments(workspaceOf(request)),
  );

  app.get(
    '/v1/kpis',
    {
      preHandler: read,
      schema: {
        tags,
        summary: 'KPIs per period with target, attainment and change vs the previous period (definitions: docs/metrics.md)',
        querystring: z.object({
          from: date,
          to: date,
          granularity: z.enum(GRANULARITIES).default('month'),
          basis: z
            .enum(COMPARISON_BASES)
            .default('complete')
            .describe('complete: the last complete period against the one before; to_date: the partial period to date against the same days of the previous one'),
          fresh: z.enum(['true', 'false']).default('false').describe('true recomputes instead of answering from the stored snapshot'),
        }),
        response: {
          200: z.object({
            granularity: z.enum(GRANULARITIES),
            currency: z.string(),
            computedAt: z.date().describe('When the values were computed (snapshots are kept until the next scoring run); targets are always current'),
            definitions: z.array(
              z.object({
                key: z.string(),
                label: z.string(),
                unit: z.string(),
                higherIsBetter: z.boolean(),
                formula: z.string(),
                maturity: z.string().nullable(),
                interval: z.enum(['wilson', 'nps']).nullable(),
              }),
            ),
            asOfDay: z.string().describe('today in the workspace time zone; periods end before it'),
            periods: z.array(
              z.object({
                start: z.string(),
                end: z.string().describe('exclusive calendar end'),
                coveredEnd: z.string().describe('exclusive end of the days the values cover (today for the partial period)'),
                partial: z.boolean(),
                kpis: z.record(z.string(), kpiValue),
              }),
            ),
            comparison: z
              .object({ basis: z.enum(COMPARISON_BASES), current: window, previous: window, kpis: z.record(z.string(), kpiValue) })
              .nullable()
              .describe('The Overview cards: two windows of equal length and maturity'),
          }),
        },
      },
    },
    async (request) => {
      const { fresh, ...query } = request.query;
      return { ...(await intelligence.kpis(workspaceOf(request), query, { fresh: fresh === 'true' })), definitions: [...KPI_DEFINITIONS] };
    },
  );

  app.get(
    '/v1/kpi-targets',
    { preHandler: read, schema: { tags, summary: 'KPI targets per period', response: { 200: z.object({ data: z.array(target) }) } } },
    async (request) => ({ data: await intelligence.kpiTargets(workspaceOf(request)) }),
  );

  app.put(
    '/v1/kpi-targets',
    {
      // Marketers set targets too (their role's messaging scope); ingest keys only send data.
      preHandler: requireScope(services, 'messaging'),
      schema: {
        tags,
        summary: 'Set targets (one per KPI, granularity and period start; an existing one is replaced)',
        body: z.object({ targets: z.array(target).min(1).max(10_000) }),
        response: { 200: z.object({ saved: z.number() }) },
      },
    },
    async (request) => ({ saved: await intelligence.setKpiTargets(workspaceOf(request), request.body.targets) }),
  );

  app.get(
    '/v1/insights/rfm-cell',
    {
      preHandler: read,
      schema: {
        tags,
        summary: 'Customers of one R × FM cell of the RFM grid, by revenue',
        querystring: z.object({ r: z.coerce.number().int().min(1).max(5), fm: z.coerce.number().int().min(1).max(5), ...offsetPage }),
        response: { 200: customerPage },
      },
    },
    async (request) => intelligence.rfmCellCustomers(workspaceOf(request), request.query),
  );

  app.get(
    '/v1/insights/at-risk',
    {
      preHandler: read,
      schema: {
        tags,
        summary: 'High-value customers whose P(alive) fell below a threshold, sorted and paginated',
        querystring: z.object({ ...atRiskFilter, ...offsetPage }),
        response: { 200: customerPage },
      },
    },
    async (request) => intelligence.atRisk(workspaceOf(request), request.query),
  );

  app.get(
    '/v1/insights/at-risk.csv',
    {
      preHandler: read,
      schema: {
        tags,
        summary: "The whole at-risk list as CSV (streamed; money in minor units; UTF-8 with BOM or Shift_JIS, headers in the asked language, times in the workspace's zone)",
        querystring: z.object({ ...atRiskFilter, ...exportQuery }),
        produces: ['text/csv'],
      },
    },
    async (request, reply) => {
      const csv = await intelligence.atRiskCsv(workspaceOf(request), request.query);
      reply.raw.on('close', () => csv.destroy());
      return reply.headers(exportHeaders('at-risk-customers.csv', request.query.encoding)).send(csv);
    },
  );

  app.get(
    '/v1/insights/value',
    {
      preHandler: read,
      schema: {
        tags,
        summary: 'Distribution of predicted 12-month CLV and the Pareto curve of lifetime net revenue',
        response: {
          200: z.object({
            currency: z.string(),
            clv: z.object({
              customers: z.number(),
              meanMinor: num,
              medianMinor: num,
              bins: z.array(z.object({ fromMinor: z.number(), toMinor: num, customers: z.number() })),
            }),
            pareto: z.object({ customers: z.number(), revenueMinor: z.number(), points: z.array(z.object({ customerShare: z.number(), revenueShare: z.number() })) }),
          }),
        },
      },
    },
    async (request) => intelligence.valueDistributions(workspaceOf(request)),
  );

  app.get(
    '/v1/insights/stage-flow',
    {
      preHandler: read,
      schema: {
        tags,
        summary: 'Lifecycle stage moves in a period (default: the days before the latest scoring run); null before the first run',
        querystring: z.object({ from: instant().optional(), to: instant().optional(), days: z.coerce.number().int().min(1).max(3650).default(30) }),
        response: {
          200: z.object({ flow: z.object({ from: z.string(), to: z.string(), moves: z.array(z.object({ from: z.enum(STAGES), to: z.enum(STAGES), customers: z.number() })) }).nullable() }),
        },
      },
    },
    async (request) => ({ flow: await intelligence.stageFlow(workspaceOf(request), request.query) }),
  );

  app.get(
    '/v1/insights/segment-sizes',
    {
      preHandler: read,
      schema: {
        tags,
        summary: 'Customers per lifecycle stage and RFM segment after each scoring run (one point per day), oldest first',
        response: { 200: z.object({ points: z.array(z.object({ asOf: z.date(), customers: z.number(), stages: counts, segments: counts })) }) },
      },
    },
    async (request) => intelligence.sizesOverTime(workspaceOf(request)),
  );

  app.get(
    '/v1/insights/accounts',
    {
      preHandler: read,
      schema: {
        tags,
        summary: 'Every account with its health score and signals, weakest first, paginated; counts per status',
        querystring: z.object({ status: z.enum(['green', 'amber', 'red']).optional(), ...offsetPage }),
        response: { 200: z.object({ total: z.number(), statuses: z.object({ green: z.number(), amber: z.number(), red: z.number() }), data: z.array(health) }) },
      },
    },
    async (request) => intelligence.accountsHealth(workspaceOf(request), request.query),
  );

  app.get(
    '/v1/cohorts',
    {
      preHandler: read,
      schema: {
        tags,
        summary: 'Acquisition-month cohorts × months since first purchase (retention, revenue per customer); subscription cohorts with sBG projections',
        querystring: z.object({ from: month, to: month, projectMonths: z.coerce.number().int().min(1).max(120).default(24) }),
        response: {
          200: z.object({
            currency: z.string(),
            purchases: z.array(
              z.object({
                cohort: z.string(),
                size: z.number(),
                retention: z.array(z.number()),
                revenuePerCustomer: z.array(z.number()),
                cumulativeRevenuePerCustomer: z.array(z.number()),
                complete: z.number().describe('cells k < complete cover months that have ended; later ones are still filling up'),
              }),
            ),
            average: z
              .object({ retention: z.array(num), revenuePerCustomer: z.array(num), cumulativeRevenuePerCustomer: z.array(num) })
              .describe('size-weighted column averages over complete cells only'),
            subscriptions: z.array(
              z.object({
                cohort: z.string(),
                accounts: z.number(),
                survival: z.array(z.number()),
                projected: z.array(z.number()).nullable(),
                sbg: z.object({ alpha: z.number(), beta: z.number() }).nullable(),
              }),
            ),
          }),
        },
      },
    },
    async (request) => intelligence.cohorts(workspaceOf(request), request.query),
  );

  app.get(
    '/v1/models',
    {
      preHandler: read,
      schema: {
        tags,
        summary: 'Fitted model parameters with standard errors and diagnostics, the last run, the last backtest',
        response: { 200: modelsReport },
      },
    },
    async (request) => intelligence.models(workspaceOf(request)),
  );

  app.post(
    '/v1/models/score',
    {
      preHandler: admin,
      schema: {
        tags,
        summary: 'Run scoring now (what `kizuna score` and the daily job do); refits when due unless mode says otherwise',
        body: z.object({ asOf: instant().optional(), mode: z.enum(['auto', 'full', 'incremental']).default('auto') }).default({ mode: 'auto' }),
        response: { 200: runResult },
      },
    },
    async (request) => intelligence.score(workspaceOf(request), { asOf: request.body.asOf, mode: request.body.mode }),
  );

  app.post(
    '/v1/models/backtest',
    {
      preHandler: admin,
      schema: {
        tags,
        summary: 'Refit on the calibration period and compare predictions with the holdout (kept for GET /v1/models)',
        body: z.object({ holdoutDays: z.number().int().min(7).max(3650).default(180), asOf: instant().optional() }),
        response: { 200: backtestReport.extend({ id: z.string() }) },
      },
    },
    async (request) => intelligence.backtest(workspaceOf(request), request.body),
  );

  app.get(
    '/v1/accounts/renewal-risk',
    {
      preHandler: read,
      schema: { tags, summary: 'Paying accounts that are amber or red, ordered by MRR at risk', response: { 200: z.object({ data: z.array(health) }) } },
    },
    async (request) => ({ data: await intelligence.renewalRisk(workspaceOf(request)) }),
  );

  app.get(
    '/v1/accounts/:id/health',
    {
      preHandler: read,
      schema: {
        tags,
        summary: 'Account health 0–100 with the contribution of each signal',
        params: z.object({ id: z.string().min(1).max(255).describe('our id or your external id') }),
        response: { 200: health },
      },
    },
    async (request) => intelligence.accountHealth(workspaceOf(request), request.params.id),
  );

  app.get(
    '/v1/intelligence/settings',
    { preHandler: read, schema: { tags, summary: 'Stage rules, CLV, KPI and health settings in effect (defaults: docs/metrics.md)', response: { 200: json } } },
    async (request) => intelligence.settings(workspaceOf(request)),
  );

  app.put(
    '/v1/intelligence/settings',
    {
      preHandler: admin,
      schema: { tags, summary: 'Replace the overrides (absent keys take the defaults)', body: json, response: { 200: json } },
    },
    async (request) => intelligence.updateSettings(workspaceOf(request), request.body),
  );
}
