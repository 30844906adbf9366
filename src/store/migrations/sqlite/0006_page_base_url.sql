-- pharos schema, migration 0006: a page's own public URL (SPEC §6). Every absolute
-- link made for a page (JSON page.url and shortlinks, feed links and ids, e-mails,
-- SMS, posts, webhooks) starts with it; '' means unset, and the page's URL is then
-- derived from server.base_url and the page's hosts (domain/page_url.h). Stored in
-- its normal form: http(s), no user, query or fragment, no trailing '/'. Like
-- hosts, only the operator sets it (app/pages.c).
ALTER TABLE pages ADD COLUMN base_url TEXT NOT NULL DEFAULT '';
