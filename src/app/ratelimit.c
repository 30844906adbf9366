/*
 * app/ratelimit — fixed-window attempt counting. See ratelimit.h.
 * Old windows are swept now and then (about one hit in a hundred), so the
 * table stays small without a timer.
 */
#include "app/ratelimit.h"
#include "core/timeutil.h"
#include "store/ratelimit.h"
#include <sodium.h>

static int over(int64_t window_start, int window_s, int64_t now, int *retry_after, struct err *e)
{
    int left = (int)(window_start + window_s - now);
    if (left < 1)
        left = 1;
    if (retry_after)
        *retry_after = left;
    if (left >= 120)
        return err_set(e, ERR_RATE_LIMITED, "too many attempts; try again in %d minutes",
                       (left + 59) / 60);
    return err_set(e, ERR_RATE_LIMITED, "too many attempts; try again in %d seconds", left);
}

int app_rate_hit(struct db *db, const char *bucket, int limit, int window_s, int *retry_after,
                 struct err *e)
{
    int64_t now = time_now(), start = now - now % window_s, hits = 0;
    if (db_begin(db, e) != 0)
        return -1;
    if (store_rate_hit(db, bucket, start, &hits, e) != 0 ||
        (randombytes_uniform(100) == 0 && store_rate_expire(db, now - 2 * 86400, e) != 0)) {
        db_rollback(db);
        return -1;
    }
    if (db_commit(db, e) != 0)
        return -1;
    return hits > limit ? over(start, window_s, now, retry_after, e) : 0;
}

int app_rate_check(struct db *db, const char *bucket, int limit, int window_s, int *retry_after,
                   struct err *e)
{
    int64_t now = time_now(), start = now - now % window_s, hits = 0;
    if (store_rate_get(db, bucket, start, &hits, e) != 0)
        return -1;
    return hits >= limit ? over(start, window_s, now, retry_after, e) : 0;
}

int app_rate_clear(struct db *db, const char *bucket, struct err *e)
{
    if (db_begin(db, e) != 0)
        return -1;
    if (store_rate_clear(db, bucket, e) != 0) {
        db_rollback(db);
        return -1;
    }
    return db_commit(db, e);
}
