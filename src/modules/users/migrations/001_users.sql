-- People who sign in to the web app. An email is unique across workspaces (case-insensitively), so
-- signing in needs only email and password; someone in two workspaces uses two addresses.
CREATE TABLE users (
  workspace_id   uuid NOT NULL REFERENCES workspaces(id) ON DELETE CASCADE,
  id             uuid NOT NULL,
  email          text NOT NULL,
  name           text,
  role           text NOT NULL CHECK (role IN ('admin', 'marketer', 'analyst')),
  password_hash  text NOT NULL,
  created_at     timestamptz NOT NULL DEFAULT now(),
  last_login_at  timestamptz,
  PRIMARY KEY (workspace_id, id)
);
CREATE UNIQUE INDEX users_email ON users (lower(email));

-- Browser sessions. Like API keys only a SHA-256 of the cookie's token is stored (32 random bytes:
-- a slow hash buys nothing); the CSRF token is not a credential on its own and is kept as is.
CREATE TABLE sessions (
  workspace_id  uuid NOT NULL,
  id            uuid NOT NULL,
  user_id       uuid NOT NULL,
  token_hash    text NOT NULL UNIQUE,
  csrf_token    text NOT NULL,
  created_at    timestamptz NOT NULL DEFAULT now(),
  expires_at    timestamptz NOT NULL,
  revoked_at    timestamptz,
  PRIMARY KEY (workspace_id, id),
  FOREIGN KEY (workspace_id, user_id) REFERENCES users (workspace_id, id) ON DELETE CASCADE
);
CREATE INDEX sessions_user ON sessions (workspace_id, user_id);
