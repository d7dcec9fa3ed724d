-- Citus (docs/scale-out.md): ugc_campaigns is sharded by workspace, where a unique index on id alone
-- cannot hold. The public entry page (/enter/<id>) knows only the campaign id, so this small
-- reference table says whose campaign it is (its primary key keeps ids unique across workspaces).
-- Written and deleted in the campaign's own transaction. No foreign key to ugc_campaigns: a
-- reference table may not point at a distributed one.
CREATE TABLE ugc_public_campaigns (
  campaign_id   uuid PRIMARY KEY,
  workspace_id  uuid NOT NULL REFERENCES workspaces(id) ON DELETE CASCADE
);
INSERT INTO ugc_public_campaigns (campaign_id, workspace_id) SELECT id, workspace_id FROM ugc_campaigns;

-- The primary key (workspace_id, id) is the campaign's key now.
DROP INDEX ugc_campaigns_id;
