-- A debit or reversal draws the customer's lots first-expiring first, lot by lot until the points
-- are covered, usually one or two lots. The set-based version (migration 002) ran its running sum
-- again for every lot it joined, so its cost grew with the square of the customer's lots: about
-- 0.1 ms with 5 lots, 1 ms with 25 and 6 ms with 65, against 0.05 to 0.2 ms for this one.
-- All the customer's lots are read through the primary key: the predicate on status and remaining
-- is written so that the planner cannot take the workspace-wide expiry index for it.
-- The caller holds the customer's balance lock, so no one else changes these lots meanwhile.
CREATE OR REPLACE FUNCTION points_draw_lots(p_workspace uuid, p_customer uuid, p_points bigint) RETURNS void
LANGUAGE plpgsql AS $$
DECLARE
  v_left bigint := p_points;
  v_take bigint;
  v_lot record;
BEGIN
  IF p_points <= 0 THEN RETURN; END IF;
  FOR v_lot IN
    SELECT l.id, l.remaining FROM points_lots l
    WHERE l.workspace_id = p_workspace AND l.customer_id = p_customer AND (CASE WHEN l.status = 'available' THEN l.remaining ELSE 0 END) > 0
    ORDER BY l.expires_at NULLS LAST, l.created_at, l.id
  LOOP
    v_take := least(v_lot.remaining, v_left);
    UPDATE points_lots l SET remaining = l.remaining - v_take
    WHERE l.workspace_id = p_workspace AND l.customer_id = p_customer AND l.id = v_lot.id;
    v_left := v_left - v_take;
    EXIT WHEN v_left = 0;
  END LOOP;
END $$;
