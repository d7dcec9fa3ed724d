-- Per-workspace settings of the intelligence module (stage rules, health weights, F2 window, …),
-- validated by the zod schema in settings.ts; absent keys take the documented defaults.
CREATE TABLE intelligence_settings (
  workspace_id  uuid PRIMARY KEY REFERENCES workspaces(id) ON DELETE CASCADE,
  settings      jsonb NOT NULL DEFAULT '{}',
  updated_at    timestamptz NOT NULL DEFAULT now()
);

-- One row per scoring run. A full run refits the models and stores the fits (parameters, standard
-- errors, diagnostics) and the RFM quintile breakpoints; an incremental run reuses those of `fit_run_id`.
CREATE TABLE model_runs (
  workspace_id     uuid NOT NULL REFERENCES workspaces(id) ON DELETE CASCADE,
  id               uuid NOT NULL,
  kind             text NOT NULL CHECK (kind IN ('full', 'incremental')),
  status           text NOT NULL CHECK (status IN ('running', 'succeeded', 'failed')),
  as_of            timestamptz NOT NULL,
  -- The next incremental run rescores customers whose orders or profile changed at or after this:
  -- the run's start, or the start of the oldest transaction still open then (its rows carry that time).
  changes_since    timestamptz NOT NULL,
  fit_run_id       uuid,
  fits             jsonb,
  rfm_breakpoints  jsonb,
  diagnostics      jsonb NOT NULL DEFAULT '{}',
  counts           jsonb,
  error            text,
  started_at       timestamptz NOT NULL DEFAULT now(),
  finished_at      timestamptz,
  PRIMARY KEY (workspace_id, id)
);
CREATE INDEX model_runs_latest ON model_runs (workspace_id, status, started_at DESC);

CREATE TABLE model_backtests (
  workspace_id     uuid NOT NULL REFERENCES workspaces(id) ON DELETE CASCADE,
  id               uuid NOT NULL,
  holdout_days     int NOT NULL,
  calibration_end  timestamptz NOT NULL,
  observation_end  timestamptz NOT NULL,
  report           jsonb NOT NULL,
  created_at       timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (workspace_id, id)
);

-- Current scores, one row per customer: the shared contract (docs/metrics.md). The segments rule
-- compiler may join this table in its SQL; every other reader goes through IntelligenceService.
-- No foreign key to customers: its check locks every customer row a run writes (a million row locks
-- per full run); instead each full run deletes the rows of customers that no longer exist.
-- Fillfactor leaves room on each page so that a daily refit can update rows in place (HOT).
CREATE TABLE customer_scores (
  workspace_id            uuid NOT NULL,
  customer_id             uuid NOT NULL,
  computed_at             timestamptz NOT NULL,
  run_id                  uuid NOT NULL,
  first_order_at          timestamptz,
  last_order_at           timestamptz,
  orders_count            int NOT NULL,
  revenue_minor           bigint NOT NULL,
  recency_days            int,
  frequency               int NOT NULL,
  recency                 double precision NOT NULL,
  t                       double precision NOT NULL,
  monetary_minor          bigint NOT NULL,
  r_score                 smallint,
  f_score                 smallint,
  m_score                 smallint,
  rfm_segment             text,
  p_alive                 double precision,
  expected_purchases_90d  double precision,
  expected_purchases_365d double precision,
  expected_aov_minor      bigint,
  clv_12m_minor           bigint,
  next_purchase_at        timestamptz,
  churn_risk              double precision,
  stage                   text NOT NULL CHECK (stage IN ('prospect', 'new', 'active', 'at_risk', 'dormant', 'lost', 'reactivated')),
  -- Added beyond the contract: when the stage was entered, and when the last history snapshot was taken.
  stage_since             timestamptz NOT NULL,
  snapshot_at             timestamptz NOT NULL,
  PRIMARY KEY (workspace_id, customer_id)
) WITH (fillfactor = 70);
CREATE INDEX customer_scores_stage ON customer_scores (workspace_id, stage);
CREATE INDEX customer_scores_segment ON customer_scores (workspace_id, rfm_segment);

-- History: a snapshot whenever the stage or segment changes, and at least every 28 days otherwise.
-- Cleaned of deleted customers by full runs, like customer_scores.
CREATE TABLE customer_score_history (
  workspace_id            uuid NOT NULL,
  customer_id             uuid NOT NULL,
  run_id                  uuid NOT NULL,
  computed_at             timestamptz NOT NULL,
  orders_count            int NOT NULL,
  revenue_minor           bigint NOT NULL,
  r_score                 smallint,
  f_score                 smallint,
  m_score                 smallint,
  rfm_segment             text,
  p_alive                 double precision,
  expected_purchases_365d double precision,
  clv_12m_minor           bigint,
  churn_risk              double precision,
  stage                   text NOT NULL,
  PRIMARY KEY (workspace_id, customer_id, run_id)
);

CREATE TABLE kpi_targets (
  workspace_id  uuid NOT NULL REFERENCES workspaces(id) ON DELETE CASCADE,
  kpi           text NOT NULL,
  granularity   text NOT NULL CHECK (granularity IN ('day', 'week', 'month', 'quarter')),
  period_start  date NOT NULL,
  target        double precision NOT NULL,
  updated_at    timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (workspace_id, kpi, granularity, period_start)
);

-- Incremental scoring finds the customers whose orders changed since the last run (inserts, updates,
-- refunds and cancellations all touch orders.updated_at). Owned here because only scoring reads it.
CREATE INDEX orders_updated_for_scoring ON orders (workspace_id, updated_at);
