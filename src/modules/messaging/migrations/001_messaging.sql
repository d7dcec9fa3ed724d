-- Messaging: per-workspace sender settings, campaigns, and the deliveries outbox that is also the
-- durable send queue and the decision log's anchor.

-- Sender identity, provider credentials, gate policy (validated by settings.ts; secrets never logged).
CREATE TABLE messaging_settings (
  workspace_id  uuid PRIMARY KEY REFERENCES workspaces(id) ON DELETE CASCADE,
  settings      jsonb NOT NULL,
  -- HMAC key of tracking links and unsubscribe tokens.
  link_secret   text NOT NULL,
  updated_at    timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE campaigns (
  workspace_id            uuid NOT NULL REFERENCES workspaces(id) ON DELETE CASCADE,
  id                      uuid NOT NULL,
  name                    text NOT NULL,
  channel                 text NOT NULL CHECK (channel IN ('email', 'line', 'sms', 'push', 'webhook', 'dm')),
  class                   text NOT NULL CHECK (class IN ('marketing', 'transactional')),
  segment_id              uuid NOT NULL,
  template                jsonb NOT NULL,
  holdout_percent         double precision NOT NULL DEFAULT 0 CHECK (holdout_percent >= 0 AND holdout_percent < 100),
  coupon_campaign_id      uuid,
  conversion_window_days  int NOT NULL DEFAULT 7 CHECK (conversion_window_days BETWEEN 1 AND 365),
  status                  text NOT NULL CHECK (status IN ('draft', 'scheduled', 'sending', 'sent', 'cancelled')),
  scheduled_at            timestamptz,
  started_at              timestamptz,
  finished_at             timestamptz,
  -- Set when every member of the segment has its delivery row: a launch cut short is resumed.
  enqueued_at             timestamptz,
  created_at              timestamptz NOT NULL DEFAULT now(),
  updated_at              timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (workspace_id, id),
  FOREIGN KEY (workspace_id, segment_id) REFERENCES segments (workspace_id, id)
);
CREATE INDEX campaigns_due ON campaigns (scheduled_at) WHERE status = 'scheduled';

-- One row per (campaign, step, customer): the unique key is the idempotency key, so nothing is
-- enqueued, let alone sent, twice. The row is the queue entry (claimed with FOR UPDATE SKIP LOCKED,
-- under a lease) and its final state is the decision.
CREATE TABLE deliveries (
  workspace_id  uuid NOT NULL,
  id            uuid NOT NULL,
  campaign_id   uuid NOT NULL,
  step          text NOT NULL DEFAULT 'main',
  customer_id   uuid NOT NULL,
  channel       text NOT NULL,
  class         text NOT NULL,
  arm           text NOT NULL CHECK (arm IN ('treatment', 'holdout', 'global_control')),
  state         text NOT NULL CHECK (state IN ('queued', 'sending', 'sent', 'deferred', 'suppressed', 'failed', 'held_out')),
  reason        text,
  attempts      int NOT NULL DEFAULT 0,
  due_at        timestamptz NOT NULL,
  lease_until   timestamptz,
  -- Personalisation fixed at enqueue time (a coupon code), so a resend is the same message.
  vars          jsonb NOT NULL DEFAULT '{}',
  provider_id   text,
  created_at    timestamptz NOT NULL DEFAULT now(),
  sent_at       timestamptz,
  opened_at     timestamptz,
  clicked_at    timestamptz,
  PRIMARY KEY (workspace_id, id),
  UNIQUE (workspace_id, campaign_id, step, customer_id),
  FOREIGN KEY (workspace_id, campaign_id) REFERENCES campaigns (workspace_id, id) ON DELETE CASCADE,
  FOREIGN KEY (workspace_id, customer_id) REFERENCES customers (workspace_id, id) ON DELETE CASCADE
);
-- The workers scan due rows of every workspace.
CREATE INDEX deliveries_due ON deliveries (due_at) WHERE state IN ('queued', 'deferred', 'sending');
CREATE INDEX deliveries_customer ON deliveries (workspace_id, customer_id, created_at);
-- Frequency caps count a customer's recent marketing sends.
CREATE INDEX deliveries_recent ON deliveries (workspace_id, customer_id, sent_at) WHERE state = 'sent' AND class = 'marketing';

-- Every decision and what followed (queued, deferred, sent, suppressed, failed, held_out, opened,
-- clicked, unsubscribed, bounced, complained), with its reason: the customer 360's message history.
CREATE TABLE delivery_log (
  workspace_id  uuid NOT NULL,
  delivery_id   uuid NOT NULL,
  customer_id   uuid NOT NULL,
  seq           bigint GENERATED ALWAYS AS IDENTITY,
  at            timestamptz NOT NULL DEFAULT now(),
  kind          text NOT NULL,
  reason        text,
  PRIMARY KEY (workspace_id, delivery_id, seq),
  FOREIGN KEY (workspace_id, delivery_id) REFERENCES deliveries (workspace_id, id) ON DELETE CASCADE
);
CREATE INDEX delivery_log_customer ON delivery_log (workspace_id, customer_id, at);
