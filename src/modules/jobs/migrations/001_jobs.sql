-- Background work in PostgreSQL: workers claim due jobs with FOR UPDATE SKIP LOCKED, so several
-- workers never take the same job and no broker is needed. A job locked past locked_until (its
-- worker died) is due again. dedupe_key makes enqueueing idempotent ("score:daily:2026-11-23").
CREATE TABLE jobs (
  workspace_id  uuid NOT NULL REFERENCES workspaces(id) ON DELETE CASCADE,
  id            uuid NOT NULL,
  kind          text NOT NULL,
  payload       jsonb NOT NULL DEFAULT '{}',
  dedupe_key    text,
  run_at        timestamptz NOT NULL DEFAULT now(),
  attempts      int NOT NULL DEFAULT 0,
  max_attempts  int NOT NULL DEFAULT 5,
  locked_until  timestamptz,
  locked_by     text,
  last_error    text,
  completed_at  timestamptz,
  failed_at     timestamptz,
  created_at    timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (workspace_id, id)
);
CREATE UNIQUE INDEX jobs_dedupe ON jobs (workspace_id, dedupe_key) WHERE dedupe_key IS NOT NULL;
CREATE INDEX jobs_due ON jobs (run_at) WHERE completed_at IS NULL AND failed_at IS NULL;
