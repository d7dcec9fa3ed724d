-- The workspace's own sites, the only pages allowed to frame the survey widget (?embed=1): the
-- hosted page's frame-ancestors is built from them. Empty: the widget cannot be framed anywhere.
ALTER TABLE survey_settings ADD COLUMN embed_origins text[] NOT NULL DEFAULT '{}';
