-- pharos schema, migration 0023: a page's own branding (SPEC §16). custom_css is appended
-- to the page's brand stylesheet (served under a content-hashed /static/ name, at most
-- 64 KiB); footer_markdown is shown at the foot of its public pages.
ALTER TABLE pages ADD COLUMN custom_css TEXT NOT NULL DEFAULT '';
ALTER TABLE pages ADD COLUMN footer_markdown TEXT NOT NULL DEFAULT '';
