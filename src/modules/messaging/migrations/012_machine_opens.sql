-- Opens split by who opened: a person, or a machine (a mail provider's proxy fetching the pixel,
-- as Apple Mail Privacy Protection does for every message on delivery). opened_at stays the first
-- open of either kind; rows opened before this migration have neither and count as human opens.
ALTER TABLE deliveries ADD COLUMN human_opened_at timestamptz, ADD COLUMN machine_opened_at timestamptz;
