-- Readers of "what arrived since my cursor" (the journeys trigger scanner) walk this index.
CREATE INDEX events_received ON events (workspace_id, received_at, id);
