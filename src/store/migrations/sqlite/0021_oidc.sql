-- pharos schema, migration 0021: OpenID Connect sign-in (SPEC §16, app/oidc.h).
--
-- oidc_providers caches what the dispatcher fetched of an issuer: its discovery
-- document and its key set (JWKS), or why the last fetch failed. One row per issuer;
-- a node's dispatcher takes the row's lease to fetch, so the nodes of one database
-- fetch once between them. keys_wanted: an ID token named a key the cached set does
-- not have (key rotation): fetch the set again, at most once per OIDC_REFETCH_S.
--
-- oidc_logins holds each sign-in between the browser's legs (any node may serve any
-- leg): the SHA-256 of its state (the raw value lives in the browser's cookie and the
-- provider's redirect), the nonce, the PKCE code verifier sealed with the secret key.
--
--   started → exchanging (code) → verified (email) → used
--      │            └→ keys (id_token, waiting for the re-fetched JWKS) ─┘
--      └────────────┴──────────────────────→ failed (error)
--
-- A row is forgotten OIDC_LOGIN_TTL_S (10 minutes) after it was created. Neither
-- table is copied by `pharos db copy`: both are refetched or restarted in minutes.
CREATE TABLE oidc_providers (
    issuer       TEXT PRIMARY KEY,
    config       TEXT,                 -- the discovery document (JSON)
    jwks         TEXT,                 -- the key set (JSON)
    error        TEXT,                 -- why the last fetch failed; NULL after one worked
    fetched_at   INTEGER NOT NULL DEFAULT 0,  -- the last fetch that worked (0: none)
    tried_at     INTEGER NOT NULL DEFAULT 0,  -- the last fetch started
    keys_wanted  INTEGER NOT NULL DEFAULT 0,
    lease_until  INTEGER
);
CREATE TABLE oidc_logins (
    id           INTEGER PRIMARY KEY AUTOINCREMENT,
    page_id      INTEGER NOT NULL REFERENCES pages(id) ON DELETE CASCADE,
    state_hash   TEXT NOT NULL UNIQUE,
    nonce        TEXT NOT NULL,
    verifier     TEXT NOT NULL,        -- sealed
    redirect_uri TEXT NOT NULL,
    return_to    TEXT NOT NULL,
    step         TEXT NOT NULL DEFAULT 'started'
                 CHECK (step IN ('started', 'exchanging', 'keys', 'verified', 'used', 'failed')),
    code         TEXT,
    id_token     TEXT,
    email        TEXT,
    error        TEXT,
    lease_until  INTEGER,
    created_at   INTEGER NOT NULL,
    updated_at   INTEGER NOT NULL
);
CREATE INDEX oidc_logins_step ON oidc_logins(step, lease_until);
