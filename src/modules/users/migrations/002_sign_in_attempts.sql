-- Failed sign-in attempts, for throttling by email and by client IP (throttle.ts). Not per
-- workspace: a sign-in names only an email, which may belong to no workspace. Keys are SHA-256
-- hashes, so addresses typed by strangers are not kept. Every attempt deletes all rows older than
-- the window (any key), and a successful sign-in clears its email's rows.
CREATE TABLE sign_in_attempts (
  scope      text NOT NULL CHECK (scope IN ('email', 'ip')),
  key        text NOT NULL,
  id         uuid NOT NULL,
  failed_at  timestamptz NOT NULL,
  PRIMARY KEY (scope, key, id)
);
CREATE INDEX sign_in_attempts_recent ON sign_in_attempts (scope, key, failed_at);
CREATE INDEX sign_in_attempts_age ON sign_in_attempts (failed_at);
