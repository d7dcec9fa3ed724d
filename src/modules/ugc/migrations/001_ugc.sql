-- UGC campaigns: customers post a photo or the URL of their SNS post (or answer a survey), give
-- consent to reuse it, staff moderate, approval grants a reward once, winners are drawn.

CREATE TABLE ugc_campaigns (
  workspace_id              uuid NOT NULL REFERENCES workspaces(id) ON DELETE CASCADE,
  id                        uuid NOT NULL,
  name                      text NOT NULL,
  -- {"ja": {"title", "description", "consent", "thanks"}, "en": {...}}: the page in each language offered.
  texts                     jsonb NOT NULL,
  default_locale            text NOT NULL CHECK (default_locale IN ('ja', 'en')),
  hashtag                   text,
  kind                      text NOT NULL CHECK (kind IN ('post', 'survey')),
  accepts_photo             boolean NOT NULL DEFAULT true,
  accepts_url               boolean NOT NULL DEFAULT true,
  allow_any_https           boolean NOT NULL DEFAULT false,
  allow_anonymous           boolean NOT NULL DEFAULT true,
  survey_id                 uuid,
  status                    text NOT NULL CHECK (status IN ('draft', 'active', 'closed')),
  starts_at                 timestamptz NOT NULL,
  ends_at                   timestamptz,
  reward_kind               text NOT NULL CHECK (reward_kind IN ('none', 'points', 'coupon')),
  reward_points             integer CHECK (reward_points > 0),
  reward_coupon_campaign_id uuid,
  max_entries_per_customer  integer NOT NULL CHECK (max_entries_per_customer > 0),
  max_rewards_per_customer  integer NOT NULL CHECK (max_rewards_per_customer > 0),
  created_at                timestamptz NOT NULL DEFAULT now(),
  updated_at                timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (workspace_id, id),
  CHECK (ends_at IS NULL OR ends_at > starts_at)
);
-- The public entry page knows only the campaign id.
CREATE UNIQUE INDEX ugc_campaigns_id ON ugc_campaigns (id);

-- Uploaded photos live in the database so API workers stay stateless; ids are random (v4), never
-- time-ordered, so one id does not hint at another.
CREATE TABLE ugc_media (
  workspace_id  uuid NOT NULL,
  customer_id   uuid NOT NULL,
  id            uuid NOT NULL,
  content_type  text NOT NULL CHECK (content_type IN ('image/jpeg', 'image/png', 'image/webp', 'image/heic', 'image/heif')),
  bytes         bytea NOT NULL,
  size          integer NOT NULL,
  sha256        text NOT NULL,
  -- Served without sign-in only once staff publish an approved entry with consent.
  public        boolean NOT NULL DEFAULT false,
  created_at    timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (workspace_id, id),
  FOREIGN KEY (workspace_id, customer_id) REFERENCES customers (workspace_id, id) ON DELETE CASCADE
);

CREATE TABLE ugc_entries (
  workspace_id    uuid NOT NULL,
  customer_id     uuid NOT NULL,
  id              uuid NOT NULL,
  campaign_id     uuid NOT NULL,
  kind            text NOT NULL CHECK (kind IN ('photo', 'url', 'survey')),
  post_url        text,
  platform        text,
  caption         text,
  media_id        uuid,
  survey_response_id text,
  -- The consent to reuse the content exactly as shown, in the language shown, and when it was
  -- given; a survey answer (taken from the surveys module) has no content to reuse.
  consent_text    text,
  consent_locale  text,
  consented_at    timestamptz,
  identified_by   text NOT NULL CHECK (identified_by IN ('token', 'email', 'survey')),
  ip_hash         text,
  status          text NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'approved', 'rejected')),
  reject_reason   text,
  moderated_at    timestamptz,
  moderated_by    text,
  -- pending: to be granted (retried by the worker after a crash); capped: over the per-customer cap.
  reward_status   text NOT NULL DEFAULT 'none' CHECK (reward_status IN ('none', 'pending', 'granted', 'capped', 'failed')),
  reward_ref      text,
  reward_error    text,
  rewarded_at     timestamptz,
  created_at      timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (workspace_id, id),
  FOREIGN KEY (workspace_id, customer_id) REFERENCES customers (workspace_id, id) ON DELETE CASCADE,
  FOREIGN KEY (workspace_id, campaign_id) REFERENCES ugc_campaigns (workspace_id, id) ON DELETE CASCADE,
  FOREIGN KEY (workspace_id, media_id) REFERENCES ugc_media (workspace_id, id),
  CHECK (status <> 'rejected' OR reject_reason IS NOT NULL),
  CHECK (kind = 'survey' OR (consent_text IS NOT NULL AND consent_locale IS NOT NULL AND consented_at IS NOT NULL)),
  CHECK ((kind = 'survey') = (survey_response_id IS NOT NULL))
);
-- A survey answer enters a campaign once.
CREATE UNIQUE INDEX ugc_entries_survey_response ON ugc_entries (workspace_id, campaign_id, survey_response_id) WHERE survey_response_id IS NOT NULL;
-- The moderation queue and exports read a campaign's entries by status; caps read a customer's.
CREATE INDEX ugc_entries_campaign ON ugc_entries (workspace_id, campaign_id, status, id);
CREATE INDEX ugc_entries_customer ON ugc_entries (workspace_id, customer_id, campaign_id);
CREATE INDEX ugc_entries_reward_pending ON ugc_entries (workspace_id, id) WHERE reward_status = 'pending';

CREATE TABLE ugc_winners (
  workspace_id  uuid NOT NULL,
  campaign_id   uuid NOT NULL,
  entry_id      uuid NOT NULL,
  customer_id   uuid NOT NULL,
  method        text NOT NULL CHECK (method IN ('random', 'manual')),
  seed          text,
  picked_by     text,
  picked_at     timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (workspace_id, campaign_id, entry_id),
  FOREIGN KEY (workspace_id, entry_id) REFERENCES ugc_entries (workspace_id, id) ON DELETE CASCADE
);
