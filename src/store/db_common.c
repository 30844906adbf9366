/*
 * db_common — what both backends share, below them (store/db_backend.h): a
 * column's JSON by the conventions of db.h, the storage-full and unavailable log
 * lines (once a minute each: every call fails meanwhile), and the row-lock clauses
 * an engine with one writer drops.
 */
#include "core/log.h"
#include "core/timeutil.h"
#include "core/xalloc.h"
#include "store/db_backend.h"
#include <ctype.h>
#include <stdatomic.h>
#include <string.h>

static const char *bool_columns[] = {
    "hidden",
    "notify",
    "auto_start",
    "auto_complete",
    "enabled",
    "all_services",
    "showcase",
    "only_show_if_degraded",
    "group",
    "follow_redirects",
    "ok",
    "draft",
    "show_response_time",
    NULL,
};

static bool is_bool_column(const char *name)
{
    for (int i = 0; bool_columns[i]; i++)
        if (strcmp(name, bool_columns[i]) == 0) return true;
    return false;
}

static bool is_time_column(const char *name)
{
    size_t n = strlen(name);
    return (n > 3 && strcmp(name + n - 3, "_at") == 0) || strcmp(name, "scheduled_start") == 0 ||
           strcmp(name, "scheduled_end") == 0;
}

json_t *db_json_value(const char *name, enum db_type type, int64_t i, double d, const char *text,
                      size_t len)
{
    switch (type) {
    case DB_NULL:
        return json_null();
    case DB_INT:
        if (is_time_column(name)) {
            char buf[32];
            return json_string(time_format(i, buf, sizeof buf));
        }
        return is_bool_column(name) ? json_boolean(i != 0) : json_integer(i);
    case DB_REAL:
        return json_real(d);
    case DB_TEXT: {
        json_t *v = json_stringn(text, len);
        /* stored text is validated on the way in; never expected */
        return v ? v : json_string("");
    }
    }
    return json_null();
}

void db_log_storage_full(const char *where, const char *what, const char *detail)
{
    static _Atomic int64_t next_us; /* monotonic time before which nothing is logged */
    int64_t now = time_mono_us(), due = atomic_load(&next_us);
    if (now < due || !atomic_compare_exchange_strong(&next_us, &due, now + 60 * 1000000LL)) return;
    log_error("storage is full: the database %s could not %s (%s); every write fails until "
              "disk space is freed (logged at most once a minute)",
              where, what, detail);
}

void db_log_unavailable(const char *detail)
{
    static _Atomic int64_t next_us; /* monotonic time before which nothing is logged */
    int64_t now = time_mono_us(), due = atomic_load(&next_us);
    if (now < due || !atomic_compare_exchange_strong(&next_us, &due, now + 60 * 1000000LL)) return;
    log_error("database unavailable: %s; writes answer 503 and the public pages keep their "
              "last content until it is back (logged at most once a minute)",
              detail);
}

/* The lock clauses, longest first; each may name its table (" FOR UPDATE OF s"). */
static const char *const lock_clauses[] = {" FOR UPDATE SKIP LOCKED", " FOR NO KEY UPDATE",
                                           " FOR UPDATE", NULL};

char *db_sql_strip_locks(const char *sql)
{
    if (!strstr(sql, " FOR UPDATE") && !strstr(sql, " FOR NO KEY UPDATE")) return NULL;
    char *out = xstrdup(sql), *w = out;
    for (const char *p = sql; *p;) {
        size_t n = 0;
        for (int i = 0; lock_clauses[i] && !n; i++)
            if (strncmp(p, lock_clauses[i], strlen(lock_clauses[i])) == 0)
                n = strlen(lock_clauses[i]);
        if (n) {
            p += n;
            if (strncmp(p, " OF ", 4) == 0)
                for (p += 4; *p == '_' || isalnum((unsigned char)*p); p++)
                    ;
            continue;
        }
        *w++ = *p++;
    }
    *w = '\0';
    return out;
}
