-- Which customer an external id (Segment userId) names, while it names one: erasure clears
-- external_id, so an erased person drops out. Published for the events module, which checks the ids
-- it cached per process inside the insert of a batch (docs/architecture.md lists the readers).
-- A plain view: PostgreSQL inlines it, so a lookup is one probe of the customers primary key.
CREATE VIEW customer_external_ids AS
  SELECT workspace_id, id AS customer_id, external_id
  FROM customers
  WHERE external_id IS NOT NULL;
