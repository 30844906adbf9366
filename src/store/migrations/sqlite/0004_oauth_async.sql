-- pharos schema, migration 0004: "Sign in with Twitter" runs on the dispatcher thread
-- (no request handler waits on Twitter). The console records a request, the
-- dispatcher asks Twitter for a request token, the console's callback records the
-- verifier, the dispatcher exchanges it for the account's access token.
--
--   requested → ready (token, sealed secret) → verifying (verifier) → done
--        └──────────┴────────────────────────────────┴──→ failed (error)
--
-- A row the dispatcher is working on holds a lease (lease_until), so a crashed or
-- second node picks it up again only once the lease ran out. The old table only
-- held request tokens living 15 minutes, so it is replaced, not migrated.
DROP TABLE oauth_requests;
CREATE TABLE oauth_requests (
    id           INTEGER PRIMARY KEY AUTOINCREMENT,
    page_id      INTEGER NOT NULL REFERENCES pages(id) ON DELETE CASCADE,
    state        TEXT NOT NULL DEFAULT 'requested'
                 CHECK (state IN ('requested', 'ready', 'verifying', 'done', 'failed')),
    callback     TEXT NOT NULL,
    token        TEXT UNIQUE,                 -- the request token (public)
    secret       TEXT,                        -- its secret, sealed with the secret key
    verifier     TEXT,
    error        TEXT,
    lease_until  INTEGER,
    created_at   INTEGER NOT NULL,
    updated_at   INTEGER NOT NULL
);
CREATE INDEX oauth_requests_due ON oauth_requests(state, lease_until);
