/*
 * app/deliveries — the notification log as the team reads it (SPEC §8, §9,
 * §10: permanent failures are recorded with their reason). Needs PERM_SETTINGS.
 */
#ifndef PHAROS_APP_DELIVERIES_H
#define PHAROS_APP_DELIVERIES_H
#include "app/app.h"
#include "app/input.h"

/*
 * {"deliveries":[DELIVERY…],"next_cursor":…}, newest first. CHANNEL (email,
 * sms, slack, twitter, webhook) and STATE (pending, sending, sent, failed, dead)
 * filter unless NULL or empty; other values are a 400. DELIVERY: store/deliveries.h.
 */
int app_deliveries_list(struct app_ctx *c, const char *channel, const char *state,
                        const struct paging *pg, json_t **out, struct err *e);

#endif
