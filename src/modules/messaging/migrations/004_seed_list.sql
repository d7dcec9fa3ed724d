-- The seed list: addresses an admin allows test sends to, besides the emails of the workspace's own
-- users (docs/security.md). A test send renders a real customer's message, so it must never go to
-- an address a key holder simply typed.
CREATE TABLE messaging_seed_addresses (
  workspace_id  uuid NOT NULL REFERENCES workspaces(id) ON DELETE CASCADE,
  address       text NOT NULL,
  created_at    timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (workspace_id, address)
);
