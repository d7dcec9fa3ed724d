-- Outgoing webhooks: where to post which events, with the secret that signs them (HMAC-SHA256;
-- kept readable because signing needs it).
CREATE TABLE webhooks (
  workspace_id  uuid NOT NULL REFERENCES workspaces(id) ON DELETE CASCADE,
  id            uuid NOT NULL,
  url           text NOT NULL,
  secret        text NOT NULL,
  -- Event types posted to this endpoint, e.g. {segment.membership_changed}.
  events        text[] NOT NULL,
  -- Only these segments' changes; null: every segment.
  segment_ids   uuid[],
  description   text,
  active        boolean NOT NULL DEFAULT true,
  created_at    timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (workspace_id, id)
);

-- The outbox: a delivery is written in the transaction that caused it and posted afterwards, with
-- retries and exponential backoff. Its id is the idempotency key receivers see (X-Kizuna-Delivery).
CREATE TABLE webhook_deliveries (
  workspace_id     uuid NOT NULL,
  id               uuid NOT NULL,
  webhook_id       uuid NOT NULL,
  event_type       text NOT NULL,
  payload          jsonb NOT NULL,
  status           text NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'delivered', 'failed')),
  attempts         int NOT NULL DEFAULT 0,
  next_attempt_at  timestamptz NOT NULL,
  last_status      int,
  last_error       text,
  created_at       timestamptz NOT NULL DEFAULT now(),
  delivered_at     timestamptz,
  PRIMARY KEY (workspace_id, id),
  FOREIGN KEY (workspace_id, webhook_id) REFERENCES webhooks (workspace_id, id) ON DELETE CASCADE
);
-- The deliverer scans due deliveries of every workspace.
CREATE INDEX webhook_deliveries_due ON webhook_deliveries (next_attempt_at) WHERE status = 'pending';
CREATE INDEX webhook_deliveries_webhook ON webhook_deliveries (workspace_id, webhook_id, created_at);
