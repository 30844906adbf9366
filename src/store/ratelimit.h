/*
 * store/ratelimit — fixed-window counters in the rate_limits table.
 */
#ifndef PHAROS_STORE_RATELIMIT_H
#define PHAROS_STORE_RATELIMIT_H
#include "store/db.h"

/* Adds one hit to BUCKET's window starting at WINDOW_START; *HITS gets the new count.
 * Runs inside the caller's transaction. */
int store_rate_hit(struct db *db, const char *bucket, int64_t window_start, int64_t *hits,
                   struct err *e);
/* The hits of BUCKET's window, 0 if none. */
int store_rate_get(struct db *db, const char *bucket, int64_t window_start, int64_t *hits,
                   struct err *e);
/* BUCKET's windows as [{"window_started_at","hits"}] by time (what is kept of it). */
json_t *store_rate_windows(struct db *db, const char *bucket, struct err *e);
/* Forgets BUCKET (every window). */
int store_rate_clear(struct db *db, const char *bucket, struct err *e);
/* Deletes windows that started before BEFORE. */
int store_rate_expire(struct db *db, int64_t before, struct err *e);

#endif
