-- Citus (docs/scale-out.md): surveys are sharded by workspace, where a unique index on public_key
-- alone cannot hold. An anonymous link (/s/p/<key>) carries only the key, so this small reference
-- table says whose survey a key opens; its primary key keeps every key unique across workspaces
-- (a key opens one survey). Written in the survey's own transaction. No foreign key to surveys:
-- a reference table may not point at a distributed one (surveys go only with their workspace).
CREATE TABLE survey_public_keys (
  public_key    text PRIMARY KEY,
  workspace_id  uuid NOT NULL REFERENCES workspaces(id) ON DELETE CASCADE,
  survey_id     uuid NOT NULL
);
INSERT INTO survey_public_keys (public_key, workspace_id, survey_id) SELECT public_key, workspace_id, id FROM surveys;

DROP INDEX surveys_public_key;
CREATE UNIQUE INDEX surveys_public_key ON surveys (workspace_id, public_key);
