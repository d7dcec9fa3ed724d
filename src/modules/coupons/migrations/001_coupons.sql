-- Coupon campaigns. value: percent off (1–100), or an amount in minor units of `currency`, or 0 for
-- free shipping (the discount is then the order's shipping). spent_minor and redemptions are the
-- running totals a redemption raises with a conditional UPDATE, so the budget holds under concurrency.
CREATE TABLE coupon_campaigns (
  workspace_id        uuid NOT NULL REFERENCES workspaces(id) ON DELETE CASCADE,
  id                  uuid NOT NULL,
  name                text NOT NULL,
  kind                text NOT NULL CHECK (kind IN ('percent', 'amount', 'free_shipping')),
  value               bigint NOT NULL CHECK (value >= 0),
  currency            char(3) NOT NULL,
  min_spend_minor     bigint NOT NULL DEFAULT 0 CHECK (min_spend_minor >= 0),
  starts_at           timestamptz NOT NULL,
  ends_at             timestamptz,
  -- A code expires this many days after it is issued (and with the campaign at the latest).
  valid_days          int CHECK (valid_days > 0),
  per_customer_limit  int CHECK (per_customer_limit > 0),
  budget_minor        bigint CHECK (budget_minor >= 0),
  max_redemptions     int CHECK (max_redemptions >= 0),
  spent_minor         bigint NOT NULL DEFAULT 0,
  redemptions         int NOT NULL DEFAULT 0,
  code_prefix         text NOT NULL DEFAULT '',
  code_length         int NOT NULL DEFAULT 12 CHECK (code_length BETWEEN 8 AND 24),
  status              text NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'paused', 'ended')),
  created_at          timestamptz NOT NULL DEFAULT now(),
  updated_at          timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (workspace_id, id),
  CHECK (ends_at IS NULL OR ends_at > starts_at),
  CHECK (budget_minor IS NULL OR spent_minor <= budget_minor),
  CHECK (max_redemptions IS NULL OR redemptions <= max_redemptions)
);

-- Single-use codes, unique per workspace. redeemed_at is set by exactly one conditional UPDATE.
CREATE TABLE coupon_codes (
  workspace_id  uuid NOT NULL,
  code          text NOT NULL,
  campaign_id   uuid NOT NULL,
  -- Assigned codes can be redeemed by their customer only; NULL: anyone holding the code.
  customer_id   uuid,
  issued_at     timestamptz NOT NULL DEFAULT now(),
  expires_at    timestamptz,
  redeemed_at   timestamptz,
  PRIMARY KEY (workspace_id, code),
  FOREIGN KEY (workspace_id, campaign_id) REFERENCES coupon_campaigns (workspace_id, id) ON DELETE CASCADE,
  FOREIGN KEY (workspace_id, customer_id) REFERENCES customers (workspace_id, id) ON DELETE CASCADE
);
CREATE INDEX coupon_codes_campaign ON coupon_codes (workspace_id, campaign_id, code);
-- One code per customer and campaign: assigning again (a segment re-run) skips who already has one.
CREATE UNIQUE INDEX coupon_codes_customer ON coupon_codes (workspace_id, campaign_id, customer_id) WHERE customer_id IS NOT NULL;

-- What a redemption did; the idempotency key makes a retried request return the same result.
CREATE TABLE coupon_redemptions (
  workspace_id       uuid NOT NULL,
  id                 uuid NOT NULL,
  idempotency_key    text NOT NULL,
  campaign_id        uuid NOT NULL,
  code               text NOT NULL,
  customer_id        uuid NOT NULL,
  order_external_id  text NOT NULL,
  order_total_minor  bigint NOT NULL,
  discount_minor     bigint NOT NULL,
  currency           char(3) NOT NULL,
  redeemed_at        timestamptz NOT NULL,
  PRIMARY KEY (workspace_id, id),
  UNIQUE (workspace_id, idempotency_key),
  UNIQUE (workspace_id, code),
  FOREIGN KEY (workspace_id, code) REFERENCES coupon_codes (workspace_id, code) ON DELETE CASCADE,
  FOREIGN KEY (workspace_id, customer_id) REFERENCES customers (workspace_id, id) ON DELETE CASCADE
);
CREATE INDEX coupon_redemptions_campaign ON coupon_redemptions (workspace_id, campaign_id);

-- Redemptions per customer and campaign, raised with a conditional upsert: the per-customer limit
-- holds even when one customer redeems two codes at once.
CREATE TABLE coupon_customer_usage (
  workspace_id  uuid NOT NULL,
  campaign_id   uuid NOT NULL,
  customer_id   uuid NOT NULL,
  redemptions   int NOT NULL,
  PRIMARY KEY (workspace_id, campaign_id, customer_id),
  FOREIGN KEY (workspace_id, campaign_id) REFERENCES coupon_campaigns (workspace_id, id) ON DELETE CASCADE,
  FOREIGN KEY (workspace_id, customer_id) REFERENCES customers (workspace_id, id) ON DELETE CASCADE
);
