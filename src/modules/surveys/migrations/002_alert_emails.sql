-- The team addresses that get an email when a detractor opens a case (closed loop; alerts.ts).
ALTER TABLE survey_settings ADD COLUMN alert_emails text[] NOT NULL DEFAULT '{}';
