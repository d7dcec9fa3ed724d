-- Substring search over names, kana, email and external id (the web app's customer search).
-- The expression must stay identical to SEARCH_TEXT in ../rows.ts, or the planner will not use it.
CREATE EXTENSION IF NOT EXISTS pg_trgm;
CREATE INDEX customers_search ON customers USING gin (
  (coalesce(email, '') || ' ' || coalesce(external_id, '') || ' ' || coalesce(family_name, '') || coalesce(given_name, '')
   || ' ' || coalesce(family_name_kana, '') || coalesce(given_name_kana, '')) gin_trgm_ops
) WHERE erased_at IS NULL;
