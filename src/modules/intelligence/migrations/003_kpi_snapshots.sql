-- Stored KPI results (kpiSnapshots.ts): computing the KPIs scans every purchase, far too slow to do
-- on each view of a large workspace. A snapshot answers its exact query (and settings) until the
-- next scoring run finishes; as_of_data is that run's finish time when it was computed.
CREATE TABLE kpi_snapshots (
  workspace_id uuid NOT NULL REFERENCES workspaces(id) ON DELETE CASCADE,
  query_key    text NOT NULL,
  computed_at  timestamptz NOT NULL DEFAULT now(),
  as_of_data   timestamptz,
  payload      jsonb NOT NULL,
  PRIMARY KEY (workspace_id, query_key)
);
