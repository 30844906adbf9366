/*
 * store/copy — see copy.h. Tables with an id are read in batches of BATCH rows,
 * in id order (WHERE id > last), so a table of a million deliveries never sits in
 * memory whole; the others are small (their keys are pairs of those ids).
 */
#include "store/copy.h"
#include "core/xalloc.h"
#include <assert.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#define BATCH 2000 /* rows of a table with ids read at once */
#define STR(x) #x
#define XSTR(x) STR(x)
enum { MAX_COLS = 32 };

struct table {
    const char *name;
    int ncols;
    bool has_id;                       /* first column "id": read in batches, ids synced after */
    const char *count;                 /* SELECT COUNT(*) */
    const char *select, *select_after; /* all rows; rows with id > ? (has_id) */
    const char *insert;
};

#define TABLE(nm, n, id, order, cols, qs)                                                          \
    {                                                                                              \
        nm, n, id, "SELECT COUNT(*) FROM " nm, "SELECT " cols " FROM " nm " ORDER BY " order,      \
            "SELECT " cols " FROM " nm " WHERE id > ? ORDER BY id LIMIT " XSTR(BATCH),             \
            "INSERT INTO " nm " (" cols ") VALUES (" qs ")"                                        \
    }

/* In the order of their references. */
static const struct table tables[] = {
    TABLE("pages", 19, true, "id",
          "id, slug, title, logo_url, brand_color, time_zone, footer_links, created_at, "
          "updated_at, base_url, reminder_min, visibility, access_password, ip_allow, read_key, "
          "custom_css, footer_markdown, default_language, languages",
          "?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?"),
    TABLE("page_hosts", 2, false, "host", "host, page_id", "?, ?"),
    TABLE("groups", 8, true, "id",
          "id, page_id, name, description, position, hidden, created_at, updated_at",
          "?, ?, ?, ?, ?, ?, ?, ?"),
    TABLE("services", 11, true, "id",
          "id, page_id, group_id, name, description, position, hidden, status, created_at, "
          "updated_at, show_response_time",
          "?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?"),
    TABLE("service_status_log", 4, true, "id", "id, service_id, status, started_at", "?, ?, ?, ?"),
    TABLE("users", 6, true, "id", "id, email, name, password_hash, created_at, updated_at",
          "?, ?, ?, ?, ?, ?"),
    TABLE("events", 19, true, "id",
          "id, page_id, kind, title, stage, impact, scheduled_start, scheduled_end, auto_start, "
          "auto_complete, created_at, updated_at, resolved_at, draft, started_at, postmortem, "
          "postmortem_at, postmortem_published_at, reminded_at",
          "?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?"),
    TABLE("event_updates", 8, true, "id",
          "id, event_id, stage, message, notify, created_at, kind, translations",
          "?, ?, ?, ?, ?, ?, ?, ?"),
    TABLE("event_services", 3, false, "event_id, service_id", "event_id, service_id, status",
          "?, ?, ?"),
    TABLE("update_services", 4, false, "update_id, service_id",
          "update_id, service_id, old_status, new_status", "?, ?, ?, ?"),
    TABLE("templates", 8, true, "id",
          "id, page_id, kind, name, title, message, created_at, updated_at",
          "?, ?, ?, ?, ?, ?, ?, ?"),
    TABLE("subscribers", 18, true, "id",
          "id, page_id, channel, address, state, all_services, token_hash, code_hash, "
          "code_attempts, confirm_sent_at, created_at, updated_at, confirmed_at, bounces, "
          "language, failures, secret, target",
          "?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?"),
    TABLE("subscriber_services", 2, false, "subscriber_id, service_id", "subscriber_id, service_id",
          "?, ?"),
    TABLE("notify_jobs", 11, true, "id",
          "id, page_id, update_id, channels, state, cursor, sms_cursor, channels_done, "
          "created_at, updated_at, url_cursor",
          "?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?"),
    TABLE("integrations", 6, false, "page_id, kind",
          "page_id, kind, enabled, config, secret, updated_at", "?, ?, ?, ?, ?, ?"),
    TABLE("memberships", 4, false, "user_id, page_id", "user_id, page_id, role, created_at",
          "?, ?, ?, ?"),
    TABLE("invitations", 9, true, "id",
          "id, page_id, email, role, token_hash, invited_by, created_at, expires_at, accepted_at",
          "?, ?, ?, ?, ?, ?, ?, ?, ?"),
    TABLE("sessions", 7, false, "id_hash",
          "id_hash, user_id, page_id, csrf_token, created_at, last_seen_at, expires_at",
          "?, ?, ?, ?, ?, ?, ?"),
    TABLE("api_tokens", 9, true, "id",
          "id, page_id, name, prefix, token_hash, created_by, created_at, last_used_at, revoked_at",
          "?, ?, ?, ?, ?, ?, ?, ?, ?"),
    TABLE("settings", 2, false, "name", "name, value", "?, ?"),
    TABLE("rate_limits", 3, false, "bucket, window_start", "bucket, window_start, hits", "?, ?, ?"),
    TABLE("audit_log", 7, true, "id", "id, page_id, actor, action, object_id, detail, created_at",
          "?, ?, ?, ?, ?, ?, ?"),
    TABLE("oauth_requests", 11, true, "id",
          "id, page_id, state, callback, token, secret, verifier, error, lease_until, created_at, "
          "updated_at",
          "?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?"),
    TABLE("deliveries", 17, true, "id",
          "id, page_id, kind, update_id, invitation_id, channel, recipient, subscriber_id, state, "
          "attempts, next_attempt_at, lease_until, last_error, accepted_at, created_at, sent_at, "
          "claimed_by",
          "?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?"),
    TABLE("monitors", 29, true, "id",
          "id, page_id, service_id, name, kind, target, interval_s, timeout_ms, expect_status, "
          "keyword, max_latency_ms, tls_warn_days, failures_before, successes_before, "
          "status_on_failure, incident, follow_redirects, enabled, state, fails, oks, set_status, "
          "incident_id, last_checked_at, last_latency_ms, last_error, next_check_at, created_at, "
          "updated_at",
          "?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?"),
    TABLE("monitor_results", 6, true, "id", "id, monitor_id, checked_at, ok, latency_ms, error",
          "?, ?, ?, ?, ?, ?"),
    TABLE("monitor_rollups", 6, false, "monitor_id, minute",
          "monitor_id, minute, checks, failures, p50_ms, p95_ms", "?, ?, ?, ?, ?, ?"),
    TABLE("monitor_days", 6, false, "monitor_id, day",
          "monitor_id, day, checks, failures, p50_ms, p95_ms", "?, ?, ?, ?, ?, ?"),
    TABLE("alert_sources", 8, true, "id",
          "id, page_id, kind, name, incident, secret_hash, created_at, updated_at",
          "?, ?, ?, ?, ?, ?, ?, ?"),
    TABLE("alerts", 10, true, "id",
          "id, source_id, fingerprint, service_id, state, status, set_status, incident_id, "
          "created_at, updated_at",
          "?, ?, ?, ?, ?, ?, ?, ?, ?, ?"),
};

/* Columns that name a row of their own table, which may come later in id order (a coalesced
 * e-mail names the delivery it went out with): copied after their table, a batch at a time. */
static const struct link {
    const char *table, *column;
    const char *select; /* "id, column" of the rows with one, id > ? */
    const char *update; /* sets the column (first value) of row id (second) */
} links[] = {
    {"deliveries", "coalesced_into",
     "SELECT coalesced_into, id FROM deliveries WHERE coalesced_into IS NOT NULL AND id > ? "
     "ORDER BY id LIMIT " XSTR(BATCH),
     "UPDATE deliveries SET coalesced_into = ? WHERE id = ?"},
};

/* Copies link L's values from FROM to TO (after its table). */
static int copy_link(struct db *from, struct db *to, const struct link *l, struct err *e)
{
    for (int64_t last = 0;;) {
        struct db_rows r;
        int n = 0, got;
        if (db_rows_open(&r, from, e, "read a table", l->select, "i", last) != 0) return -1;
        while ((got = db_rows_next(&r, e)) == 1) {
            const char *vals[2] = {db_rows_text(&r, 0), db_rows_text(&r, 1)};
            last = db_rows_int(&r, 1);
            n++;
            if (db_exec_texts(to, e, l->update, 2, vals) != 0) {
                got = -1;
                break;
            }
        }
        db_rows_close(&r);
        if (got != 0) return -1;
        if (n < BATCH) return 0;
    }
}

bool store_copy_copies(const char *table, const char *column)
{
    for (size_t i = 0; i < sizeof links / sizeof links[0]; i++)
        if (strcmp(links[i].table, table) == 0 && strcmp(links[i].column, column) == 0) return true;
    for (size_t i = 0; i < sizeof tables / sizeof tables[0]; i++) {
        if (strcmp(tables[i].name, table) != 0) continue;
        /* the select's column list: "SELECT a, b, c FROM t …" */
        const char *p = tables[i].select + strlen("SELECT "), *end = strstr(p, " FROM ");
        size_t n = strlen(column);
        while (p && p < end) {
            const char *comma = memchr(p, ',', (size_t)(end - p));
            const char *stop = comma ? comma : end;
            if ((size_t)(stop - p) == n && strncmp(p, column, n) == 0) return true;
            p = comma ? comma + 2 : NULL;
        }
        return false;
    }
    return false;
}

/* Copies the rows R holds into T on TO; *ROWS counts them, *LAST gets the last id. */
static int copy_rows(struct db_rows *r, struct db *to, const struct table *t, int64_t *rows,
                     int64_t *last, struct err *e)
{
    const char *vals[MAX_COLS];
    int got;
    while ((got = db_rows_next(r, e)) == 1) {
        for (int c = 0; c < t->ncols; c++)
            vals[c] = db_rows_null(r, c) ? NULL : db_rows_text(r, c);
        if (t->has_id) *last = db_rows_int(r, 0);
        if (db_exec_texts(to, e, t->insert, t->ncols, vals) != 0) return -1;
        ++*rows;
    }
    return got;
}

/* Copies table T; *ROWS gets its rows. */
static int copy_table(struct db *from, struct db *to, const struct table *t, int64_t *rows,
                      struct err *e)
{
    struct db_rows r;
    *rows = 0;
    if (!t->has_id) {
        if (db_rows_open(&r, from, e, "read a table", t->select, NULL) != 0) return -1;
        int rc = copy_rows(&r, to, t, rows, &(int64_t){0}, e);
        db_rows_close(&r);
        return rc;
    }
    for (int64_t last = 0;;) {
        int64_t before = *rows;
        if (db_rows_open(&r, from, e, "read a table", t->select_after, "i", last) != 0) return -1;
        int rc = copy_rows(&r, to, t, rows, &last, e);
        db_rows_close(&r);
        if (rc != 0) return -1;
        if (*rows - before < BATCH) break;
    }
    return db_sync_ids(to, t->name, e);
}

int store_copy(struct db *from, struct db *to,
               void (*on_table)(void *arg, const char *table, int64_t rows), void *arg,
               struct err *e)
{
    size_t n = sizeof tables / sizeof tables[0];
    for (size_t i = 0; i < n; i++) {
        assert(tables[i].ncols <= MAX_COLS);
        int64_t count = 0;
        if (db_query_int(to, e, &count, tables[i].count, NULL) < 0) return -1;
        if (count > 0)
            return err_set(e, ERR_CONFLICT,
                           "the target database is not empty (table %s has %lld rows): copy "
                           "into a new, empty database",
                           tables[i].name, (long long)count);
    }
    if (db_begin(from, e) != 0) return -1;
    if (db_begin(to, e) != 0) {
        db_rollback(from);
        return -1;
    }
    int64_t *counts = xcalloc(n, sizeof *counts);
    for (size_t i = 0; i < n; i++)
        if (copy_table(from, to, &tables[i], &counts[i], e) != 0) goto fail;
    for (size_t i = 0; i < sizeof links / sizeof links[0]; i++)
        if (copy_link(from, to, &links[i], e) != 0) goto fail;
    db_rollback(from); /* read only */
    if (db_commit(to, e) != 0) {
        free(counts);
        return -1;
    }
    for (size_t i = 0; on_table && i < n; i++)
        on_table(arg, tables[i].name, counts[i]);
    free(counts);
    return 0;
fail:
    free(counts);
    db_rollback(to);
    db_rollback(from);
    return -1;
}
