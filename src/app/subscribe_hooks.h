/*
 * app/subscribe_hooks — visitors' subscriptions on URL channels (SPEC §15): webhook,
 * slack, teams, discord, googlechat (the channels of domain/channel.h with an URL form).
 *
 *  - app_subscribe_hook: sign-up with a channel and a URL, checked as integrations'
 *    URLs are (http or https; no loopback or private target unless
 *    security.allow_private_targets), under the same limits as e-mail sign-ups
 *    (limits.subscribe_per_ip_hour, 3 test messages per URL a day). The subscription is
 *    stored pending (all services) and a test message (a delivery of kind confirmation
 *    on its channel) is queued in the same transaction; the dispatcher posts it, and a 2xx
 *    makes it active (app/outbox.c). A webhook subscriber gets its own signing secret,
 *    returned here once and stored sealed. The URL is stored sealed too (it is a
 *    credential); the subscriber's address is "scheme://host/…#" and 8 hex digits of a MAC
 *    of the URL (the same URL, the same address). A URL already subscribed and active is a 409
 *    (its secret is never shown again); in any other state it starts again: pending, a
 *    new secret, a new test message.
 *  - app_subscriber_hook_reactivate (admin, PERM_SUBSCRIBERS by the caller) and
 *    app_subscription_hook_retry (the subscriber, by management token): a quarantined
 *    or pending URL subscription becomes pending with no failures counted and a new test
 *    message is posted; the 2xx makes it active again. So a reactivation never sends
 *    updates to an endpoint that still fails. The subscriber's retries count against the
 *    sign-up's limit of 3 test messages per URL a day (429 past it); the team's do not.
 */
#ifndef PHAROS_APP_SUBSCRIBE_HOOKS_H
#define PHAROS_APP_SUBSCRIBE_HOOKS_H
#include "app/app.h"
#include "app/subscribe_token.h"

/* Consecutive failed deliveries that quarantine a URL subscriber (SPEC §15). */
enum { HOOK_FAILURE_LIMIT = 10, HOOK_URL_MAX = 2048, HOOK_ADDRESS_MAX = 320 };

/* Whether CHANNEL is a URL channel visitors may subscribe with. */
bool app_hook_channel(const char *channel);
/* IN: {"channel","url"}. CLIENT: the client address, for the limit. *OUT: {"id",
 * "channel","address","state","manage_token","secret" (webhook only: shown once)}. */
int app_subscribe_hook(struct app_ctx *c, json_t *in, const char *client, json_t **out,
                       struct err *e);
/* Reactivates URL subscriber ID of C's page (see the top). 404 unknown or not a URL
 * subscriber; 409 when unsubscribed; an active one is left as it is. */
int app_subscriber_hook_reactivate(struct app_ctx *c, int64_t id, struct err *e);
/* The same for the holder of management TOKEN (404 for a bad token). */
int app_subscription_hook_retry(struct app_ctx *c, const char *token, struct err *e);
/* The last test message of subscriber ID: {"state","error"} or JSON null. */
json_t *app_hook_last_test(struct app_ctx *c, int64_t id);
/* The URL of URL subscriber ID, opened from its sealed target (caller frees); a subscriber
 * not sealed yet: RECIPIENT. NULL with E when it is gone or its seal does not open. */
char *app_hook_url(struct app *app, struct db *db, int64_t id, const char *recipient,
                   struct err *e);
/* Seals the URLs of URL subscribers from before migration 0026 (at the server's start):
 * target gets the URL, address and their deliveries' recipient its address. */
int app_hooks_seal(struct app *app, struct db *db, struct err *e);
/* The plain secret of webhook subscriber ID (caller frees), or NULL when it has none. */
char *app_hook_secret(struct app *app, struct db *db, int64_t id, struct err *e);

#endif
