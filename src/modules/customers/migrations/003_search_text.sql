-- Customer search as people type (src/modules/customers/searchText.ts): the folded text a customer is
-- found by (names, kana as katakana, romaji of the kana, email in lower case, phone digits in E.164 and
-- national form) is kept on write by CustomerService; existing rows are filled by backfillSearchText,
-- which src/db/migrate.ts runs right after this file, in the same transaction.
ALTER TABLE customers ADD COLUMN search_text text;
DROP INDEX IF EXISTS customers_search;
CREATE INDEX customers_search_text ON customers USING gin (search_text gin_trgm_ops) WHERE erased_at IS NULL;
