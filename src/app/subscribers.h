/*
 * app/subscribers — subscribers as the team manages them (SPEC §7, §9, §15): list,
 * add (confirmed at once, or pending for the usual confirmation), change their
 * services or state, export everything stored about one, erase one, and count them
 * for the dashboard. Every use case, reads included, needs PERM_SUBSCRIBERS (addresses
 * are personal data).
 * SUBSCRIBER JSON: see store/subscribers.h. States: pending, active, stopped (SMS STOP),
 * unsubscribed, bounced (e-mail refused OUTBOX_BOUNCE_LIMIT times in a row: app/outbox.h).
 */
#ifndef PHAROS_APP_SUBSCRIBERS_H
#define PHAROS_APP_SUBSCRIBERS_H
#include "app/addresses.h"
#include "app/app.h"
#include "app/input.h"

/*
 * {"subscribers":[SUBSCRIBER…],"next_cursor":…,"counts":COUNTS} by id. CHANNEL
 * (email, sms) and STATE (pending, active, stopped, unsubscribed, bounced) filter unless
 * NULL or empty; other values are a 400.
 */
int app_subscribers_list(struct app_ctx *c, const char *channel, const char *state,
                         const struct paging *pg, json_t **out, struct err *e);
/* COUNTS: {"email":{"pending":n,"active":n,"stopped":n,"unsubscribed":n,"bounced":n},
 * "sms":{…}}. */
int app_subscriber_counts(struct app_ctx *c, json_t **out, struct err *e);
/* One subscriber, or 404. */
int app_subscriber_get(struct app_ctx *c, int64_t id, json_t **out, struct err *e);
/*
 * IN: channel ("email" or "sms", required), address (required), services ("all",
 * the default, or an array of service ids of the page), confirmed (default false).
 * Confirmed subscribers are active at once; others are stored pending, for the
 * notification work to send the confirmation. 409 when the address exists.
 */
int app_subscriber_create(struct app_ctx *c, json_t *in, json_t **out, struct err *e);
/* IN: services, state ("active", "stopped" or "unsubscribed"; active also takes a bounced
 * subscriber back, its count of bounces cleared). */
int app_subscriber_update(struct app_ctx *c, int64_t id, json_t *in, json_t **out, struct err *e);
/* Erases subscriber ID (app_subscriber_erase: the address and choices go, its deliveries stay
 * without the address). 404 when there is none on C's page. */
int app_subscriber_delete(struct app_ctx *c, int64_t id, struct err *e);
/*
 * Everything stored about subscriber ID (404 when none on C's page), as its export:
 * store_subscriber_export's {"subscriber","deliveries","audit"} with "rate_limits" (what is
 * kept of the confirmations sent to the address: app_subscribe_address_limits) and
 * "exported_at". Never a token or code hash, nor a secret.
 */
int app_subscriber_export(struct app_ctx *c, int64_t id, json_t **out, struct err *e);

#endif
