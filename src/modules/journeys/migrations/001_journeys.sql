-- Journeys: automated flows. A journey has immutable versions (definition JSON); each customer's
-- pass through one is a run, pinned to the version it entered on; every executed step is logged.

CREATE TABLE journeys (
  workspace_id     uuid NOT NULL REFERENCES workspaces(id) ON DELETE CASCADE,
  id               uuid NOT NULL,
  name             text NOT NULL,
  status           text NOT NULL CHECK (status IN ('draft', 'active', 'paused', 'archived')),
  -- The version new entrants get (the latest).
  current_version  int NOT NULL DEFAULT 1,
  template_key     text,
  activated_at     timestamptz,
  created_at       timestamptz NOT NULL DEFAULT now(),
  updated_at       timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (workspace_id, id)
);
CREATE INDEX journeys_active ON journeys (workspace_id) WHERE status = 'active';

-- A version that ever took entrants is frozen: editing makes the next one.
CREATE TABLE journey_versions (
  workspace_id  uuid NOT NULL,
  journey_id    uuid NOT NULL,
  version       int NOT NULL,
  definition    jsonb NOT NULL,
  published_at  timestamptz,
  created_at    timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (workspace_id, journey_id, version),
  FOREIGN KEY (workspace_id, journey_id) REFERENCES journeys (workspace_id, id) ON DELETE CASCADE
);

-- Where each workspace's trigger scanner got to (events received before `cursor_at` were read).
CREATE TABLE journey_cursors (
  workspace_id  uuid PRIMARY KEY REFERENCES workspaces(id) ON DELETE CASCADE,
  cursor_at     timestamptz NOT NULL,
  dates_on      date
);

-- One row per entry (the entry history the entry rules read). A run is 'waiting' while it lives:
-- due_at is when the runner next looks at it (now for a run ready to step, later for a timer).
CREATE TABLE journey_runs (
  workspace_id     uuid NOT NULL,
  id               uuid NOT NULL,
  journey_id       uuid NOT NULL,
  version          int NOT NULL,
  customer_id      uuid NOT NULL,
  arm              text NOT NULL CHECK (arm IN ('treatment', 'holdout', 'global_control')),
  state            text NOT NULL CHECK (state IN ('waiting', 'completed', 'converted', 'exited')),
  -- The step the run is at (null for a held-out run, which only waits out its goal window).
  step_id          text,
  -- Steps executed so far: the visit number in the step log's idempotency key.
  visits           int NOT NULL DEFAULT 0,
  -- Set while parked at a wait step (the timer is due_at); null when the step has yet to start.
  parked_at        timestamptz,
  due_at           timestamptz,
  timeout_at       timestamptz,
  wait_event       text,
  -- What made the customer enter (an event id, a date, an API call): a trigger read twice enters once.
  source_key       text NOT NULL,
  -- What earlier steps produced for later ones (the coupon code a send prints).
  vars             jsonb NOT NULL DEFAULT '{}',
  entered_at       timestamptz NOT NULL,
  converted_at     timestamptz,
  exited_at        timestamptz,
  exit_reason      text,
  PRIMARY KEY (workspace_id, id),
  UNIQUE (workspace_id, journey_id, source_key),
  FOREIGN KEY (workspace_id, journey_id, version) REFERENCES journey_versions (workspace_id, journey_id, version) ON DELETE CASCADE,
  FOREIGN KEY (workspace_id, customer_id) REFERENCES customers (workspace_id, id) ON DELETE CASCADE
);
-- One live run per customer per journey.
CREATE UNIQUE INDEX journey_runs_one_live ON journey_runs (workspace_id, journey_id, customer_id) WHERE state = 'waiting';
-- The runner's scan: parked runs cost nothing until due.
CREATE INDEX journey_runs_due ON journey_runs (due_at) WHERE state = 'waiting';
-- A customer's runs: the entry rules (per journey), wake-ups of waiting runs, the customer 360.
-- Indexes are few on purpose: a run is updated at every wait, and each index costs every update.
CREATE INDEX journey_runs_customer ON journey_runs (workspace_id, customer_id, journey_id, entered_at);

-- Every executed step of every run; (run, step, visit) is the idempotency key.
CREATE TABLE journey_step_log (
  workspace_id  uuid NOT NULL,
  run_id        uuid NOT NULL,
  step_id       text NOT NULL,
  visit         int NOT NULL,
  customer_id   uuid NOT NULL,
  journey_id    uuid NOT NULL,
  version       int NOT NULL,
  step_type     text NOT NULL,
  -- done | skipped (held out) | failed (the side effect was refused; the run went on)
  outcome       text NOT NULL,
  -- The path taken by a branch (yes/no), split (label) or waitForEvent (event/timeout).
  path          text,
  detail        jsonb,
  -- How late a timer fired, in ms (waits only).
  late_ms       int,
  at            timestamptz NOT NULL DEFAULT now(),
  -- The journey leads, so the per-step counts of a journey read the primary key.
  PRIMARY KEY (workspace_id, journey_id, run_id, step_id, visit),
  FOREIGN KEY (workspace_id, run_id) REFERENCES journey_runs (workspace_id, id) ON DELETE CASCADE
);
