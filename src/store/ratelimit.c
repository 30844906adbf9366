/*
 * store/ratelimit — SQL for rate_limits. See ratelimit.h.
 */
#include "store/ratelimit.h"

int store_rate_hit(struct db *db, const char *bucket, int64_t window_start, int64_t *hits,
                   struct err *e)
{
    int changed = 0;
    if (db_exec(db, e, &changed,
                "UPDATE rate_limits SET hits = hits + 1 WHERE bucket = ? AND window_start = ?",
                "si", bucket, window_start) != 0)
        return -1;
    if (!changed && db_exec(db, e, NULL,
                            "INSERT INTO rate_limits (bucket, window_start, hits) VALUES (?, ?, 1)",
                            "si", bucket, window_start) != 0)
        return -1;
    return store_rate_get(db, bucket, window_start, hits, e);
}

int store_rate_get(struct db *db, const char *bucket, int64_t window_start, int64_t *hits,
                   struct err *e)
{
    *hits = 0;
    return db_query_int(db, e, hits,
                        "SELECT hits FROM rate_limits WHERE bucket = ? AND window_start = ?", "si",
                        bucket, window_start) < 0
               ? -1
               : 0;
}

json_t *store_rate_windows(struct db *db, const char *bucket, struct err *e)
{
    return db_query_all(db, e,
                        "SELECT window_start AS window_started_at, hits FROM rate_limits "
                        "WHERE bucket = ? ORDER BY window_start",
                        "s", bucket);
}

int store_rate_clear(struct db *db, const char *bucket, struct err *e)
{
    return db_exec(db, e, NULL, "DELETE FROM rate_limits WHERE bucket = ?", "s", bucket);
}

int store_rate_expire(struct db *db, int64_t before, struct err *e)
{
    return db_exec(db, e, NULL, "DELETE FROM rate_limits WHERE window_start < ?", "i", before);
}
