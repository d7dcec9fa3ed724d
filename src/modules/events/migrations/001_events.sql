-- Behavioural events. occurred_at is the truth (late and out-of-order events are fine); received_at is ours.
CREATE TABLE events (
  workspace_id  uuid NOT NULL,
  customer_id   uuid NOT NULL,
  id            uuid NOT NULL,
  message_id    text NOT NULL,
  name          text NOT NULL,
  properties    jsonb NOT NULL DEFAULT '{}',
  context       jsonb,
  occurred_at   timestamptz NOT NULL,
  received_at   timestamptz NOT NULL DEFAULT now(),
  -- occurred_at in the key serves a customer's timeline, so no separate (customer, time) index has to
  -- be maintained on the hottest insert path.
  PRIMARY KEY (workspace_id, customer_id, occurred_at, id),
  FOREIGN KEY (workspace_id, customer_id) REFERENCES customers (workspace_id, id) ON DELETE CASCADE
);
-- A repeated messageId is stored once.
CREATE UNIQUE INDEX events_message_id ON events (workspace_id, message_id);
CREATE INDEX events_name_time ON events (workspace_id, name, occurred_at);
