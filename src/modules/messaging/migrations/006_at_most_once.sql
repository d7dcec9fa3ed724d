-- At most once (docs/messaging.md, Delivery guarantees). A claimed row ('claimed') has not been
-- handed to any provider; a row is committed 'sending' just before its provider call and settled
-- after it. A 'sending' row whose lease ran out may or may not have reached the recipient: by
-- default it is settled 'uncertain' and not sent again (policy.deliveryGuarantee = at_most_once).
ALTER TABLE deliveries DROP CONSTRAINT deliveries_state_check;
ALTER TABLE deliveries ADD CONSTRAINT deliveries_state_check
  CHECK (state IN ('queued', 'claimed', 'sending', 'sent', 'deferred', 'suppressed', 'failed', 'held_out', 'uncertain'));
DROP INDEX deliveries_due;
CREATE INDEX deliveries_due ON deliveries (due_at) WHERE state IN ('queued', 'deferred', 'claimed', 'sending');

-- Seed copies: one copy of each campaign's message to every seed address of its channel (subject
-- marked, a header), so the team sees what customers see. Not deliveries: no customer, not in reports.
CREATE TABLE seed_copies (
  workspace_id  uuid NOT NULL REFERENCES workspaces(id) ON DELETE CASCADE,
  id            uuid NOT NULL,
  campaign_id   uuid NOT NULL,
  address       text NOT NULL,
  -- The treated delivery whose customer the copy is rendered for (their name, their coupon code).
  delivery_id   uuid NOT NULL,
  state         text NOT NULL CHECK (state IN ('queued', 'sending', 'sent', 'failed', 'uncertain')),
  reason        text,
  attempts      int NOT NULL DEFAULT 0,
  due_at        timestamptz NOT NULL,
  lease_until   timestamptz,
  provider_id   text,
  created_at    timestamptz NOT NULL DEFAULT now(),
  sent_at       timestamptz,
  PRIMARY KEY (workspace_id, id),
  UNIQUE (workspace_id, campaign_id, address),
  FOREIGN KEY (workspace_id, campaign_id) REFERENCES campaigns (workspace_id, id) ON DELETE CASCADE,
  FOREIGN KEY (workspace_id, delivery_id) REFERENCES deliveries (workspace_id, id) ON DELETE CASCADE
);
CREATE INDEX seed_copies_due ON seed_copies (due_at) WHERE state IN ('queued', 'sending');
