-- pharos schema, migration 0014: monitors' per-minute roll-ups (SPEC §14), kept 90 days.
--
-- A row sums one monitor's checks that started in one minute (minute: the unix time of
-- its first second): how many, how many failed, and the nearest-rank p50 and p95 of the
-- successful ones' latency (NULL when none succeeded). Rows are written once per minute
-- (the primary key makes a second writer, another node, change nothing).
CREATE TABLE monitor_rollups (
    monitor_id  INTEGER NOT NULL REFERENCES monitors(id) ON DELETE CASCADE,
    minute      INTEGER NOT NULL,
    checks      INTEGER NOT NULL,
    failures    INTEGER NOT NULL,
    p50_ms      INTEGER,
    p95_ms      INTEGER,
    PRIMARY KEY (monitor_id, minute)
);
CREATE INDEX monitor_rollups_minute ON monitor_rollups(minute);
