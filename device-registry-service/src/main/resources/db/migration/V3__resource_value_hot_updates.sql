-- Device writes rewrite the latest value of an alias many times a second. An index on `value` made
-- every such update a new index entry (PostgreSQL's HOT update needs the changed columns to be in no
-- index); indexing the fw_version rows by identity instead keeps the fleet figures' lookup of those
-- rows and lets a write update its row in place on its page, where fillfactor leaves room for it.
DROP INDEX resource_fw_version_idx;
CREATE INDEX resource_fw_version_idx ON resource_value (identity) WHERE alias = 'fw_version';
ALTER TABLE resource_value SET (fillfactor = 80);
