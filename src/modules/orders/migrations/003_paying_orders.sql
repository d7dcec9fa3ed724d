-- The one definition of a counted purchase, published for the modules that aggregate orders in SQL
-- (segments, intelligence, loyalty, messaging): a completed order whose net revenue after refunds
-- is above zero (a cancelled, pending or fully refunded order does not count). net_minor is what
-- it counts for. A plain view: PostgreSQL inlines it, so plans are those of the query on orders.
-- It holds every currency: readers that add money up across orders filter `currency` to the
-- workspace's (intelligence, loyalty's referral revenue); docs/architecture.md lists the readers.
CREATE VIEW paying_orders AS
  SELECT workspace_id, customer_id, id, external_id, currency, total_minor, refunded_minor,
         total_minor - refunded_minor AS net_minor, coupon_code, ordered_at
  FROM orders
  WHERE status = 'completed' AND total_minor > refunded_minor;
