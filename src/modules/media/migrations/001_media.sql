-- Images uploaded for email templates (the visual editor). The bytes live in the database so API
-- workers stay stateless. The id is the SHA-256 of the workspace id and the bytes: the same image
-- uploaded twice is one row, the URL never changes meaning (served as immutable), and it is
-- unguessable without both, so one workspace cannot probe for another's images.
CREATE TABLE media_images (
  workspace_id  uuid NOT NULL REFERENCES workspaces(id) ON DELETE CASCADE,
  id            text NOT NULL CHECK (id ~ '^[0-9a-f]{64}$'),
  content_type  text NOT NULL CHECK (content_type IN ('image/png', 'image/jpeg', 'image/gif', 'image/webp')),
  bytes         bytea NOT NULL,
  size          integer NOT NULL,
  name          text NOT NULL DEFAULT '',
  created_at    timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (workspace_id, id)
);
CREATE INDEX media_images_recent ON media_images (workspace_id, created_at DESC);
