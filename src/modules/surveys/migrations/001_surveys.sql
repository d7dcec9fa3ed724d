-- Surveys: definitions, responses (events on the customer as well), follow-up cases of detractors.

-- The secret that signs per-customer links, where the hosted page is reached, and the closed loop's policy.
CREATE TABLE survey_settings (
  workspace_id      uuid PRIMARY KEY REFERENCES workspaces(id) ON DELETE CASCADE,
  token_secret      text NOT NULL,
  public_base_url   text NOT NULL,
  review_url        text,
  case_due_days     int NOT NULL DEFAULT 2 CHECK (case_due_days BETWEEN 0 AND 60),
  default_assignee  uuid,
  updated_at        timestamptz NOT NULL DEFAULT now()
);

-- Texts are {"ja": …, "en": …} (at least the survey's locale); questions are validated by types.ts.
-- `public_key` opens the anonymous link (SNS, widget); regenerating it closes old anonymous links.
CREATE TABLE surveys (
  workspace_id     uuid NOT NULL REFERENCES workspaces(id) ON DELETE CASCADE,
  id               uuid NOT NULL,
  slug             text NOT NULL,
  kind             text NOT NULL CHECK (kind IN ('nps', 'csat', 'ces', 'custom')),
  status           text NOT NULL CHECK (status IN ('draft', 'active', 'closed')),
  locale           text NOT NULL CHECK (locale IN ('ja', 'en')),
  title            jsonb NOT NULL,
  questions        jsonb NOT NULL,
  review_url       text,
  link_ttl_days    int NOT NULL CHECK (link_ttl_days BETWEEN 1 AND 365),
  anonymous        boolean NOT NULL DEFAULT false,
  public_key       text NOT NULL,
  created_at       timestamptz NOT NULL DEFAULT now(),
  updated_at       timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (workspace_id, id),
  UNIQUE (workspace_id, slug)
);
CREATE UNIQUE INDEX surveys_public_key ON surveys (public_key);

-- One row per answer. Per-customer links carry a nonce: (customer, nonce) unique is "one response per link".
-- Anonymous answers have no customer and no nonce; ip_hash (salted) rate-limits them.
CREATE TABLE survey_responses (
  workspace_id  uuid NOT NULL,
  id            uuid NOT NULL,
  survey_id     uuid NOT NULL,
  customer_id   uuid,
  link_nonce    text,
  kind          text NOT NULL,
  score         int,
  category      text CHECK (category IN ('promoter', 'passive', 'detractor')),
  comment       text,
  answers       jsonb NOT NULL,
  locale        text NOT NULL,
  source        text NOT NULL CHECK (source IN ('link', 'anonymous', 'import')),
  ip_hash       text,
  answered_at   timestamptz NOT NULL,
  PRIMARY KEY (workspace_id, id),
  UNIQUE (workspace_id, customer_id, link_nonce),
  FOREIGN KEY (workspace_id, survey_id) REFERENCES surveys (workspace_id, id) ON DELETE CASCADE,
  FOREIGN KEY (workspace_id, customer_id) REFERENCES customers (workspace_id, id) ON DELETE CASCADE
);
CREATE INDEX survey_responses_time ON survey_responses (workspace_id, answered_at);
CREATE INDEX survey_responses_survey ON survey_responses (workspace_id, survey_id, answered_at);
CREATE INDEX survey_responses_customer ON survey_responses (workspace_id, customer_id) WHERE customer_id IS NOT NULL;
CREATE INDEX survey_responses_ip ON survey_responses (workspace_id, survey_id, ip_hash, answered_at) WHERE ip_hash IS NOT NULL;

-- A detractor's follow-up: someone owns it, by a date, until it is closed.
CREATE TABLE survey_cases (
  workspace_id  uuid NOT NULL,
  id            uuid NOT NULL,
  customer_id   uuid NOT NULL,
  response_id   uuid NOT NULL,
  survey_id     uuid NOT NULL,
  status        text NOT NULL CHECK (status IN ('open', 'in_progress', 'closed')),
  assignee_id   uuid,
  due_at        timestamptz NOT NULL,
  created_at    timestamptz NOT NULL DEFAULT now(),
  updated_at    timestamptz NOT NULL DEFAULT now(),
  closed_at     timestamptz,
  PRIMARY KEY (workspace_id, id),
  UNIQUE (workspace_id, response_id),
  FOREIGN KEY (workspace_id, response_id) REFERENCES survey_responses (workspace_id, id) ON DELETE CASCADE,
  FOREIGN KEY (workspace_id, customer_id) REFERENCES customers (workspace_id, id) ON DELETE CASCADE
);
CREATE INDEX survey_cases_open ON survey_cases (workspace_id, due_at) WHERE status <> 'closed';
CREATE INDEX survey_cases_customer ON survey_cases (workspace_id, customer_id);

CREATE TABLE survey_case_notes (
  workspace_id  uuid NOT NULL,
  case_id       uuid NOT NULL,
  id            uuid NOT NULL,
  author_id     uuid,
  body          text NOT NULL,
  created_at    timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (workspace_id, case_id, id),
  FOREIGN KEY (workspace_id, case_id) REFERENCES survey_cases (workspace_id, id) ON DELETE CASCADE
);
