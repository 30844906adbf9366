-- pharos schema, migration 0026: a URL subscriber's URL is a credential (a Slack, Teams,
-- Discord or Google Chat incoming-webhook URL posts to the channel it names), so it is
-- kept sealed with the secret key (core/secret.h) in target; address holds a form that
-- shows where it goes without the secret part ("https://hooks.slack.com/…#3f9a12c0": the
-- scheme and host, and 8 hex digits of a MAC of the whole URL under the key, so the same
-- URL has the same address and a second sign-up finds the first). Deliveries copy the
-- address, so the notification log holds no URL either. Rows of a URL subscriber from
-- before this migration keep their URL in address until the server's first start seals
-- it (app/subscribe_hooks.h: app_hooks_seal).
ALTER TABLE subscribers ADD COLUMN target TEXT;
