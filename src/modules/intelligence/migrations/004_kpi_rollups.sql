-- KPI rollups (kpiRollups.ts, docs/metrics.md "How KPIs are computed fast"): the purchases of each
-- customer collapsed per local day, and per-day and per-period sums over them, so that a KPI query
-- reads a few thousand rows instead of every order. Kept current from kpi_order_changes.

-- Which customers' orders changed since the rollups last read them. Filled by triggers on orders
-- (every writer: the services, COPY loads, merges moving orders, cascading deletes), emptied by the
-- refresh that recomputes those customers. Statement-level: one row per statement and workspace with
-- the customers it touched (ids only, consumed at the next refresh).
CREATE TABLE kpi_order_changes (
  workspace_id uuid NOT NULL,
  customer_ids uuid[] NOT NULL
);
CREATE INDEX kpi_order_changes_workspace ON kpi_order_changes (workspace_id);

CREATE FUNCTION kpi_order_changes_new() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO kpi_order_changes (workspace_id, customer_ids) SELECT workspace_id, array_agg(DISTINCT customer_id) FROM new_orders GROUP BY 1;
  RETURN NULL;
END $$;
CREATE FUNCTION kpi_order_changes_old() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO kpi_order_changes (workspace_id, customer_ids) SELECT workspace_id, array_agg(DISTINCT customer_id) FROM old_orders GROUP BY 1;
  RETURN NULL;
END $$;
-- Updates: only those that change what a purchase counts for (not attributes, e.g. erasure).
CREATE FUNCTION kpi_order_changes_updated() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO kpi_order_changes (workspace_id, customer_ids)
  SELECT x.workspace_id, array_agg(DISTINCT x.customer_id)
  FROM new_orders n JOIN old_orders o ON o.workspace_id = n.workspace_id AND o.id = n.id
  CROSS JOIN LATERAL (VALUES (n.workspace_id, n.customer_id), (o.workspace_id, o.customer_id)) AS x(workspace_id, customer_id)
  WHERE (n.customer_id, n.status, n.currency, n.total_minor, n.refunded_minor, n.ordered_at)
        IS DISTINCT FROM (o.customer_id, o.status, o.currency, o.total_minor, o.refunded_minor, o.ordered_at)
  GROUP BY 1;
  RETURN NULL;
END $$;
CREATE TRIGGER kpi_orders_inserted AFTER INSERT ON orders REFERENCING NEW TABLE AS new_orders FOR EACH STATEMENT EXECUTE FUNCTION kpi_order_changes_new();
CREATE TRIGGER kpi_orders_updated AFTER UPDATE ON orders REFERENCING OLD TABLE AS old_orders NEW TABLE AS new_orders FOR EACH STATEMENT EXECUTE FUNCTION kpi_order_changes_updated();
CREATE TRIGGER kpi_orders_deleted AFTER DELETE ON orders REFERENCING OLD TABLE AS old_orders FOR EACH STATEMENT EXECUTE FUNCTION kpi_order_changes_old();

-- What the rollups were built for: a change of time zone, currency or windows rebuilds them.
CREATE TABLE kpi_rollup_state (
  workspace_id       uuid PRIMARY KEY REFERENCES workspaces(id) ON DELETE CASCADE,
  time_zone          text NOT NULL,
  currency           char(3) NOT NULL,
  active_within_days int NOT NULL,
  dormant_after_days int NOT NULL,
  f2_window_days     int NOT NULL,
  built_at           timestamptz NOT NULL DEFAULT now(),
  refreshed_at       timestamptz NOT NULL DEFAULT now()
);

-- One row per customer and local purchase day (day: days since 1970-01-01 in the workspace zone):
-- paying orders in the workspace currency, with the neighbouring purchase days of the customer.
CREATE TABLE kpi_customer_days (
  workspace_id  uuid NOT NULL,
  customer_id   uuid NOT NULL,
  day           int NOT NULL,
  orders        int NOT NULL,
  net_minor     bigint NOT NULL,
  -- The day's first order; the customer's first purchase day, and the previous and next purchase days.
  first_at      timestamptz NOT NULL,
  first_day     int NOT NULL,
  prev_day      int,
  next_day      int,
  -- First order of the next purchase day (F2: the second purchase's instant).
  next_first_at timestamptz,
  PRIMARY KEY (workspace_id, customer_id, day)
);
CREATE INDEX kpi_customer_days_day ON kpi_customer_days (workspace_id, day);
-- First purchases near today (F2 maturity is decided per order instant).
CREATE INDEX kpi_customer_days_first ON kpi_customer_days (workspace_id, day) WHERE day = first_day;

-- Additive per-day sums (events at a day; a boundary's stock is the sum over days before it).
CREATE TABLE kpi_day_totals (
  workspace_id      uuid NOT NULL,
  day               int NOT NULL,
  orders            bigint NOT NULL DEFAULT 0,
  net_minor         bigint NOT NULL DEFAULT 0,
  new_customers     bigint NOT NULL DEFAULT 0,
  second_days       bigint NOT NULL DEFAULT 0,
  -- Customers whose first purchase is ≥ N days old and who bought on a second day, counted at the later of the two.
  mature_repeaters  bigint NOT NULL DEFAULT 0,
  -- +1 / −1 where a customer's W-day (active) and D-day (recent) coverage starts and ends.
  active_delta      bigint NOT NULL DEFAULT 0,
  recent_delta      bigint NOT NULL DEFAULT 0,
  -- New customers of the day whose second purchase day came within N days.
  f2_hits           bigint NOT NULL DEFAULT 0,
  PRIMARY KEY (workspace_id, day)
);

-- Per calendar period (day, week, month, quarter): what is not a sum over days (distinct buyers,
-- revenue of customers new in the period, customers lost between its two ends, top-20 % revenue).
-- Granularity 'window': the same for windows that are not whole periods (the partial period, the
-- "to date" comparison), computed on first request and dropped when a purchase in [start − W, end) changes.
CREATE TABLE kpi_period_stats (
  workspace_id    uuid NOT NULL,
  granularity     text NOT NULL,
  start_day       int NOT NULL,
  end_day         int NOT NULL,
  buyers          bigint NOT NULL,
  revenue_new     bigint NOT NULL,
  churned         bigint NOT NULL,
  top20_revenue   bigint NOT NULL,
  PRIMARY KEY (workspace_id, granularity, start_day, end_day)
);
