-- Single ledger operations as server-side functions: one round trip does the balance lock, the
-- checks, the lot FIFO and the append, and PL/pgSQL keeps the statements' plans per connection.
-- Each call is one statement, so atomic on its own; inside a caller's transaction it joins it.
-- Lock order as in ledger.ts: the customer's balance row first, then their lots.

-- Writes credits (arrays, one element per credit, sorted by customer by the caller so concurrent
-- batches take balance locks in one order): entries whose key exists are skipped (idempotent by
-- source), lots are opened for the rest and balances raised. Returns the entries written.
CREATE FUNCTION points_credit(
  p_workspace uuid, p_now timestamptz, p_customers uuid[], p_ids uuid[], p_lot_ids uuid[], p_kinds text[], p_points bigint[],
  p_source_types text[], p_source_ids text[], p_reasons text[], p_available_at timestamptz[], p_expires_at timestamptz[])
RETURNS SETOF points_ledger
LANGUAGE plpgsql AS $$
BEGIN
  RETURN QUERY
  WITH x AS (
    SELECT * FROM unnest(p_customers, p_ids, p_lot_ids, p_kinds, p_points, p_source_types, p_source_ids, p_reasons, p_available_at, p_expires_at)
      AS x(customer_id, id, lot_id, kind, points, source_type, source_id, reason, available_at, expires_at)),
  ins AS (
    INSERT INTO points_ledger AS e (workspace_id, customer_id, id, kind, points, pending, lot_id, source_type, source_id, reason, available_at, expires_at, created_at)
    SELECT p_workspace, x.customer_id, x.id, x.kind, CASE WHEN x.kind = 'pending' THEN 0 ELSE x.points END, CASE WHEN x.kind = 'pending' THEN x.points ELSE 0 END,
           CASE WHEN x.points > 0 THEN x.lot_id END, x.source_type, x.source_id, x.reason, x.available_at, x.expires_at, p_now
    FROM x
    ON CONFLICT DO NOTHING
    RETURNING e.*),
  lots AS (
    INSERT INTO points_lots (workspace_id, customer_id, id, points, remaining, status, source_type, source_id, available_at, expires_at, created_at)
    SELECT p_workspace, ins.customer_id, ins.lot_id, ins.points + ins.pending, ins.points + ins.pending, CASE WHEN ins.pending > 0 THEN 'pending' ELSE 'available' END,
           ins.source_type, ins.source_id, ins.available_at, ins.expires_at, ins.created_at
    FROM ins WHERE ins.lot_id IS NOT NULL),
  bal AS (
    INSERT INTO points_balances AS b (workspace_id, customer_id, balance, pending)
    SELECT p_workspace, ins.customer_id, sum(ins.points), sum(ins.pending) FROM ins GROUP BY ins.customer_id ORDER BY ins.customer_id
    ON CONFLICT (workspace_id, customer_id) DO UPDATE
      SET balance = b.balance + EXCLUDED.balance, pending = b.pending + EXCLUDED.pending, updated_at = now())
  SELECT * FROM ins;
END $$;

-- Lowers a customer's available lots by p_points, first-expiring first. The caller holds the balance lock.
CREATE FUNCTION points_draw_lots(p_workspace uuid, p_customer uuid, p_points bigint) RETURNS void
LANGUAGE plpgsql AS $$
BEGIN
  IF p_points <= 0 THEN RETURN; END IF;
  -- All the customer's lots through the primary key, empty ones counting 0: a predicate on status
  -- would let the planner pick the workspace-wide expiry index.
  WITH lots AS (
    SELECT l.id, CASE WHEN l.status = 'available' THEN l.remaining ELSE 0 END AS open, l.expires_at, l.created_at
    FROM points_lots l WHERE l.workspace_id = p_workspace AND l.customer_id = p_customer),
  drawn AS (SELECT lots.id, lots.open, sum(lots.open) OVER (ORDER BY lots.expires_at NULLS LAST, lots.created_at, lots.id) - lots.open AS before FROM lots)
  UPDATE points_lots l SET remaining = l.remaining - least(d.open, p_points - d.before)
  FROM drawn d
  WHERE l.workspace_id = p_workspace AND l.customer_id = p_customer AND l.id = d.id AND d.open > 0 AND d.before < p_points;
END $$;

-- Takes p_points from the available balance. outcome: 'written'; 'replayed' (the key exists: entry is
-- the earlier one, nothing written); 'short' (too few points: nothing written, balance_after is the
-- balance). The key is checked before the balance, so a replay never reports 'short'.
CREATE FUNCTION points_debit(
  p_workspace uuid, p_customer uuid, p_id uuid, p_kind text, p_points bigint,
  p_source_type text, p_source_id text, p_reason text, p_now timestamptz,
  OUT outcome text, OUT balance_after bigint, OUT entry points_ledger)
LANGUAGE plpgsql AS $$
DECLARE
  v_balance bigint;
BEGIN
  SELECT b.balance INTO v_balance FROM points_balances b
  WHERE b.workspace_id = p_workspace AND b.customer_id = p_customer FOR UPDATE;
  SELECT e.* INTO entry FROM points_ledger e
  WHERE e.workspace_id = p_workspace AND e.source_type = p_source_type AND e.source_id = p_source_id AND e.kind = p_kind;
  IF FOUND THEN
    outcome := 'replayed'; balance_after := v_balance; RETURN;
  END IF;
  IF v_balance IS NULL OR v_balance < p_points THEN
    outcome := 'short'; balance_after := coalesce(v_balance, 0); entry := NULL; RETURN;
  END IF;
  INSERT INTO points_ledger (workspace_id, customer_id, id, kind, points, source_type, source_id, reason, created_at)
  VALUES (p_workspace, p_customer, p_id, p_kind, -p_points, p_source_type, p_source_id, p_reason, p_now)
  ON CONFLICT DO NOTHING
  RETURNING * INTO entry;
  IF NOT FOUND THEN
    -- The same key written meanwhile for another customer (whose balance lock we do not hold).
    SELECT e.* INTO entry FROM points_ledger e
    WHERE e.workspace_id = p_workspace AND e.source_type = p_source_type AND e.source_id = p_source_id AND e.kind = p_kind;
    outcome := 'replayed'; balance_after := v_balance; RETURN;
  END IF;
  UPDATE points_balances b SET balance = b.balance - p_points, updated_at = now()
  WHERE b.workspace_id = p_workspace AND b.customer_id = p_customer;
  PERFORM points_draw_lots(p_workspace, p_customer, p_points);
  outcome := 'written'; balance_after := v_balance - p_points;
END $$;

-- Takes back up to p_points that a source earned: from that source's lot first (pending or not),
-- then from the rest of the available balance, never below zero; the entry's reason says how many
-- points were already spent. entry is NULL when the key was already used.
CREATE FUNCTION points_reverse(
  p_workspace uuid, p_customer uuid, p_id uuid, p_earned_source_type text, p_earned_source_id text, p_points bigint,
  p_source_type text, p_source_id text, p_reason text, p_now timestamptz,
  OUT entry points_ledger)
LANGUAGE plpgsql AS $$
DECLARE
  v_balance bigint;
  v_lot_id uuid;
  v_lot_remaining bigint;
  v_lot_status text;
  v_from_lot bigint := 0;
  v_pending_part bigint := 0;
  v_available_from_lot bigint := 0;
  v_from_rest bigint;
  v_shortfall bigint;
BEGIN
  INSERT INTO points_balances (workspace_id, customer_id) VALUES (p_workspace, p_customer) ON CONFLICT DO NOTHING;
  SELECT b.balance INTO v_balance FROM points_balances b
  WHERE b.workspace_id = p_workspace AND b.customer_id = p_customer FOR UPDATE;
  PERFORM 1 FROM points_ledger e
  WHERE e.workspace_id = p_workspace AND e.source_type = p_source_type AND e.source_id = p_source_id AND e.kind = 'reverse';
  IF FOUND THEN
    entry := NULL; RETURN;
  END IF;
  -- The source's lot, through its earning entry (the idempotency index), so lots need no source index.
  SELECT l.id, l.remaining, l.status INTO v_lot_id, v_lot_remaining, v_lot_status
  FROM points_ledger e
  JOIN points_lots l ON l.workspace_id = e.workspace_id AND l.customer_id = e.customer_id AND l.id = e.lot_id
  WHERE e.workspace_id = p_workspace AND e.customer_id = p_customer AND e.source_type = p_earned_source_type
    AND e.source_id = p_earned_source_id AND e.kind IN ('earn', 'pending');
  IF v_lot_id IS NOT NULL THEN
    v_from_lot := least(p_points, v_lot_remaining);
    IF v_lot_status = 'pending' THEN v_pending_part := v_from_lot; ELSE v_available_from_lot := v_from_lot; END IF;
    IF v_from_lot > 0 THEN
      UPDATE points_lots l SET remaining = l.remaining - v_from_lot
      WHERE l.workspace_id = p_workspace AND l.customer_id = p_customer AND l.id = v_lot_id;
    END IF;
  END IF;
  v_from_rest := least(p_points - v_from_lot, v_balance - v_available_from_lot);
  v_shortfall := p_points - v_from_lot - v_from_rest;
  PERFORM points_draw_lots(p_workspace, p_customer, v_from_rest);
  UPDATE points_balances b
  SET balance = b.balance - (v_available_from_lot + v_from_rest), pending = b.pending - v_pending_part, updated_at = now()
  WHERE b.workspace_id = p_workspace AND b.customer_id = p_customer;
  INSERT INTO points_ledger (workspace_id, customer_id, id, kind, points, pending, lot_id, source_type, source_id, reason, created_at)
  VALUES (p_workspace, p_customer, p_id, 'reverse', -(v_available_from_lot + v_from_rest), -v_pending_part, v_lot_id, p_source_type, p_source_id,
          CASE WHEN v_shortfall > 0 THEN format('%s (%s points already spent, not recovered)', p_reason, v_shortfall) ELSE p_reason END, p_now)
  RETURNING * INTO entry;
END $$;
