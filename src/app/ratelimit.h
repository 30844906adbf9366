/*
 * app/ratelimit — limits on attempts (sign-ins per account and per address,
 * subscriptions per client address, confirmation messages per address), kept
 * in the database so they hold across restarts and across nodes.
 *
 * Buckets are free-form keys such as "login-ip:203.0.113.9" or
 * "subscribe-ip:…". A bucket counts the attempts of the last WINDOW_S seconds,
 * estimated from two fixed windows (ratelimit.c), so a burst across a window's
 * boundary is not let through twice.
 */
#ifndef PHAROS_APP_RATELIMIT_H
#define PHAROS_APP_RATELIMIT_H
#include "store/db.h"

/*
 * Counts one attempt against BUCKET and commits it. Returns 0 while the count
 * is at most LIMIT; past it returns -1 with a 429 in E (the message says when
 * to retry) and *RETRY_AFTER (may be NULL) set to the seconds left in the window.
 */
int app_rate_hit(struct db *db, const char *bucket, int limit, int window_s, int *retry_after,
                 struct err *e);
/* Like app_rate_hit without counting: -1 with 429 when BUCKET is already over LIMIT. */
int app_rate_check(struct db *db, const char *bucket, int limit, int window_s, int *retry_after,
                   struct err *e);
/* Forgets BUCKET's attempts (e.g. after a successful sign-in). */
int app_rate_clear(struct db *db, const char *bucket, struct err *e);

#endif
