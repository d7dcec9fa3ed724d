-- Sign-in throttling by client and by (account, client) with growing delays (throttle.ts), in
-- place of the per-email lockout that let anyone lock the owner out with five wrong passwords.
-- Not per workspace: a sign-in names only an email, which may belong to no workspace. Keys are
-- SHA-256 hashes, so addresses typed by strangers are not kept.
DROP TABLE sign_in_attempts;
CREATE TABLE sign_in_throttle (
  scope          text NOT NULL CHECK (scope IN ('client', 'account_client')),
  key            text NOT NULL,
  -- Failed attempts in the current run (a run ends after an hour without failures).
  failures       integer NOT NULL,
  last_failed_at timestamptz NOT NULL,
  -- No attempt from this key is checked before this time.
  blocked_until  timestamptz,
  PRIMARY KEY (scope, key)
);
CREATE INDEX sign_in_throttle_age ON sign_in_throttle (last_failed_at);
