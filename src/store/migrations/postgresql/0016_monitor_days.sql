-- pharos schema, migration 0016: monitors' per-day sums (SPEC §14), kept 90 days.
--
-- The public page's uptime bars and 90-day response-time chart read one row per monitor
-- and day instead of 1,440 per-minute roll-ups. checks and failures grow with each
-- per-minute roll-up row as it is first written (in its transaction: a second writer of
-- the minute adds nothing). p50_ms and p95_ms are set once the day is over: the median of
-- its minutes' p50 and the 95th percentile of their p95 (NULL while the day runs, or when
-- no check succeeded). day: the unix time of the day's midnight UTC.
CREATE TABLE monitor_days (
    monitor_id  BIGINT NOT NULL REFERENCES monitors(id) ON DELETE CASCADE,
    day         BIGINT NOT NULL,
    checks      BIGINT NOT NULL,
    failures    BIGINT NOT NULL,
    p50_ms      BIGINT,
    p95_ms      BIGINT,
    PRIMARY KEY (monitor_id, day)
);
CREATE INDEX monitor_days_day ON monitor_days(day);
