-- B2B accounts group customers (their users); subscriptions carry the recurring revenue.
CREATE TABLE accounts (
  workspace_id  uuid NOT NULL REFERENCES workspaces(id) ON DELETE CASCADE,
  id            uuid NOT NULL,
  external_id   text NOT NULL,
  name          text,
  domain        text,
  attributes    jsonb NOT NULL DEFAULT '{}',
  created_at    timestamptz NOT NULL DEFAULT now(),
  updated_at    timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (workspace_id, id),
  UNIQUE (workspace_id, external_id)
);

CREATE TABLE subscriptions (
  workspace_id   uuid NOT NULL,
  account_id     uuid NOT NULL,
  id             uuid NOT NULL,
  external_id    text NOT NULL,
  plan           text NOT NULL,
  seats          int NOT NULL DEFAULT 1 CHECK (seats >= 0),
  mrr_minor      bigint NOT NULL CHECK (mrr_minor >= 0),
  currency       char(3) NOT NULL,
  status         text NOT NULL CHECK (status IN ('trialing', 'active', 'past_due', 'canceled')),
  started_at     timestamptz NOT NULL,
  renews_at      timestamptz,
  canceled_at    timestamptz,
  created_at     timestamptz NOT NULL DEFAULT now(),
  updated_at     timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (workspace_id, account_id, id),
  UNIQUE (workspace_id, external_id),
  FOREIGN KEY (workspace_id, account_id) REFERENCES accounts (workspace_id, id) ON DELETE CASCADE
);
CREATE INDEX subscriptions_renewal ON subscriptions (workspace_id, renews_at);

-- Column list on SET NULL (PostgreSQL 15+) keeps workspace_id, which is part of the key.
ALTER TABLE customers ADD FOREIGN KEY (workspace_id, account_id)
  REFERENCES accounts (workspace_id, id) ON DELETE SET NULL (account_id);
CREATE INDEX customers_account ON customers (workspace_id, account_id) WHERE account_id IS NOT NULL;
