-- Segments: a rule (JSON, rule language version 1) kept with its revision history, and a
-- materialized membership refreshed by set-based SQL. `key` names the built-in segments every
-- workspace gets; user segments have none.
CREATE TABLE segments (
  workspace_id   uuid NOT NULL REFERENCES workspaces(id) ON DELETE CASCADE,
  id             uuid NOT NULL,
  key            text,
  name           text NOT NULL,
  description    text,
  rule           jsonb NOT NULL,
  version        int NOT NULL DEFAULT 1,
  member_count   int NOT NULL DEFAULT 0,
  refreshed_at   timestamptz,
  created_at     timestamptz NOT NULL DEFAULT now(),
  updated_at     timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (workspace_id, id),
  UNIQUE (workspace_id, key)
);

-- Every revision of a segment's rule (version 1 is the rule it was created with).
CREATE TABLE segment_versions (
  workspace_id  uuid NOT NULL,
  segment_id    uuid NOT NULL,
  version       int NOT NULL,
  rule          jsonb NOT NULL,
  created_at    timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (workspace_id, segment_id, version),
  FOREIGN KEY (workspace_id, segment_id) REFERENCES segments (workspace_id, id) ON DELETE CASCADE
);

-- Current members. `seq` is the number of the membership change that let them in (see history).
CREATE TABLE segment_members (
  workspace_id  uuid NOT NULL,
  segment_id    uuid NOT NULL,
  customer_id   uuid NOT NULL,
  entered_at    timestamptz NOT NULL,
  seq           int NOT NULL,
  PRIMARY KEY (workspace_id, segment_id, customer_id),
  FOREIGN KEY (workspace_id, segment_id) REFERENCES segments (workspace_id, id) ON DELETE CASCADE,
  FOREIGN KEY (workspace_id, customer_id) REFERENCES customers (workspace_id, id) ON DELETE CASCADE
);
CREATE INDEX segment_members_customer ON segment_members (workspace_id, customer_id);

-- Entered/exited, numbered per (segment, customer): 1 entered, 2 exited, 3 entered again, …
-- The number makes the Segment Entered/Exited messageIds deterministic and the key stops a
-- transition from being recorded twice.
CREATE TABLE segment_membership_history (
  workspace_id     uuid NOT NULL,
  segment_id       uuid NOT NULL,
  customer_id      uuid NOT NULL,
  seq              int NOT NULL,
  change           text NOT NULL CHECK (change IN ('entered', 'exited')),
  at               timestamptz NOT NULL,
  segment_version  int NOT NULL,
  PRIMARY KEY (workspace_id, segment_id, customer_id, seq),
  FOREIGN KEY (workspace_id, segment_id) REFERENCES segments (workspace_id, id) ON DELETE CASCADE,
  FOREIGN KEY (workspace_id, customer_id) REFERENCES customers (workspace_id, id) ON DELETE CASCADE
);
CREATE INDEX segment_membership_history_time ON segment_membership_history (workspace_id, segment_id, at);
