-- pharos schema, migration 0022: who may see a page (SPEC §16).
--
-- pages.visibility: 'public' (anyone), 'password' (anyone who gave access_password, an
-- Argon2id hash), 'members' (signed-in team members of the page), 'sso' (visitors signed
-- in with OpenID Connect whose e-mail domain is allowed) or 'ip' (clients whose address is
-- in ip_allow, a JSON array of CIDR blocks). read_key lets feeds and JSON be read with
-- ?key= whatever the visibility (NULL: none made yet); rotated from the console or API.
ALTER TABLE pages ADD COLUMN visibility TEXT NOT NULL DEFAULT 'public'
    CHECK (visibility IN ('public', 'password', 'members', 'sso', 'ip'));
ALTER TABLE pages ADD COLUMN access_password TEXT;
ALTER TABLE pages ADD COLUMN ip_allow TEXT NOT NULL DEFAULT '[]';
ALTER TABLE pages ADD COLUMN read_key TEXT;
