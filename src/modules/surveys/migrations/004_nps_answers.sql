-- NPS answers as other modules read them (intelligence's KPIs and account health): the surveys
-- module publishes this view so that readers do not depend on survey_responses' other columns.
-- A plain view: PostgreSQL inlines it and uses survey_responses' indexes.
CREATE VIEW nps_answers AS
  SELECT workspace_id, customer_id, survey_id, score, category, answered_at
  FROM survey_responses
  WHERE kind = 'nps';
