-- pharos schema, version 1: the complete data model.
-- Portable SQL: standard types, no SQLite-only functions (AUTOINCREMENT, so ids of
-- deleted rows are never reused, becomes an identity column elsewhere). Times are INTEGER Unix
-- seconds (UTC). Booleans are INTEGER 0/1. Every tenant object carries page_id.

CREATE TABLE pages (
    id            INTEGER PRIMARY KEY AUTOINCREMENT,
    slug          TEXT NOT NULL UNIQUE,
    title         TEXT NOT NULL,
    logo_url      TEXT NOT NULL DEFAULT '',
    brand_color   TEXT NOT NULL DEFAULT '#1f6feb',
    time_zone     TEXT NOT NULL DEFAULT 'UTC',
    footer_links  TEXT NOT NULL DEFAULT '[]',   -- JSON array of {"label","url"}
    created_at    INTEGER NOT NULL,
    updated_at    INTEGER NOT NULL
);

CREATE TABLE page_hosts (
    host     TEXT PRIMARY KEY,                  -- lower-case, no port
    page_id  INTEGER NOT NULL REFERENCES pages(id) ON DELETE CASCADE
);

CREATE TABLE groups (
    id           INTEGER PRIMARY KEY AUTOINCREMENT,
    page_id      INTEGER NOT NULL REFERENCES pages(id) ON DELETE CASCADE,
    name         TEXT NOT NULL,
    description  TEXT NOT NULL DEFAULT '',
    position     INTEGER NOT NULL DEFAULT 0,
    hidden       INTEGER NOT NULL DEFAULT 0,
    created_at   INTEGER NOT NULL,
    updated_at   INTEGER NOT NULL
);
CREATE INDEX groups_page ON groups(page_id, position);

CREATE TABLE services (
    id           INTEGER PRIMARY KEY AUTOINCREMENT,
    page_id      INTEGER NOT NULL REFERENCES pages(id) ON DELETE CASCADE,
    group_id     INTEGER REFERENCES groups(id) ON DELETE SET NULL,
    name         TEXT NOT NULL,
    description  TEXT NOT NULL DEFAULT '',
    position     INTEGER NOT NULL DEFAULT 0,
    hidden       INTEGER NOT NULL DEFAULT 0,
    status       TEXT NOT NULL DEFAULT 'operational',
    created_at   INTEGER NOT NULL,
    updated_at   INTEGER NOT NULL
);
CREATE INDEX services_page ON services(page_id, position);

-- Every status a service has held, from started_at until the next row: the
-- source of uptime bars and history.
CREATE TABLE service_status_log (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    service_id  INTEGER NOT NULL REFERENCES services(id) ON DELETE CASCADE,
    status      TEXT NOT NULL,
    started_at  INTEGER NOT NULL
);
CREATE INDEX service_status_log_service ON service_status_log(service_id, started_at);

-- Incidents and maintenance share one table; kind tells them apart.
CREATE TABLE events (
    id               INTEGER PRIMARY KEY AUTOINCREMENT,
    page_id          INTEGER NOT NULL REFERENCES pages(id) ON DELETE CASCADE,
    kind             TEXT NOT NULL CHECK (kind IN ('incident', 'maintenance')),
    title            TEXT NOT NULL,
    stage            TEXT NOT NULL,
    impact           TEXT NOT NULL DEFAULT 'none',
    scheduled_start  INTEGER,
    scheduled_end    INTEGER,
    auto_start       INTEGER NOT NULL DEFAULT 0,
    auto_complete    INTEGER NOT NULL DEFAULT 0,
    created_at       INTEGER NOT NULL,
    updated_at       INTEGER NOT NULL,
    resolved_at      INTEGER             -- resolved (incident) or completed (maintenance)
);
CREATE INDEX events_page ON events(page_id, kind, id);
CREATE INDEX events_due ON events(kind, stage, scheduled_start);

CREATE TABLE event_updates (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    event_id    INTEGER NOT NULL REFERENCES events(id) ON DELETE CASCADE,
    stage       TEXT NOT NULL,
    message     TEXT NOT NULL,
    notify      INTEGER NOT NULL DEFAULT 1,
    created_at  INTEGER NOT NULL
);
CREATE INDEX event_updates_event ON event_updates(event_id, id);

-- Services an event affects, with the status the event sets them to.
CREATE TABLE event_services (
    event_id    INTEGER NOT NULL REFERENCES events(id) ON DELETE CASCADE,
    service_id  INTEGER NOT NULL REFERENCES services(id) ON DELETE CASCADE,
    status      TEXT NOT NULL,
    PRIMARY KEY (event_id, service_id)
);
CREATE INDEX event_services_service ON event_services(service_id);

-- Status changes an update made (Statuspage's affected_components).
CREATE TABLE update_services (
    update_id   INTEGER NOT NULL REFERENCES event_updates(id) ON DELETE CASCADE,
    service_id  INTEGER NOT NULL REFERENCES services(id) ON DELETE CASCADE,
    old_status  TEXT NOT NULL,
    new_status  TEXT NOT NULL,
    PRIMARY KEY (update_id, service_id)
);

CREATE TABLE templates (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    page_id     INTEGER NOT NULL REFERENCES pages(id) ON DELETE CASCADE,
    kind        TEXT NOT NULL CHECK (kind IN ('incident', 'maintenance')),
    name        TEXT NOT NULL,
    title       TEXT NOT NULL,
    message     TEXT NOT NULL DEFAULT '',
    created_at  INTEGER NOT NULL,
    updated_at  INTEGER NOT NULL
);
CREATE INDEX templates_page ON templates(page_id, id);

CREATE TABLE subscribers (
    id             INTEGER PRIMARY KEY AUTOINCREMENT,
    page_id        INTEGER NOT NULL REFERENCES pages(id) ON DELETE CASCADE,
    channel        TEXT NOT NULL CHECK (channel IN ('email', 'sms')),
    address        TEXT NOT NULL,        -- e-mail address (lower-case) or E.164 number
    state          TEXT NOT NULL DEFAULT 'pending'
                   CHECK (state IN ('pending', 'active', 'stopped', 'unsubscribed')),
    all_services   INTEGER NOT NULL DEFAULT 1,
    token_hash     TEXT,                 -- hash of the confirmation / management token
    code_hash      TEXT,                 -- hash of the SMS verification code
    code_attempts  INTEGER NOT NULL DEFAULT 0,
    confirm_sent_at INTEGER,
    created_at     INTEGER NOT NULL,
    updated_at     INTEGER NOT NULL,
    confirmed_at   INTEGER,
    UNIQUE (page_id, channel, address)
);
CREATE INDEX subscribers_state ON subscribers(page_id, channel, state, id);

CREATE TABLE subscriber_services (
    subscriber_id  INTEGER NOT NULL REFERENCES subscribers(id) ON DELETE CASCADE,
    service_id     INTEGER NOT NULL REFERENCES services(id) ON DELETE CASCADE,
    PRIMARY KEY (subscriber_id, service_id)
);
CREATE INDEX subscriber_services_service ON subscriber_services(service_id);

-- The outbox: one fan-out job per notifying update, written in the update's
-- transaction; the dispatcher expands it into deliveries in batches.
CREATE TABLE notify_jobs (
    id           INTEGER PRIMARY KEY AUTOINCREMENT,
    page_id      INTEGER NOT NULL REFERENCES pages(id) ON DELETE CASCADE,
    update_id    INTEGER NOT NULL REFERENCES event_updates(id) ON DELETE CASCADE,
    channels     INTEGER NOT NULL,       -- bit set of domain/notify_rules.h channels
    state        TEXT NOT NULL DEFAULT 'pending' CHECK (state IN ('pending', 'done')),
    cursor       INTEGER NOT NULL DEFAULT 0,   -- last subscriber id expanded
    created_at   INTEGER NOT NULL,
    updated_at   INTEGER NOT NULL
);
CREATE INDEX notify_jobs_state ON notify_jobs(state, id);

CREATE TABLE deliveries (
    id               INTEGER PRIMARY KEY AUTOINCREMENT,
    page_id          INTEGER NOT NULL REFERENCES pages(id) ON DELETE CASCADE,
    update_id        INTEGER NOT NULL REFERENCES event_updates(id) ON DELETE CASCADE,
    channel          TEXT NOT NULL,
    recipient        TEXT NOT NULL,     -- address, number, or the integration kind
    subscriber_id    INTEGER REFERENCES subscribers(id) ON DELETE SET NULL,
    state            TEXT NOT NULL DEFAULT 'pending'
                     CHECK (state IN ('pending', 'sending', 'sent', 'failed', 'dead')),
    attempts         INTEGER NOT NULL DEFAULT 0,
    next_attempt_at  INTEGER NOT NULL,
    lease_until      INTEGER,
    last_error       TEXT,
    accepted_at      INTEGER NOT NULL,   -- when the update was accepted (SLA start)
    created_at       INTEGER NOT NULL,
    sent_at          INTEGER,
    UNIQUE (update_id, channel, recipient)
);
CREATE INDEX deliveries_due ON deliveries(state, next_attempt_at);
CREATE INDEX deliveries_page ON deliveries(page_id, id);

CREATE TABLE integrations (
    page_id     INTEGER NOT NULL REFERENCES pages(id) ON DELETE CASCADE,
    kind        TEXT NOT NULL CHECK (kind IN ('slack', 'twitter', 'webhook')),
    enabled     INTEGER NOT NULL DEFAULT 0,
    config      TEXT NOT NULL DEFAULT '{}',  -- JSON, nothing secret
    secret      TEXT,                        -- sealed with the secret key (core/secret.h)
    updated_at  INTEGER NOT NULL,
    PRIMARY KEY (page_id, kind)
);

CREATE TABLE users (
    id             INTEGER PRIMARY KEY AUTOINCREMENT,
    email          TEXT NOT NULL UNIQUE,     -- lower-case
    name           TEXT NOT NULL DEFAULT '',
    password_hash  TEXT,                     -- Argon2id; NULL until an invitation is accepted
    created_at     INTEGER NOT NULL,
    updated_at     INTEGER NOT NULL
);

CREATE TABLE memberships (
    user_id     INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    page_id     INTEGER NOT NULL REFERENCES pages(id) ON DELETE CASCADE,
    role        TEXT NOT NULL CHECK (role IN ('owner', 'admin', 'editor', 'viewer')),
    created_at  INTEGER NOT NULL,
    PRIMARY KEY (user_id, page_id)
);

CREATE TABLE invitations (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    page_id     INTEGER NOT NULL REFERENCES pages(id) ON DELETE CASCADE,
    email       TEXT NOT NULL,
    role        TEXT NOT NULL,
    token_hash  TEXT NOT NULL UNIQUE,
    invited_by  INTEGER REFERENCES users(id) ON DELETE SET NULL,
    created_at  INTEGER NOT NULL,
    expires_at  INTEGER NOT NULL,
    accepted_at INTEGER
);

CREATE TABLE sessions (
    id_hash       TEXT PRIMARY KEY,          -- hash of the cookie value
    user_id       INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    page_id       INTEGER REFERENCES pages(id) ON DELETE SET NULL,   -- page being managed
    csrf_token    TEXT NOT NULL,
    created_at    INTEGER NOT NULL,
    last_seen_at  INTEGER NOT NULL,
    expires_at    INTEGER NOT NULL
);
CREATE INDEX sessions_user ON sessions(user_id);

CREATE TABLE api_tokens (
    id            INTEGER PRIMARY KEY AUTOINCREMENT,
    page_id       INTEGER NOT NULL REFERENCES pages(id) ON DELETE CASCADE,
    name          TEXT NOT NULL,
    prefix        TEXT NOT NULL,             -- first characters, shown to tell tokens apart
    token_hash    TEXT NOT NULL UNIQUE,
    created_by    INTEGER REFERENCES users(id) ON DELETE SET NULL,
    created_at    INTEGER NOT NULL,
    last_used_at  INTEGER,
    revoked_at    INTEGER
);
CREATE INDEX api_tokens_page ON api_tokens(page_id, id);

-- Attempts counted against a key (sign-in per account and per address,
-- subscriptions per client address, confirmations per address) in fixed windows.
CREATE TABLE rate_limits (
    bucket        TEXT NOT NULL,
    window_start  INTEGER NOT NULL,
    hits          INTEGER NOT NULL,
    PRIMARY KEY (bucket, window_start)
);

CREATE TABLE audit_log (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    page_id     INTEGER REFERENCES pages(id) ON DELETE CASCADE,
    actor       TEXT NOT NULL,               -- "user:3", "token:5", "cli", "system"
    action      TEXT NOT NULL,               -- "service.status", "incident.create", …
    object_id   INTEGER,
    detail      TEXT NOT NULL DEFAULT '',
    created_at  INTEGER NOT NULL
);
CREATE INDEX audit_log_page ON audit_log(page_id, id);
