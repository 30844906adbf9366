/*
 * app/subscribe — the public subscription use cases of SPEC §7, called by the
 * public pages (web/subscribe*.c) with an ACTOR_PUBLIC context on the page the
 * request's host chose.
 *
 *  - app_subscribe: e-mail or SMS sign-up, for a channel the server can deliver
 *    (else a 400 that says so, and nothing is stored or counted). Limits:
 * limits.subscribe_per_ip_hour attempts per client address per hour, and 3 confirmation messages
 * per address per day, counted across all pages; past either, a 429. A new address is stored
 * pending (all services); a pending, stopped, unsubscribed or bounced one becomes pending and is
 * sent a new confirmation (confirming makes it active again); an active one is sent nothing (the
 * answer is the same, so the form tells nobody who is subscribed). The confirmation is queued in
 * the outbox (messages) in the same transaction and sent by the dispatcher; its text holds nothing
 * the visitor typed but the address.
 *  - app_subscribe_confirm / app_subscribe_sms_verify: activate, and give the
 *    management token that leads to the preferences page.
 *  - app_subscription_get / _set: the preferences page (services, or all).
 *  - app_unsubscribe: by management token (one-click, RFC 8058).
 *  - app_subscription_delete: "Delete my data" by management token (SPEC §15), and
 *    app_subscriber_erase, the erasure it shares with the team's delete.
 *  - app_sms_inbound: Twilio's inbound webhook after its signature is checked.
 * Tokens and codes: app/subscribe_token.h.
 */
#ifndef PHAROS_APP_SUBSCRIBE_H
#define PHAROS_APP_SUBSCRIBE_H
#include "app/app.h"
#include "app/subscribe_token.h"

/* IN: {"email":…} or {"phone":…}. CLIENT: the client address, for the limit.
 * *OUT: {"channel","address"} (normalised). */
int app_subscribe(struct app_ctx *c, json_t *in, const char *client, json_t **out, struct err *e);
/* Whether CHANNEL ("email", "sms") can be delivered with this configuration: e-mail needs
 * email.smtp_url, SMS sms.account_sid, sms.auth_token and sms.from. */
bool app_channel_offered(const struct config *cfg, const char *channel);

/* Queues the confirmation of subscriber ID (on CHANNEL, to ADDRESS) inside C's open
 * transaction (also used when an admin adds an unconfirmed subscriber). */
int app_subscribe_queue_confirmation(struct app_ctx *c, int64_t id, const char *channel,
                                     const char *address, struct err *e);
/* Activates the subscriber of confirm TOKEN; MANAGE gets its management token.
 * 404 for an unknown, forged or expired token. */
int app_subscribe_confirm(struct app_ctx *c, const char *token, char manage[SUBSCRIBE_TOKEN_MAX],
                          struct err *e);
/* Activates the SMS subscriber PHONE with CODE (5 tries per code, valid 1 hour). */
int app_subscribe_sms_verify(struct app_ctx *c, const char *phone, const char *code,
                             char manage[SUBSCRIBE_TOKEN_MAX], struct err *e);
/* The preferences of management TOKEN: {"channel","address","state","active","all",
 * "services":[{"id","name","chosen"}]} (web/subscribe_page.c says in the reader's language
 * what is chosen); 404 for a bad token. */
int app_subscription_get(struct app_ctx *c, const char *token, json_t **out, struct err *e);
/*
 * IN: {"all":true} (every service, including later ones) or {"all":false,"services":
 * [ids]} (exactly those; at least one). "all" true with a list that leaves a service
 * out is refused (400: the two say different things), as is a subscription that is
 * not active (409: it must be subscribed again first).
 */
int app_subscription_set(struct app_ctx *c, const char *token, json_t *in, struct err *e);
/* Unsubscribes the holder of management TOKEN (idempotent). *OUT (may be NULL) gets
 * the address. */
int app_unsubscribe(struct app_ctx *c, const char *token, struct err *e);
/*
 * Erases subscriber ID of C's page inside C's open transaction (SPEC §15): the row with
 * its address and choice of services goes, its deliveries stay for the notification log
 * and the delivery figures without the address (store_subscriber_erase: pending ones are
 * failed, never sent), the count of confirmations sent to the address goes unless
 * another page still has it, and "subscriber.delete" is audited with the channel only.
 * Returns 1 erased, 0 no such subscriber on C's page, -1 error.
 */
int app_subscriber_erase(struct app_ctx *c, int64_t id, struct err *e);
/*
 * "Delete my data" from the preferences page: erases the holder of management TOKEN
 * (app_subscriber_erase), in any state. The token works no more (a 404 from then on,
 * like any unknown token). CLIENT's attempts count against limits.subscribe_per_ip_hour
 * (429 past it), as sign-ups do.
 */
int app_subscription_delete(struct app_ctx *c, const char *token, const char *client,
                            struct err *e);
/* What is kept of the confirmations sent to ADDRESS on CHANNEL (the per-address limit),
 * for a subscriber's export: [{"bucket","window_started_at","hits"}]. */
int app_subscribe_address_limits(struct app_ctx *c, const char *channel, const char *address,
                                 json_t **out, struct err *e);
/* An SMS from FROM saying BODY: STOP words stop every subscription of that number,
 * START words resume them, HELP answers. *REPLY (caller frees) gets the text to send
 * back, or NULL for none. */
int app_sms_inbound(struct app_ctx *c, const char *from, const char *body, char **reply,
                    struct err *e);

#endif
