-- DKIM signing keys per sending domain. The private key is sealed (AES-256-GCM under the server's
-- KIZUNA_SECRET_KEY, kernel/secretBox.ts); the public key is what the DNS TXT record publishes.
CREATE TABLE messaging_dkim_keys (
  workspace_id        uuid NOT NULL REFERENCES workspaces(id) ON DELETE CASCADE,
  id                  uuid NOT NULL,
  domain              text NOT NULL,
  selector            text NOT NULL,
  algorithm           text NOT NULL CHECK (algorithm IN ('rsa-sha256')),
  -- base64 DER (SubjectPublicKeyInfo): the p= of the TXT record.
  public_key          text NOT NULL,
  private_key_sealed  text NOT NULL,
  created_at          timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (workspace_id, id),
  UNIQUE (workspace_id, domain, selector)
);
