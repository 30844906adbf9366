/*
 * app/tokens — API tokens: shown once at creation, stored hashed, scoped to one page.
 */
#ifndef PHAROS_APP_TOKENS_H
#define PHAROS_APP_TOKENS_H
#include "app/app.h"

/* Creates a token named NAME on C's page. *PLAIN gets the token (caller frees; shown once),
 * *OUT (may be NULL) its JSON. */
int app_token_create(struct app_ctx *c, const char *name, char **plain, json_t **out,
                     struct err *e);
/* {"tokens":[TOKEN…]} */
int app_tokens_list(struct app_ctx *c, json_t **out, struct err *e);
int app_token_revoke(struct app_ctx *c, int64_t id, struct err *e);
/*
 * An API request's caller: the page HOST names (as app_page_resolve: 404 when there is
 * none) into *PAGE_ID, and the live token TOKEN of that page into *TOKEN_ID (401 when it
 * is unknown or revoked, 403 when it is another page's), in one round trip. Records the
 * token's last use at most once a minute (a write, so not on every request).
 */
int app_token_authenticate(const struct app *app, struct db *db, const char *host,
                           const char *token, int64_t *token_id, int64_t *page_id, struct err *e);
/* Who a request with live token ID acts as: an admin of the token's page. */
struct actor app_token_actor(int64_t id);
/* Records that token ID was used now, if LAST_USED (its last_used_at) is a minute old or
 * more; outside any transaction, and best effort (a failure is not the request's). */
void app_token_touch(struct db *db, int64_t id, int64_t last_used);

#endif
