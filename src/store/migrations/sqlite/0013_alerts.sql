-- pharos schema, migration 0013: alert sources and the alerts they sent (SPEC §14).
--
-- An alert source is a webhook URL with a secret (only its SHA-256 is kept) that
-- Alertmanager, Grafana or a script posts alerts to. Each alert is kept by its
-- fingerprint, so a repeat changes nothing; set_status is the status its firing gave
-- the service (NULL: none, it showed a worse one), put back when it resolves;
-- incident_id the incident it opened (the source's incident "publish").
CREATE TABLE alert_sources (
    id           INTEGER PRIMARY KEY AUTOINCREMENT,
    page_id      INTEGER NOT NULL REFERENCES pages(id) ON DELETE CASCADE,
    kind         TEXT NOT NULL,
    name         TEXT NOT NULL,
    incident     TEXT NOT NULL,
    secret_hash  TEXT NOT NULL UNIQUE,
    created_at   INTEGER NOT NULL,
    updated_at   INTEGER NOT NULL
);
CREATE INDEX alert_sources_page ON alert_sources(page_id, id);
CREATE TABLE alerts (
    id           INTEGER PRIMARY KEY AUTOINCREMENT,
    source_id    INTEGER NOT NULL REFERENCES alert_sources(id) ON DELETE CASCADE,
    fingerprint  TEXT NOT NULL,
    service_id   INTEGER NOT NULL REFERENCES services(id) ON DELETE CASCADE,
    state        TEXT NOT NULL,
    status       TEXT NOT NULL,
    set_status   TEXT,
    incident_id  INTEGER REFERENCES events(id) ON DELETE SET NULL,
    created_at   INTEGER NOT NULL,
    updated_at   INTEGER NOT NULL,
    UNIQUE (source_id, fingerprint)
);
CREATE INDEX alerts_service ON alerts(service_id, state);
