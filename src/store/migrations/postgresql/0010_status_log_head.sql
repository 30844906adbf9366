-- pharos schema, migration 0010: each service's newest status log row in one index step.
--
-- A public page build asks every service for the id of its newest log row (the log only
-- grows: rows are inserted, never changed) and reads a service's status history only
-- when that id moved, instead of reading every service's 90 days on every build.
CREATE INDEX service_status_log_head ON service_status_log(service_id, id);
