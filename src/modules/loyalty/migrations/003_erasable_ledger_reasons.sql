-- Erasure (APPI/GDPR) may clear the free-text reason of a ledger entry, which staff may have written
-- about the person; any other change to an entry is still refused.
CREATE OR REPLACE FUNCTION points_ledger_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF NEW.reason IS NULL AND (to_jsonb(NEW) - 'reason') = (to_jsonb(OLD) - 'reason') THEN
    RETURN NEW;
  END IF;
  RAISE EXCEPTION 'points_ledger is append-only: write a reversing entry instead';
END $$;
