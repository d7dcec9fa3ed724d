-- Read paths of the web app's analytics pages (distributions.ts), so that they stay quick on a
-- million customers: customers of one R × FM cell by revenue, the at-risk list and the Pareto curve
-- in revenue order (an index scan that stops at the page).
CREATE INDEX customer_scores_rfm_cell ON customer_scores (workspace_id, r_score, (floor((f_score + m_score) / 2.0 + 0.5)::int), revenue_minor DESC);
CREATE INDEX customer_scores_revenue ON customer_scores (workspace_id, revenue_minor DESC);
