-- Money is integer minor units of the order's currency (JPY has none).
CREATE TABLE orders (
  workspace_id     uuid NOT NULL,
  customer_id      uuid NOT NULL,
  id               uuid NOT NULL,
  external_id      text NOT NULL,
  status           text NOT NULL CHECK (status IN ('pending', 'completed', 'cancelled')),
  currency         char(3) NOT NULL,
  subtotal_minor   bigint NOT NULL DEFAULT 0,
  discount_minor   bigint NOT NULL DEFAULT 0,
  tax_minor        bigint NOT NULL DEFAULT 0,
  shipping_minor   bigint NOT NULL DEFAULT 0,
  total_minor      bigint NOT NULL,
  -- Sum of refunds; net revenue is total - refunded, and 0 for a cancelled order.
  refunded_minor   bigint NOT NULL DEFAULT 0,
  coupon_code      text,
  ordered_at       timestamptz NOT NULL,
  attributes       jsonb NOT NULL DEFAULT '{}',
  created_at       timestamptz NOT NULL DEFAULT now(),
  updated_at       timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (workspace_id, customer_id, id),
  UNIQUE (workspace_id, external_id),
  FOREIGN KEY (workspace_id, customer_id) REFERENCES customers (workspace_id, id) ON DELETE CASCADE,
  CHECK (refunded_minor >= 0 AND refunded_minor <= total_minor)
);
CREATE INDEX orders_customer_time ON orders (workspace_id, customer_id, ordered_at);
CREATE INDEX orders_time ON orders (workspace_id, ordered_at);

-- Children follow ON UPDATE CASCADE when an anonymous visitor's orders move to the identified customer.
CREATE TABLE order_lines (
  workspace_id      uuid NOT NULL,
  customer_id       uuid NOT NULL,
  order_id          uuid NOT NULL,
  line_no           int NOT NULL,
  product_id        uuid,
  sku               text,
  name              text,
  category          text,
  quantity          int NOT NULL CHECK (quantity > 0),
  unit_price_minor  bigint NOT NULL,
  total_minor       bigint NOT NULL,
  PRIMARY KEY (workspace_id, customer_id, order_id, line_no),
  FOREIGN KEY (workspace_id, customer_id, order_id) REFERENCES orders (workspace_id, customer_id, id) ON DELETE CASCADE ON UPDATE CASCADE
);
CREATE INDEX order_lines_product ON order_lines (workspace_id, product_id);

CREATE TABLE refunds (
  workspace_id   uuid NOT NULL,
  customer_id    uuid NOT NULL,
  id             uuid NOT NULL,
  order_id       uuid NOT NULL,
  external_id    text NOT NULL,
  amount_minor   bigint NOT NULL CHECK (amount_minor > 0),
  reason         text,
  refunded_at    timestamptz NOT NULL,
  created_at     timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (workspace_id, customer_id, id),
  UNIQUE (workspace_id, external_id),
  FOREIGN KEY (workspace_id, customer_id, order_id) REFERENCES orders (workspace_id, customer_id, id) ON DELETE CASCADE ON UPDATE CASCADE
);
