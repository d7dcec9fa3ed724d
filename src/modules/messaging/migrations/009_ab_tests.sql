-- A/B tests with a winner, and sending at each customer's usual hour (docs/messaging.md).

-- The test's configuration, the campaign's send-time option, and the winner decision once taken
-- (written once, guarded by ab_decision IS NULL, so two workers cannot decide differently).
ALTER TABLE campaigns ADD COLUMN ab_test jsonb;
ALTER TABLE campaigns ADD COLUMN send_time jsonb;
ALTER TABLE campaigns ADD COLUMN ab_decide_at timestamptz;
ALTER TABLE campaigns ADD COLUMN ab_decision jsonb;
CREATE INDEX campaigns_ab_due ON campaigns (ab_decide_at) WHERE ab_decision IS NULL AND ab_decide_at IS NOT NULL;

-- A test-group delivery carries its variant from the start; a rest-group delivery waits ('waiting')
-- for the winner, which the decision writes into `variant` as it queues it.
ALTER TABLE deliveries ADD COLUMN variant text;
ALTER TABLE deliveries ADD COLUMN ab_group text CHECK (ab_group IN ('test', 'rest'));
ALTER TABLE deliveries DROP CONSTRAINT deliveries_state_check;
ALTER TABLE deliveries ADD CONSTRAINT deliveries_state_check
  CHECK (state IN ('queued', 'claimed', 'sending', 'sent', 'deferred', 'suppressed', 'failed', 'held_out', 'uncertain', 'waiting'));
