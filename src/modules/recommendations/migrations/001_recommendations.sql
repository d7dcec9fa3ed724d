-- The item-to-item model: each product's top-K neighbours per kind, rebuilt as a whole by
-- recommendations.rebuild. related: co-occurrence in customers' histories (purchases and views);
-- bought_together: co-occurrence within one order. Reads are range scans of the primary key.
CREATE TABLE product_similarities (
  workspace_id        uuid NOT NULL,
  product_id          uuid NOT NULL,
  kind                text NOT NULL CHECK (kind IN ('related', 'bought_together')),
  rank                int NOT NULL,
  related_product_id  uuid NOT NULL,
  score               double precision NOT NULL,
  -- Baskets (orders or customers) that contain both products.
  support             int NOT NULL,
  PRIMARY KEY (workspace_id, product_id, kind, rank),
  FOREIGN KEY (workspace_id, product_id) REFERENCES products (workspace_id, id) ON DELETE CASCADE,
  FOREIGN KEY (workspace_id, related_product_id) REFERENCES products (workspace_id, id) ON DELETE CASCADE
);

-- Popularity (recency-weighted purchases: the fallback and the evaluation's baseline) and repeat purchase.
CREATE TABLE product_popularity (
  workspace_id     uuid NOT NULL,
  product_id       uuid NOT NULL,
  score            double precision NOT NULL,
  buyers           int NOT NULL,
  repeat_buyers    int NOT NULL,
  repeat_purchase  boolean NOT NULL,
  PRIMARY KEY (workspace_id, product_id),
  FOREIGN KEY (workspace_id, product_id) REFERENCES products (workspace_id, id) ON DELETE CASCADE
);
CREATE INDEX product_popularity_rank ON product_popularity (workspace_id, score DESC);

-- The last build of each workspace's model.
CREATE TABLE recommendation_models (
  workspace_id  uuid PRIMARY KEY REFERENCES workspaces(id) ON DELETE CASCADE,
  built_at      timestamptz NOT NULL,
  orders        int NOT NULL,
  customers     int NOT NULL,
  products      int NOT NULL,
  pairs         int NOT NULL,
  seconds       double precision NOT NULL
);
