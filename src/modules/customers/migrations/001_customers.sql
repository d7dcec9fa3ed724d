CREATE TABLE customers (
  workspace_id      uuid NOT NULL REFERENCES workspaces(id) ON DELETE CASCADE,
  id                uuid NOT NULL,
  -- The client's id (Segment userId), kept as given. Null for anonymous visitors and erased people.
  external_id       text,
  email             text,
  phone             text,            -- E.164
  line_user_id      text,
  family_name       text,
  given_name        text,
  family_name_kana  text,
  given_name_kana   text,
  birthday          date,
  postal_code       char(7),         -- 郵便番号, digits only
  prefecture        text,            -- 都道府県
  city              text,            -- 市区町村
  address_line1     text,            -- 番地
  address_line2     text,            -- 建物
  country           char(2),
  locale            text,
  time_zone         text,
  account_id        uuid,
  attributes        jsonb NOT NULL DEFAULT '{}',
  erased_at         timestamptz,
  created_at        timestamptz NOT NULL DEFAULT now(),
  updated_at        timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (workspace_id, id),
  UNIQUE (workspace_id, external_id)
);
CREATE INDEX customers_email ON customers (workspace_id, lower(email));
CREATE INDEX customers_updated ON customers (workspace_id, updated_at, id);

-- Segment anonymousIds (and alias previousIds) that point at a customer.
CREATE TABLE customer_aliases (
  workspace_id  uuid NOT NULL,
  alias         text NOT NULL,
  customer_id   uuid NOT NULL,
  created_at    timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (workspace_id, alias),
  FOREIGN KEY (workspace_id, customer_id) REFERENCES customers (workspace_id, id) ON DELETE CASCADE
);
CREATE INDEX customer_aliases_customer ON customer_aliases (workspace_id, customer_id);

-- Consent is a history, never overwritten: 特定電子メール法 asks us to keep the record of each opt-in.
CREATE TABLE consents (
  workspace_id  uuid NOT NULL,
  customer_id   uuid NOT NULL,
  id            uuid NOT NULL,
  channel       text NOT NULL CHECK (channel IN ('email', 'sms', 'line', 'push', 'dm', 'phone')),
  status        text NOT NULL CHECK (status IN ('opted_in', 'opted_out')),
  source        text NOT NULL,
  recorded_at   timestamptz NOT NULL,
  created_at    timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (workspace_id, customer_id, id),
  FOREIGN KEY (workspace_id, customer_id) REFERENCES customers (workspace_id, id) ON DELETE CASCADE
);
CREATE INDEX consents_latest ON consents (workspace_id, customer_id, channel, recorded_at DESC);

-- Hashes of erased or unsubscribed addresses: we must not message them again, and must not keep them readable.
CREATE TABLE suppressions (
  workspace_id  uuid NOT NULL REFERENCES workspaces(id) ON DELETE CASCADE,
  value_hash    text NOT NULL,
  kind          text NOT NULL CHECK (kind IN ('email', 'phone', 'line')),
  reason        text NOT NULL,
  created_at    timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (workspace_id, value_hash)
);
