-- Orders are addressed by their own id too (REST, line replacement, refund totals), and the primary
-- keys lead with customer_id for sharding; without these, such lookups scan the workspace.
CREATE INDEX orders_id ON orders (workspace_id, id);
CREATE INDEX order_lines_order ON order_lines (workspace_id, order_id);
