CREATE TABLE products (
  workspace_id  uuid NOT NULL REFERENCES workspaces(id) ON DELETE CASCADE,
  id            uuid NOT NULL,
  sku           text NOT NULL,
  name          text,
  category      text,
  price_minor   bigint,
  currency      char(3),
  attributes    jsonb NOT NULL DEFAULT '{}',
  created_at    timestamptz NOT NULL DEFAULT now(),
  updated_at    timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (workspace_id, id),
  UNIQUE (workspace_id, sku)
);
CREATE INDEX products_category ON products (workspace_id, category);
