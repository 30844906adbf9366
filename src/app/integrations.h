/*
 * app/integrations — the page's integrations (SPEC §9, §10, §15): the channels of
 * domain/channel.h's table that have a form — Slack, Twitter, the webhook, Microsoft
 * Teams, Discord, Google Chat.
 *
 * Each kind has fields; secret ones (a chat service's webhook URL, which is itself a
 * credential; the webhook's signing secret; Twitter's access token) are stored
 * sealed with the server's key and never leave through a read: the view shows
 * "<field>_set": true|false instead. URLs must be http(s) and, unless
 * security.allow_private_targets, must not name a loopback, private or
 * link-local host (core/netaddr.h; the sender checks resolved addresses again).
 * Every use case needs PERM_SETTINGS. Unknown kinds are a 404.
 *
 * INTEGRATION (view): {"kind","enabled","configured", non-secret fields,
 *   "<secret field>_set", "updated_at"}
 *   slack, teams, discord, googlechat:   webhook_url_set
 *   webhook: url, secret_set
 *   twitter: screen_name (the account is connected from the console)
 */
#ifndef PHAROS_APP_INTEGRATIONS_H
#define PHAROS_APP_INTEGRATIONS_H
#include "app/app.h"

/* {"integrations":[INTEGRATION…]} for every kind, configured or not, in the table's order. */
int app_integrations_list(struct app_ctx *c, json_t **out, struct err *e);
/* The view of KIND ("slack", "twitter", "webhook", "teams", "discord", "googlechat"). */
int app_integration_get(struct app_ctx *c, const char *kind, json_t **out, struct err *e);
/*
 * PUT integrations/KIND. IN: enabled and the kind's settable fields
 * (slack, teams, discord, googlechat: webhook_url; webhook: url, secret; twitter:
 * none). Absent fields keep their value, null or "" clears them. Enabling a chat
 * service or the webhook needs its URL. *OUT gets the view.
 */
int app_integration_put(struct app_ctx *c, const char *kind, json_t *in, json_t **out,
                        struct err *e);
/*
 * For the console's "Sign in with Twitter" (and other flows that obtain
 * credentials): like app_integration_put, but IN may set every field of KIND,
 * including those no API client may (twitter: screen_name, access_token,
 * access_token_secret). Leaves "enabled" as it is unless IN has it.
 */
int app_integration_connect(struct app_ctx *c, const char *kind, json_t *in, struct err *e);
/*
 * For the dispatcher: *ENABLED and, in *CONFIG (a new object, caller frees),
 * every field of KIND with secrets decrypted. A never-configured kind is
 * disabled with {}. Secrets that no longer open with the key (it was replaced)
 * are left out and logged.
 */
int app_integration_load(struct app_ctx *c, const char *kind, bool *enabled, json_t **config,
                         struct err *e);

#endif
