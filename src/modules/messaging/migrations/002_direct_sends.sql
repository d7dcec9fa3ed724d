-- Single sends (a journey's send step) reuse the campaign row as the message definition: template,
-- channel and class, without a segment. `source` keeps them out of the campaign list.
ALTER TABLE campaigns ALTER COLUMN segment_id DROP NOT NULL;
ALTER TABLE campaigns ADD COLUMN source text NOT NULL DEFAULT 'campaign' CHECK (source IN ('campaign', 'journey'));
