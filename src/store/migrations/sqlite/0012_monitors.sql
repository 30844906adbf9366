-- pharos schema, migration 0012: monitors and their results (SPEC §14).
--
-- A monitor checks one target for one service every interval_s. Its next check is at
-- next_check_at; a claim moves it on by one interval in the claiming transaction, so
-- with several nodes each check runs once. fails and oks count the consecutive failed
-- and succeeded checks; set_status is the status the monitor gave its service (NULL:
-- none), so a recovery puts back only what the monitor set; incident_id the incident it
-- opened (incident "publish"), resolved on recovery. Results are kept a day.
CREATE TABLE monitors (
    id                INTEGER PRIMARY KEY AUTOINCREMENT,
    page_id           INTEGER NOT NULL REFERENCES pages(id) ON DELETE CASCADE,
    service_id        INTEGER NOT NULL REFERENCES services(id) ON DELETE CASCADE,
    name              TEXT NOT NULL,
    kind              TEXT NOT NULL,
    target            TEXT NOT NULL,
    interval_s        INTEGER NOT NULL,
    timeout_ms        INTEGER NOT NULL,
    expect_status     TEXT NOT NULL,
    keyword           TEXT,
    max_latency_ms    INTEGER,
    tls_warn_days     INTEGER NOT NULL,
    failures_before   INTEGER NOT NULL,
    successes_before  INTEGER NOT NULL,
    status_on_failure TEXT NOT NULL,
    incident          TEXT NOT NULL,
    follow_redirects  INTEGER NOT NULL DEFAULT 0,
    enabled           INTEGER NOT NULL DEFAULT 1,
    state             TEXT NOT NULL DEFAULT 'unknown',
    fails             INTEGER NOT NULL DEFAULT 0,
    oks               INTEGER NOT NULL DEFAULT 0,
    set_status        TEXT,
    incident_id       INTEGER REFERENCES events(id) ON DELETE SET NULL,
    last_checked_at   INTEGER,
    last_latency_ms   INTEGER,
    last_error        TEXT,
    next_check_at     INTEGER NOT NULL,
    created_at        INTEGER NOT NULL,
    updated_at        INTEGER NOT NULL
);
CREATE INDEX monitors_page ON monitors(page_id, id);
CREATE INDEX monitors_due ON monitors(enabled, next_check_at);
CREATE TABLE monitor_results (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    monitor_id  INTEGER NOT NULL REFERENCES monitors(id) ON DELETE CASCADE,
    checked_at  INTEGER NOT NULL,
    ok          INTEGER NOT NULL,
    latency_ms  INTEGER,
    error       TEXT
);
CREATE INDEX monitor_results_monitor ON monitor_results(monitor_id, id);
CREATE INDEX monitor_results_time ON monitor_results(checked_at);
