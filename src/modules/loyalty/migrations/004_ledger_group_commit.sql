-- Group commit (groupCommit.ts): concurrent single credits, or debits, of a workspace share one
-- call and one commit. Their callers' times differ, so points_credit takes each credit's time.
DROP FUNCTION points_credit(uuid, timestamptz, uuid[], uuid[], uuid[], text[], bigint[], text[], text[], text[], timestamptz[], timestamptz[]);
CREATE FUNCTION points_credit(
  p_workspace uuid, p_created_at timestamptz[], p_customers uuid[], p_ids uuid[], p_lot_ids uuid[], p_kinds text[], p_points bigint[],
  p_source_types text[], p_source_ids text[], p_reasons text[], p_available_at timestamptz[], p_expires_at timestamptz[])
RETURNS SETOF points_ledger
LANGUAGE plpgsql AS $$
BEGIN
  RETURN QUERY
  WITH x AS (
    SELECT * FROM unnest(p_customers, p_ids, p_lot_ids, p_kinds, p_points, p_source_types, p_source_ids, p_reasons, p_available_at, p_expires_at, p_created_at)
      AS x(customer_id, id, lot_id, kind, points, source_type, source_id, reason, available_at, expires_at, created_at)),
  ins AS (
    INSERT INTO points_ledger AS e (workspace_id, customer_id, id, kind, points, pending, lot_id, source_type, source_id, reason, available_at, expires_at, created_at)
    SELECT p_workspace, x.customer_id, x.id, x.kind, CASE WHEN x.kind = 'pending' THEN 0 ELSE x.points END, CASE WHEN x.kind = 'pending' THEN x.points ELSE 0 END,
           CASE WHEN x.points > 0 THEN x.lot_id END, x.source_type, x.source_id, x.reason, x.available_at, x.expires_at, x.created_at
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

-- Debits in the given order (the caller sorts them by customer, for the lock order), each as
-- points_debit does it alone: a short balance or a replay is that debit's outcome, not an error.
CREATE FUNCTION points_debit_each(
  p_workspace uuid, p_customers uuid[], p_ids uuid[], p_kinds text[], p_points bigint[],
  p_source_types text[], p_source_ids text[], p_reasons text[], p_now timestamptz[])
RETURNS TABLE (ord int, outcome text, balance_after bigint, entry points_ledger)
LANGUAGE plpgsql AS $$
DECLARE
  d record;
BEGIN
  FOR i IN 1 .. cardinality(p_ids) LOOP
    SELECT * INTO d FROM points_debit(p_workspace, p_customers[i], p_ids[i], p_kinds[i], p_points[i], p_source_types[i], p_source_ids[i], p_reasons[i], p_now[i]);
    ord := i; outcome := d.outcome; balance_after := d.balance_after; entry := d.entry;
    RETURN NEXT;
  END LOOP;
END $$;
