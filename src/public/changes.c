/*
 * changes — the thread that hears other processes' public changes. See changes.h.
 *
 * Loop: wait for notifications until the next check is due (at most CHECK_MS),
 * then compare every page's version with the one the last check saw and report
 * those that moved. The first check only learns the versions (every page is built
 * from the database on its first request anyway). After a failure (the database
 * unreachable) the loop sleeps a second, and the next check compares everything
 * with what was seen before it, so notifications lost meanwhile cost nothing.
 */
#include "public/changes.h"
#include "core/log.h"
#include "core/timeutil.h"
#include "core/xalloc.h"
#include "store/pages.h"
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <time.h>

enum { CHECK_MS = 1000, COMPLAIN_EVERY_US = 60 * 1000000 };

struct seen {
    int64_t id, version;
};

struct changes {
    struct snapshot_registry *g;
    struct db *db;
    pthread_t thread;
    _Atomic bool stop;
    struct seen *seen; /* the versions the last check found, by id */
    size_t nseen;
    bool checked;          /* a check has filled SEEN */
    int64_t complained_us; /* when the last failure was logged */
};

static void on_change(void *arg, int64_t page_id, int64_t version)
{
    struct changes *c = arg;
    snapshot_page_version(c->g, page_id, version);
}

/* Logs E at most once a minute (the storage layer logs its own: the database down). */
static void complain(struct changes *c, const struct err *e)
{
    if (err_logged_by_store(e)) return;
    int64_t now = time_mono_us();
    if (c->complained_us && now - c->complained_us < COMPLAIN_EVERY_US) return;
    c->complained_us = now;
    log_error("public changes: %s (the public pages keep their last content; retrying every "
              "second, logged once a minute)",
              e->msg);
}

static int64_t seen_version(const struct changes *c, int64_t id)
{
    for (size_t i = 0; i < c->nseen; i++)
        if (c->seen[i].id == id) return c->seen[i].version;
    return -1;
}

/* Reads every page's version and reports the ones that moved since the last check. */
static int check(struct changes *c, struct err *e)
{
    json_t *rows = store_page_versions(c->db, e);
    if (!rows) return -1;
    size_t n = json_array_size(rows), i;
    struct seen *now = xcalloc(n ? n : 1, sizeof *now);
    json_t *r;
    json_array_foreach(rows, i, r)
    {
        now[i].id = json_integer_value(json_object_get(r, "id"));
        now[i].version = json_integer_value(json_object_get(r, "version"));
        if (c->checked && seen_version(c, now[i].id) != now[i].version)
            snapshot_page_version(c->g, now[i].id, now[i].version);
    }
    json_decref(rows);
    free(c->seen);
    c->seen = now;
    c->nseen = n;
    c->checked = true;
    return 0;
}

static void *changes_main(void *arg)
{
    struct changes *c = arg;
    sigset_t set;
    sigfillset(&set);
    pthread_sigmask(SIG_BLOCK, &set, NULL); /* signals are the main thread's */
    int64_t next_check = 0;
    while (!atomic_load(&c->stop)) {
        struct err e = {0};
        int64_t now = time_mono_us();
        if (now >= next_check) {
            next_check = now + CHECK_MS * 1000LL;
            if (check(c, &e) != 0) goto failed;
            c->complained_us = 0;
            continue;
        }
        int wait_ms = (int)((next_check - now) / 1000) + 1;
        if (db_wait_changes(c->db, wait_ms, on_change, c, &e) == 0) continue;
    failed:
        complain(c, &e); /* what was missed meanwhile shows in the next check */
        struct timespec ts = {1, 0};
        nanosleep(&ts, NULL);
    }
    return NULL;
}

int changes_start(struct snapshot_registry *g, const char *db_url, struct changes **out,
                  struct err *e)
{
    struct changes *c = xcalloc(1, sizeof *c);
    c->g = g;
    if (db_open(db_url, &c->db, e) != 0) goto fail;
    if (pthread_create(&c->thread, NULL, changes_main, c) != 0) {
        err_set(e, ERR_INTERNAL, "cannot start the thread that watches for public changes");
        goto fail;
    }
    *out = c;
    return 0;
fail:
    db_close(c->db);
    free(c);
    return -1;
}

void changes_stop(struct changes *c)
{
    if (!c) return;
    atomic_store(&c->stop, true);
    pthread_join(c->thread, NULL);
    db_close(c->db);
    free(c->seen);
    free(c);
}
