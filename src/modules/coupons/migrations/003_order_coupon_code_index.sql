-- Campaign stats find the orders that report one of the campaign's codes in orders.coupon_code,
-- normalized the way codes are stored (upper case, no spaces or hyphens). Without this index that
-- join reads every order of the workspace that carries a coupon code; with it, each of the
-- campaign's codes looks up its orders. The expression must stay identical to the one in
-- CouponService.stats.
CREATE INDEX orders_coupon_code_normalized ON orders (workspace_id, upper(regexp_replace(coupon_code, '[\s-]', '', 'g')))
  WHERE coupon_code IS NOT NULL;
