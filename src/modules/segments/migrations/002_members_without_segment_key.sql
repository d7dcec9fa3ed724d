-- A first refresh writes a member and a history row per customer, and each foreign key to segments
-- was checked (and the segment row key-share locked) once per row: about as costly as the rows
-- themselves. Refresh and removal both lock the segment row, so removal deletes these rows itself.
ALTER TABLE segment_members DROP CONSTRAINT segment_members_workspace_id_segment_id_fkey;
ALTER TABLE segment_membership_history DROP CONSTRAINT segment_membership_history_workspace_id_segment_id_fkey;
