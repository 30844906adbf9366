/*
 * app/ratelimit — attempt counting over a sliding window. See ratelimit.h.
 *
 * Counts are kept per fixed window (aligned to the epoch), and a bucket's count
 * is its current window's plus its previous window's weighted by how much of that
 * window still lies within WINDOW_S of now (the usual sliding-window estimate). A
 * fixed window alone let attempts straddling a boundary count twice the limit in a
 * few seconds (5 wrong passwords at 14:59:50 and 5 more at 15:00:10); now the
 * second burst finds the first still counted. Old windows are swept now and then
 * (about one hit in a hundred), so the table stays small without a timer.
 */
#include "app/ratelimit.h"
#include "core/timeutil.h"
#include "store/ratelimit.h"
#include <assert.h>
#include <sodium.h>

/* The 429 for a bucket with CUR hits in the window starting at START and PREV in the one
 * before, at NOW; *RETRY_AFTER (may be NULL) gets the seconds until the estimate drops
 * under LIMIT if nothing more comes. */
static int over(int64_t start, int window_s, int64_t now, double cur, double prev, int limit,
                int *retry_after, struct err *e)
{
    double w = window_s, at; /* the moment the estimate falls under LIMIT */
    if (cur >= limit)        /* only once this window is the previous one, partly */
        at = (double)(start + window_s) + w * (1.0 - (double)limit / cur);
    else
        at = (double)start + w * (1.0 - ((double)limit - cur) / prev);
    int left = (int)(at - (double)now + 0.999);
    if (left < 1) left = 1;
    if (retry_after) *retry_after = left;
    if (left >= 120)
        return err_set(e, ERR_RATE_LIMITED, "too many attempts; try again in %d minutes",
                       (left + 59) / 60);
    return err_set(e, ERR_RATE_LIMITED, "too many attempts; try again in %d seconds", left);
}

/* The sliding estimate of CUR hits now and PREV in the window before START. */
static double estimate(int64_t start, int window_s, int64_t now, int64_t cur, int64_t prev)
{
    double elapsed = (double)(now - start) / window_s;
    assert(elapsed >= 0 && elapsed < 1);
    return (double)cur + (double)prev * (1.0 - elapsed);
}

int app_rate_hit(struct db *db, const char *bucket, int limit, int window_s, int *retry_after,
                 struct err *e)
{
    int64_t now = time_now(), start = now - now % window_s, hits = 0, prev = 0;
    if (db_begin(db, e) != 0) return -1;
    if (store_rate_hit(db, bucket, start, &hits, e) != 0 ||
        store_rate_get(db, bucket, start - window_s, &prev, e) != 0 ||
        (randombytes_uniform(100) == 0 && store_rate_expire(db, now - 2 * 86400, e) != 0)) {
        db_rollback(db);
        return -1;
    }
    if (db_commit(db, e) != 0) return -1;
    return estimate(start, window_s, now, hits, prev) > limit
               ? over(start, window_s, now, (double)hits, (double)prev, limit, retry_after, e)
               : 0;
}

int app_rate_check(struct db *db, const char *bucket, int limit, int window_s, int *retry_after,
                   struct err *e)
{
    int64_t now = time_now(), start = now - now % window_s, hits = 0, prev = 0;
    if (store_rate_get(db, bucket, start, &hits, e) != 0 ||
        store_rate_get(db, bucket, start - window_s, &prev, e) != 0)
        return -1;
    return estimate(start, window_s, now, hits, prev) >= limit
               ? over(start, window_s, now, (double)hits, (double)prev, limit, retry_after, e)
               : 0;
}

int app_rate_clear(struct db *db, const char *bucket, struct err *e)
{
    if (db_begin(db, e) != 0) return -1;
    if (store_rate_clear(db, bucket, e) != 0) {
        db_rollback(db);
        return -1;
    }
    return db_commit(db, e);
}
