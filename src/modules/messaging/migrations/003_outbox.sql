-- The outbox channel: messages rendered in full and kept here instead of being handed to a provider
-- (demos, staging, acceptance tests). `key` is the delivery id, so a resend after a crash between
-- the insert and the delivery's settlement stores nothing twice.
CREATE TABLE outbox_messages (
  workspace_id  uuid NOT NULL REFERENCES workspaces(id) ON DELETE CASCADE,
  id            uuid NOT NULL,
  key           text NOT NULL,
  campaign_id   uuid,
  customer_id   uuid,
  channel       text NOT NULL,
  class         text NOT NULL,
  recipient     text NOT NULL,
  subject       text,
  html          text,
  text          text,
  headers       jsonb NOT NULL DEFAULT '{}',
  -- The channel's whole content as the provider would have received it (LINE messages, push data).
  content       jsonb NOT NULL,
  created_at    timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (workspace_id, id),
  UNIQUE (workspace_id, key)
);
CREATE INDEX outbox_messages_campaign ON outbox_messages (workspace_id, campaign_id, id);
CREATE INDEX outbox_messages_customer ON outbox_messages (workspace_id, customer_id, id);
