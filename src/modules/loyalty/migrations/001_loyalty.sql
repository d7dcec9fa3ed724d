-- Loyalty: points ledger, lots, balances, tiers, rewards, referrals. Points are whole numbers.

-- The workspace's programme (earning rules, tiers, referral rewards; validated by settings.ts) and
-- the secret that signs storefront tokens.
CREATE TABLE loyalty_settings (
  workspace_id  uuid PRIMARY KEY REFERENCES workspaces(id) ON DELETE CASCADE,
  settings      jsonb NOT NULL DEFAULT '{}',
  token_secret  text NOT NULL,
  updated_at    timestamptz NOT NULL DEFAULT now()
);

-- Append-only. `points` changes the available balance, `pending` the points still inside the return
-- window; an entry's idempotency key is (source_type, source_id, kind), and a source earns at most
-- once whether its points were pending or not (points_ledger_one_earning).
CREATE TABLE points_ledger (
  workspace_id  uuid NOT NULL,
  customer_id   uuid NOT NULL,
  id            uuid NOT NULL,
  kind          text NOT NULL CHECK (kind IN ('earn', 'pending', 'confirm', 'redeem', 'expire', 'adjust', 'reverse')),
  points        bigint NOT NULL,
  pending       bigint NOT NULL DEFAULT 0,
  lot_id        uuid,
  source_type   text NOT NULL,
  source_id     text NOT NULL,
  reason        text,
  available_at  timestamptz,
  expires_at    timestamptz,
  created_at    timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (workspace_id, customer_id, id),
  UNIQUE (workspace_id, source_type, source_id, kind),
  FOREIGN KEY (workspace_id, customer_id) REFERENCES customers (workspace_id, id) ON DELETE CASCADE
);
CREATE UNIQUE INDEX points_ledger_one_earning ON points_ledger (workspace_id, source_type, source_id) WHERE kind IN ('earn', 'pending');
-- A customer's history reads the primary key backwards (ids are UUIDv7, so id order is time order).

CREATE FUNCTION points_ledger_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'points_ledger is append-only: write a reversing entry instead';
END $$;
CREATE TRIGGER points_ledger_no_update BEFORE UPDATE ON points_ledger FOR EACH ROW EXECUTE FUNCTION points_ledger_append_only();

-- What is left of each credit: redemptions draw lots first-expiring-first, expiry zeroes what is left.
-- Invariant: the remaining of a customer's available lots sums to their balance, of pending lots to pending.
CREATE TABLE points_lots (
  workspace_id  uuid NOT NULL,
  customer_id   uuid NOT NULL,
  id            uuid NOT NULL,
  points        bigint NOT NULL CHECK (points > 0),
  remaining     bigint NOT NULL CHECK (remaining >= 0),
  status        text NOT NULL CHECK (status IN ('pending', 'available')),
  source_type   text NOT NULL,
  source_id     text NOT NULL,
  available_at  timestamptz NOT NULL,
  expires_at    timestamptz,
  created_at    timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (workspace_id, customer_id, id),
  CHECK (remaining <= points),
  FOREIGN KEY (workspace_id, customer_id) REFERENCES customers (workspace_id, id) ON DELETE CASCADE
);
-- Few indexes, as every credit writes a lot: a customer's lots are read through the primary key, a
-- source's lot through its ledger entry's lot_id; these two serve confirmation and expiry.
CREATE INDEX points_lots_pending ON points_lots (workspace_id, available_at) WHERE status = 'pending';
CREATE INDEX points_lots_expiry ON points_lots (workspace_id, expires_at) WHERE status = 'available' AND remaining > 0;

-- Sums of the ledger, kept in the same transaction as each entry; the CHECKs make overspending
-- impossible even when redemptions race.
CREATE TABLE points_balances (
  workspace_id  uuid NOT NULL,
  customer_id   uuid NOT NULL,
  balance       bigint NOT NULL DEFAULT 0 CHECK (balance >= 0),
  pending       bigint NOT NULL DEFAULT 0 CHECK (pending >= 0),
  updated_at    timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (workspace_id, customer_id),
  FOREIGN KEY (workspace_id, customer_id) REFERENCES customers (workspace_id, id) ON DELETE CASCADE
);

-- Membership: tier (by rolling 12-month spend or points), the date it is next reviewed for a
-- downgrade, and the customer's referral code.
CREATE TABLE loyalty_members (
  workspace_id    uuid NOT NULL,
  customer_id     uuid NOT NULL,
  tier            text,
  tier_since      timestamptz,
  tier_review_at  timestamptz,
  referral_code   text NOT NULL,
  created_at      timestamptz NOT NULL DEFAULT now(),
  updated_at      timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (workspace_id, customer_id),
  UNIQUE (workspace_id, referral_code),
  FOREIGN KEY (workspace_id, customer_id) REFERENCES customers (workspace_id, id) ON DELETE CASCADE
);
CREATE INDEX loyalty_members_review ON loyalty_members (workspace_id, tier_review_at);

CREATE TABLE loyalty_tier_changes (
  workspace_id  uuid NOT NULL,
  customer_id   uuid NOT NULL,
  id            uuid NOT NULL,
  from_tier     text,
  to_tier       text,
  reason        text NOT NULL CHECK (reason IN ('upgrade', 'downgrade')),
  qualifying    bigint NOT NULL,
  changed_at    timestamptz NOT NULL,
  PRIMARY KEY (workspace_id, customer_id, id),
  FOREIGN KEY (workspace_id, customer_id) REFERENCES customers (workspace_id, id) ON DELETE CASCADE
);

-- The rewards catalog: coupons (issued through the coupon module), gifts with stock, event seats.
CREATE TABLE loyalty_rewards (
  workspace_id        uuid NOT NULL REFERENCES workspaces(id) ON DELETE CASCADE,
  id                  uuid NOT NULL,
  name                text NOT NULL,
  kind                text NOT NULL CHECK (kind IN ('coupon', 'gift', 'event')),
  cost_points         bigint NOT NULL CHECK (cost_points >= 0),
  coupon_campaign_id  uuid,
  -- NULL: unlimited. Lowered by a conditional UPDATE, so concurrent claims cannot oversell.
  stock               int CHECK (stock >= 0),
  min_tier            text,
  event_at            timestamptz,
  active              boolean NOT NULL DEFAULT true,
  created_at          timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (workspace_id, id),
  CHECK ((kind = 'coupon') = (coupon_campaign_id IS NOT NULL))
);

-- Claims of rewards: redeemed with points, or granted (surprise and delight) for free.
CREATE TABLE loyalty_reward_claims (
  workspace_id     uuid NOT NULL,
  customer_id      uuid NOT NULL,
  id               uuid NOT NULL,
  reward_id        uuid NOT NULL,
  points           bigint NOT NULL,
  idempotency_key  text NOT NULL,
  status           text NOT NULL CHECK (status IN ('claimed', 'failed')),
  coupon_code      text,
  created_at       timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (workspace_id, customer_id, id),
  UNIQUE (workspace_id, idempotency_key),
  FOREIGN KEY (workspace_id, reward_id) REFERENCES loyalty_rewards (workspace_id, id),
  FOREIGN KEY (workspace_id, customer_id) REFERENCES customers (workspace_id, id) ON DELETE CASCADE
);
CREATE INDEX loyalty_reward_claims_reward ON loyalty_reward_claims (workspace_id, reward_id);

-- "Surprise and delight": a reward granted once per period to the members of a segment.
CREATE TABLE loyalty_surprise_rules (
  workspace_id  uuid NOT NULL REFERENCES workspaces(id) ON DELETE CASCADE,
  id            uuid NOT NULL,
  name          text NOT NULL,
  reward_id     uuid NOT NULL,
  segment_id    uuid NOT NULL,
  period        text NOT NULL CHECK (period IN ('month', 'quarter', 'year')),
  active        boolean NOT NULL DEFAULT true,
  created_at    timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (workspace_id, id),
  FOREIGN KEY (workspace_id, reward_id) REFERENCES loyalty_rewards (workspace_id, id)
);

-- One row per referred customer: a customer can be referred once.
CREATE TABLE loyalty_referrals (
  workspace_id     uuid NOT NULL,
  id               uuid NOT NULL,
  referrer_id      uuid NOT NULL,
  referee_id       uuid NOT NULL,
  status           text NOT NULL CHECK (status IN ('pending', 'completed', 'rejected', 'reversed')),
  reject_reason    text,
  first_order_id   uuid,
  created_at       timestamptz NOT NULL DEFAULT now(),
  completed_at     timestamptz,
  PRIMARY KEY (workspace_id, id),
  UNIQUE (workspace_id, referee_id),
  FOREIGN KEY (workspace_id, referrer_id) REFERENCES customers (workspace_id, id) ON DELETE CASCADE,
  FOREIGN KEY (workspace_id, referee_id) REFERENCES customers (workspace_id, id) ON DELETE CASCADE
);
CREATE INDEX loyalty_referrals_referrer ON loyalty_referrals (workspace_id, referrer_id);
CREATE INDEX loyalty_referrals_pending ON loyalty_referrals (workspace_id, status) WHERE status = 'pending';
