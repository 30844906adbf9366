/*
 * changes — the thread that tells the other nodes of this process's public changes and
 * hears of theirs. See changes.h.
 *
 * Loop: announce the pages this process changed (changes_announce queues them and wakes
 * the thread; at most one announcement per ANNOUNCE_GAP_MS, so a burst of writes costs
 * the database one NOTIFY per page per gap, not one per write: with one per write, status
 * updates at 2,500/s cost PostgreSQL 2.8 commits each, with the gap 1.0), wait for
 * notifications until the next look is due (at most LOOK_MS),
 * then read the page_changes rows of others of the last LOOKBACK_S seconds
 * (store_page_changes_since) and report the pages of rows the last look did not see.
 * Ids grow but commit out of order, so a look keeps the ids it saw rather than the
 * highest; a change is found if it commits within LOOKBACK_S - 1 seconds of its row's
 * time (a write transaction takes milliseconds). The first look only learns (every page
 * is built from the database on its first request anyway). Every PRUNE_MS the rows
 * older than KEEP_S go, long out of every look's reach. After a failure (the database
 * unreachable) the loop sleeps a second and the next look catches up, so notifications
 * lost meanwhile, and announcements that could not be made, cost that second — up to a
 * failure longer than LOOKBACK_S, after which every page is marked changed.
 */
#include "public/changes.h"
#include "core/log.h"
#include "core/timeutil.h"
#include "core/xalloc.h"
#include "store/pages.h"
#include <assert.h>
#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <time.h>
#include <unistd.h>

enum {
    LOOK_MS = 1000,
    ANNOUNCE_GAP_MS = 20,
    LOOKBACK_S = 5,
    PRUNE_MS = 10000,
    KEEP_S = 60,
    MAX_QUEUED = 256,
    COMPLAIN_EVERY_US = 60 * 1000000
};

struct changes {
    struct snapshot_registry *g;
    struct db *db;
    char *node;
    bool announces; /* the backend has other nodes to tell (PostgreSQL) */
    int wake;       /* eventfd: pages were queued, or stop */
    pthread_t thread;
    _Atomic bool stop;
    pthread_mutex_t mu; /* guards queued/nqueued */
    int64_t queued[MAX_QUEUED];
    size_t nqueued;
    int64_t *seen; /* the ids the last look found, ascending */
    size_t nseen;
    bool looked;           /* a look has filled SEEN */
    int64_t looked_us;     /* when (time_mono_us) the last look succeeded */
    int64_t announced_us;  /* when the last announcement was made */
    int64_t complained_us; /* when the last failure was logged */
};

static void on_change(void *arg, int64_t page_id, const char *node)
{
    struct changes *c = arg;
    if (strcmp(node, c->node) != 0) snapshot_page_heard(c->g, page_id);
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

static bool was_seen(const struct changes *c, int64_t id)
{
    size_t lo = 0, hi = c->nseen;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (c->seen[mid] == id) return true;
        if (c->seen[mid] < id)
            lo = mid + 1;
        else
            hi = mid;
    }
    return false;
}

/* Reads the rows of others of the last LOOKBACK_S seconds and reports the pages of those
 * the last look did not see. After a gap longer than the look-back (the database down),
 * rows may have come and gone unseen: every page served here is marked changed. */
static int look(struct changes *c, struct err *e)
{
    json_t *rows = store_page_changes_since(c->db, time_now() - LOOKBACK_S, c->node, e);
    if (!rows) return -1;
    int64_t now_us = time_mono_us();
    bool gap = c->looked && now_us - c->looked_us > (LOOKBACK_S - 1) * 1000000LL;
    size_t n = json_array_size(rows), i;
    int64_t *ids = xcalloc(n ? n : 1, sizeof *ids);
    json_t *r;
    json_array_foreach(rows, i, r)
    {
        ids[i] = json_integer_value(json_object_get(r, "id"));
        assert(i == 0 || ids[i] > ids[i - 1]); /* ORDER BY id */
        if (c->looked && !gap && !was_seen(c, ids[i]))
            snapshot_page_heard(c->g, json_integer_value(json_object_get(r, "page_id")));
    }
    json_decref(rows);
    if (gap) snapshot_all_heard(c->g);
    free(c->seen);
    c->seen = ids;
    c->nseen = n;
    c->looked = true;
    c->looked_us = now_us;
    return 0;
}

/* Wakes the thread (the eventfd's counter: when it is full, it is awake anyway). */
static void wake(struct changes *c)
{
    uint64_t one = 1;
    ssize_t n = write(c->wake, &one, sizeof one);
    (void)n;
}

/* Tells the other nodes of the pages queued since the last call. */
static int announce(struct changes *c, struct err *e)
{
    uint64_t v;
    ssize_t got = read(c->wake, &v, sizeof v); /* the wake-ups so far; none: EAGAIN */
    (void)got;
    int64_t pages[MAX_QUEUED];
    pthread_mutex_lock(&c->mu);
    size_t n = c->nqueued;
    memcpy(pages, c->queued, n * sizeof *pages);
    c->nqueued = 0;
    pthread_mutex_unlock(&c->mu);
    if (n) c->announced_us = time_mono_us();
    for (size_t i = 0; i < n; i++)
        if (db_announce_change(c->db, pages[i], c->node, e) != 0) return -1;
    return 0;
}

static void *changes_main(void *arg)
{
    struct changes *c = arg;
    sigset_t set;
    sigfillset(&set);
    pthread_sigmask(SIG_BLOCK, &set, NULL); /* signals are the main thread's */
    int64_t next_look = 0, next_prune = 0;
    while (!atomic_load(&c->stop)) {
        struct err e = {0};
        int64_t now = time_mono_us();
        bool held = c->announced_us && now - c->announced_us < ANNOUNCE_GAP_MS * 1000LL;
        if (!held && announce(c, &e) != 0) goto failed;
        if (now >= next_prune) {
            next_prune = now + PRUNE_MS * 1000LL;
            if (store_page_changes_prune(c->db, time_now() - KEEP_S, &e) != 0) goto failed;
        }
        if (now >= next_look) {
            next_look = now + LOOK_MS * 1000LL;
            if (look(c, &e) != 0) goto failed;
            c->complained_us = 0;
            continue;
        }
        int wait_ms = (int)((next_look - now) / 1000) + 1, wake_fd = c->wake;
        if (held) { /* what is queued meanwhile goes at the gap's end, in one announcement */
            int gap_ms = (int)((c->announced_us + ANNOUNCE_GAP_MS * 1000LL - now) / 1000) + 1;
            if (gap_ms < wait_ms) wait_ms = gap_ms;
            wake_fd = -1;
        }
        if (db_wait_changes(c->db, wait_ms, wake_fd, on_change, c, &e) == 0) continue;
    failed:
        complain(c, &e); /* what was missed meanwhile shows in the next look */
        struct timespec ts = {1, 0};
        nanosleep(&ts, NULL);
    }
    return NULL;
}

void changes_announce(struct changes *c, int64_t page_id)
{
    if (!c || !c->announces) return;
    pthread_mutex_lock(&c->mu);
    bool queued = false;
    for (size_t i = 0; i < c->nqueued && !queued; i++)
        queued = c->queued[i] == page_id;
    /* a full queue drops the page: the other nodes' next look finds it */
    if (!queued && c->nqueued < MAX_QUEUED) c->queued[c->nqueued++] = page_id;
    pthread_mutex_unlock(&c->mu);
    wake(c);
}

int changes_start(struct snapshot_registry *g, const char *db_url, const char *node,
                  struct changes **out, struct err *e)
{
    struct changes *c = xcalloc(1, sizeof *c);
    c->g = g;
    c->node = xstrdup(node);
    pthread_mutex_init(&c->mu, NULL);
    c->wake = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
    if (c->wake < 0) {
        err_set(e, ERR_INTERNAL, "cannot make an eventfd: %s", strerror(errno));
        goto fail;
    }
    if (db_open(db_url, &c->db, e) != 0) goto fail;
    c->announces = strcmp(db_kind(c->db), "sqlite") != 0;
    if (pthread_create(&c->thread, NULL, changes_main, c) != 0) {
        err_set(e, ERR_INTERNAL, "cannot start the thread that watches for public changes");
        goto fail;
    }
    *out = c;
    return 0;
fail:
    db_close(c->db);
    if (c->wake >= 0) close(c->wake);
    pthread_mutex_destroy(&c->mu);
    free(c->node);
    free(c);
    return -1;
}

void changes_stop(struct changes *c)
{
    if (!c) return;
    atomic_store(&c->stop, true);
    wake(c);
    pthread_join(c->thread, NULL);
    db_close(c->db);
    close(c->wake);
    pthread_mutex_destroy(&c->mu);
    free(c->seen);
    free(c->node);
    free(c);
}
