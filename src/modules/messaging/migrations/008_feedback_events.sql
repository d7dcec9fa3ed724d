-- Bounces and complaints as they were reported (DSN, ARF, SES, SendGrid), matched to the delivery
-- and customer when our Message-ID or a VERP return path names one. `event_key` (SHA-256 of the
-- reporter's id with the recipient, so it holds no address) makes a report delivered twice count once.
CREATE TABLE messaging_feedback_events (
  workspace_id    uuid NOT NULL REFERENCES workspaces(id) ON DELETE CASCADE,
  id              uuid NOT NULL,
  event_key       text NOT NULL,
  source          text NOT NULL CHECK (source IN ('dsn', 'arf', 'ses', 'sendgrid')),
  kind            text NOT NULL CHECK (kind IN ('hard_bounce', 'soft_bounce', 'complaint')),
  delivery_id     uuid,
  campaign_id     uuid,
  customer_id     uuid,
  -- contactHash of the address (customers module), so soft bounces are counted per address.
  recipient_hash  text,
  status          text,
  diagnostic      text,
  -- What was done: suppressed, retry, soft_bounce_limit, logged.
  outcome         text NOT NULL,
  occurred_at     timestamptz NOT NULL,
  received_at     timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (workspace_id, id),
  UNIQUE (workspace_id, event_key)
);
CREATE INDEX messaging_feedback_campaign ON messaging_feedback_events (workspace_id, campaign_id, kind) WHERE campaign_id IS NOT NULL;
CREATE INDEX messaging_feedback_day ON messaging_feedback_events (workspace_id, occurred_at);
CREATE INDEX messaging_feedback_soft ON messaging_feedback_events (workspace_id, recipient_hash, occurred_at) WHERE kind = 'soft_bounce';
CREATE INDEX messaging_feedback_customer ON messaging_feedback_events (workspace_id, customer_id) WHERE customer_id IS NOT NULL;

-- A campaign whose complaint rate passed the stop threshold is paused: its unsent deliveries wait
-- (deferred, reason paused:complaint_rate) until someone resumes or cancels it.
ALTER TABLE campaigns ADD COLUMN paused_at timestamptz;
ALTER TABLE campaigns ADD COLUMN paused_reason text;
