-- Invitations to join a workspace: an admin names the email and role, the person opens the link
-- and chooses a password. Like sessions, only a SHA-256 of the link's token is stored.
CREATE TABLE user_invitations (
  workspace_id  uuid NOT NULL REFERENCES workspaces(id) ON DELETE CASCADE,
  id            uuid NOT NULL,
  email         text NOT NULL,
  name          text,
  role          text NOT NULL CHECK (role IN ('admin', 'marketer', 'analyst')),
  token_hash    text NOT NULL UNIQUE,
  invited_by    uuid,
  created_at    timestamptz NOT NULL DEFAULT now(),
  expires_at    timestamptz NOT NULL,
  accepted_at   timestamptz,
  revoked_at    timestamptz,
  PRIMARY KEY (workspace_id, id)
);
-- One open invitation per address and workspace: inviting again replaces it.
CREATE UNIQUE INDEX user_invitations_open_email ON user_invitations (workspace_id, lower(email)) WHERE accepted_at IS NULL AND revoked_at IS NULL;
