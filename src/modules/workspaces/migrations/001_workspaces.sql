-- Workspaces are tenants. Every other table carries workspace_id so the schema can be sharded later.
CREATE TABLE workspaces (
  id          uuid PRIMARY KEY,
  name        text NOT NULL,
  currency    char(3) NOT NULL DEFAULT 'JPY',
  time_zone   text NOT NULL DEFAULT 'Asia/Tokyo',
  locale      text NOT NULL DEFAULT 'ja',
  created_at  timestamptz NOT NULL DEFAULT now()
);

-- Only a SHA-256 of the key is stored: keys are 32 random bytes, so a slow hash buys nothing.
CREATE TABLE api_keys (
  workspace_id  uuid NOT NULL REFERENCES workspaces(id) ON DELETE CASCADE,
  id            uuid NOT NULL,
  name          text NOT NULL,
  prefix        text NOT NULL,
  key_hash      text NOT NULL UNIQUE,
  scopes        text[] NOT NULL,
  created_at    timestamptz NOT NULL DEFAULT now(),
  last_used_at  timestamptz,
  revoked_at    timestamptz,
  PRIMARY KEY (workspace_id, id)
);

-- Idempotency-Key on POSTs: the first response is kept and replayed.
CREATE TABLE idempotency_keys (
  workspace_id  uuid NOT NULL REFERENCES workspaces(id) ON DELETE CASCADE,
  key           text NOT NULL,
  request_hash  text NOT NULL,
  status_code   int NOT NULL,
  response      jsonb NOT NULL,
  created_at    timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (workspace_id, key)
);
