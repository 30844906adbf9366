/*
 * snapshot — lifecycle of snapshots and the per-page registry. See snapshot.h.
 * Entries (ETags, gzip copies, spooled files) are snapshot_entry.c's.
 *
 * Locking: the registry's mutex guards every page state and the host map; a
 * build runs outside it (flag `building` tells others to wait on `built`).
 * Reference counts are atomics, so a release from the network's cleanup
 * callback needs no lock. The builder thread and request threads run the same
 * ensure() loop, each on its own database connection.
 */
#include "core/log.h"
#include "core/timeutil.h"
#include "core/xalloc.h"
#include "public/snapshot_impl.h"
#include "public/view.h"
#include "store/pages.h"
#include "store/public.h"
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>
#include <unistd.h>

/* The builder's pause between rounds for other nodes' changes: four times what its last
 * round took (so they cost it a fifth of a core at most), within these bounds. */
enum { BUILD_GAP_MIN_US = 5000, BUILD_GAP_MAX_US = 50000 };
enum { RETRY_US = 1000000 }; /* a failed build keeps the old snapshot this long */
enum { WARM_SECONDS = 30 };  /* pages read this recently are rebuilt ahead of requests */
/* The builder's nice value. In a spike the workers serving readers and the builder
 * share the cores; at 0 the builder, woken by each change, preempted a worker for a
 * build (2 ms) and stalled its connections. At 5 (CFS weight 335 against 1,024) it
 * still gets a quarter of a busy core, a build a few ms later; readers come first. The
 * spike bench (50 changes/s, 1,000 connections): p99 1.03x nginx's before, 0.89x after;
 * a status change's answer (held until built) p50 22 -> 32 ms. */
enum { BUILDER_NICE = 5 };

/* Waits on COND (with MU held) for at most US microseconds. */
static void cond_wait_us(pthread_cond_t *cond, pthread_mutex_t *mu, int64_t us)
{
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    int64_t ns = ts.tv_nsec + us * 1000;
    ts.tv_sec += ns / 1000000000;
    ts.tv_nsec = ns % 1000000000;
    pthread_cond_timedwait(cond, mu, &ts);
}

static int by_path(const void *a, const void *b)
{
    return strcmp(((const struct snap_entry *)a)->path, ((const struct snap_entry *)b)->path);
}

static void snapshot_free(struct snapshot *s)
{
    for (size_t i = 0; i < s->n; i++)
        snap_entry_free(&s->v[i]);
    free(s->v);
    for (struct lazy_entry *l = atomic_load(&s->lazy), *next; l; l = next) {
        next = l->next;
        snap_entry_free(&l->e);
        free(l);
    }
    pthread_mutex_destroy(&s->lazy_mu);
    for (int i = 0; i < I18N_COUNT; i++)
        json_decref(s->lang_models[i]);
    json_decref(s->model);
    free(s);
}

int snapshot_build(struct db *db, int64_t page_id, const struct snap_renderer *r,
                   struct snapshot **out, struct err *e)
{
    int64_t now = time_now();
    struct snapshot *s = xcalloc(1, sizeof *s);
    atomic_init(&s->refs, 1);
    pthread_mutex_init(&s->lazy_mu, NULL);
    s->page_id = page_id;
    s->r = *r;
    s->valid_until = (now / 86400 + 1) * 86400;
    if (public_access_load(db, page_id, &s->access, e) != 0 ||
        view_build(db, page_id, r->base_url, r->tmpls, now, &s->model, e) != 0 ||
        snap_render_all(s, db, e) != 0) {
        snapshot_free(s);
        return -1;
    }
    qsort(s->v, s->n, sizeof *s->v, by_path);
    *out = s;
    return 0;
}

void snapshot_ref(struct snapshot *s)
{
    atomic_fetch_add_explicit(&s->refs, 1, memory_order_relaxed);
}

void snapshot_release(struct snapshot *s)
{
    if (s && atomic_fetch_sub_explicit(&s->refs, 1, memory_order_acq_rel) == 1) snapshot_free(s);
}

const struct snap_entry *snapshot_find(struct snapshot *s, const char *path)
{
    struct snap_entry key = {.path = (char *)path};
    return bsearch(&key, s->v, s->n, sizeof *s->v, by_path);
}

/* The entry at PATH rendered on demand in the list from HEAD, or NULL. */
static const struct snap_entry *lazy_find(struct lazy_entry *head, const char *path)
{
    for (struct lazy_entry *l = head; l; l = l->next)
        if (strcmp(l->e.path, path) == 0) return &l->e;
    return NULL;
}

const struct snap_entry *snapshot_get(struct snapshot *s, struct db *db, const char *path,
                                      struct err *e)
{
    const struct snap_entry *found = snapshot_find(s, path);
    if (!found) found = lazy_find(atomic_load_explicit(&s->lazy, memory_order_acquire), path);
    if (found) return found;
    /* Rendered outside the lock; two threads may render the same page, the first wins. */
    char *body;
    size_t len;
    const char *ctype;
    if (snap_render_path(s, db, path, &body, &len, &ctype, e) != 0) return NULL;
    struct lazy_entry *l = xcalloc(1, sizeof *l);
    snap_entry_fill(&l->e, path, ctype, body, len);
    pthread_mutex_lock(&s->lazy_mu);
    struct lazy_entry *head = atomic_load_explicit(&s->lazy, memory_order_relaxed);
    found = lazy_find(head, path);
    if (!found) {
        l->next = head; /* published whole: readers see it with its fields set */
        atomic_store_explicit(&s->lazy, l, memory_order_release);
    }
    pthread_mutex_unlock(&s->lazy_mu);
    if (!found) return &l->e;
    snap_entry_free(&l->e);
    free(l);
    return found;
}

const char *snapshot_brand_name(const struct snapshot *s)
{
    return s->brand_name;
}

const struct public_access *snapshot_access(const struct snapshot *s)
{
    return &s->access;
}

const json_t *snapshot_model(const struct snapshot *s)
{
    return s->model;
}

const struct snap_entry *snapshot_entry(const struct snapshot *s, size_t i)
{
    return i < s->n ? &s->v[i] : NULL;
}

/* ---- registry ------------------------------------------------------------ */

struct page_state {
    int64_t id;
    uint64_t wanted, built;
    /* Requests may be answered from a snapshot older than `wanted` (while the builder
     * brings the new one) but never from one older than `must`: the changes that the
     * builder does not build (a page not being read, a failed build) raise it. */
    uint64_t must;
    int64_t retry_us; /* after a failed build: time_mono_us() before which cur is served */
    bool building;
    _Atomic int64_t last_wanted; /* time_now() of the last request for it (builder hint) */
    struct snapshot *cur;
};

struct snapshot_registry {
    struct snap_renderer r;
    char *db_url;
    pthread_mutex_t mu;
    pthread_cond_t built; /* a build finished */
    pthread_cond_t wake;  /* the builder has work */
    struct page_state **pages;
    size_t npages;
    json_t *hosts; /* {"host": page_id} */
    int64_t default_page;
    bool hosts_dirty, pending, stop, started;
    bool urgent;                 /* a writer waits for the builder's next round */
    void (*on_built)(void *arg); /* after each of the builder's builds, under mu */
    void *on_built_arg;
    pthread_t thread;
    _Atomic uint64_t epoch; /* bumped by every change of a page or of the host map */
};

struct snapshot_registry *snapshot_registry_new(const struct snap_renderer *r, const char *db_url)
{
    struct snapshot_registry *g = xcalloc(1, sizeof *g);
    g->r = *r;
    g->db_url = xstrdup(db_url);
    pthread_mutex_init(&g->mu, NULL);
    pthread_cond_init(&g->built, NULL);
    pthread_cond_init(&g->wake, NULL);
    g->hosts_dirty = true;
    if (r->spool_dir) snap_spool_dir(r->spool_dir);
    return g;
}

/* The state of PAGE_ID, or NULL when it has none yet. Under g->mu. */
static struct page_state *page_find(struct snapshot_registry *g, int64_t page_id)
{
    for (size_t i = 0; i < g->npages; i++)
        if (g->pages[i]->id == page_id) return g->pages[i];
    return NULL;
}

/* The state of PAGE_ID, created on first use (stale). Under g->mu. */
static struct page_state *page_state(struct snapshot_registry *g, int64_t page_id)
{
    struct page_state *found = page_find(g, page_id);
    if (found) return found;
    g->pages = xrealloc(g->pages, (g->npages + 1) * sizeof *g->pages);
    struct page_state *p = xcalloc(1, sizeof *p);
    p->id = page_id;
    p->wanted = 1;
    g->pages[g->npages++] = p;
    return p;
}

/* The host map is stale, and with REBUILD the pages whose "wanted" the caller moved on:
 * the builder is woken for them. Under g->mu. */
static void stale_locked(struct snapshot_registry *g, bool rebuild)
{
    g->hosts_dirty = true;
    atomic_fetch_add(&g->epoch, 1);
    if (!rebuild) return;
    g->pending = true;
    pthread_cond_signal(&g->wake);
}

/* Being read: built, and requested in the last WARM_SECONDS. Under g->mu. */
static bool is_warm(const struct page_state *p, int64_t now)
{
    return p->cur &&
           now - atomic_load_explicit(&p->last_wanted, memory_order_relaxed) <= WARM_SECONDS;
}

/* P has changed (its wanted generation has moved on): a page being read is rebuilt by
 * the builder (true), one not being read by its next request (its `must` moves on). Under
 * g->mu. */
static bool changed_locked(struct page_state *p, int64_t now)
{
    if (is_warm(p, now)) return true;
    p->must = p->wanted;
    return false;
}

void snapshot_page_heard(struct snapshot_registry *g, int64_t page_id)
{
    pthread_mutex_lock(&g->mu);
    struct page_state *p = page_find(g, page_id);
    if (p) p->wanted++;
    /* not served here: it may have taken a host all the same */
    stale_locked(g, p && changed_locked(p, time_now()));
    pthread_mutex_unlock(&g->mu);
}

void snapshot_all_heard(struct snapshot_registry *g)
{
    pthread_mutex_lock(&g->mu);
    bool rebuild = false;
    int64_t now = time_now();
    for (size_t i = 0; i < g->npages; i++) {
        g->pages[i]->wanted++;
        rebuild |= changed_locked(g->pages[i], now);
    }
    stale_locked(g, rebuild);
    pthread_mutex_unlock(&g->mu);
}

/* Reloads the host map from DB. Under g->mu. */
static int hosts_load(struct snapshot_registry *g, struct db *db, struct err *e)
{
    json_t *rows = store_public_hosts(db, e);
    int64_t def = rows ? store_page_resolve(db, NULL, e) : -1;
    if (def < 0) {
        json_decref(rows);
        return -1;
    }
    json_t *map = json_object();
    size_t i;
    json_t *r;
    json_array_foreach(rows, i, r) json_object_set(
        map, json_string_value(json_object_get(r, "host")), json_object_get(r, "page_id"));
    json_decref(rows);
    json_decref(g->hosts);
    g->hosts = map;
    g->default_page = def;
    g->hosts_dirty = false;
    return 0;
}

/* The page of HOST into *PAGE_ID, reloading the host map when stale (the old map stays
 * while the database cannot give a new one). Under g->mu. */
static int host_page(struct snapshot_registry *g, struct db *db, const char *host, int64_t *page_id,
                     struct err *e)
{
    if (g->hosts_dirty && hosts_load(g, db, e) != 0 && !g->hosts) return -1;
    bool base = host && g->r.base_host && strcmp(host, g->r.base_host) == 0;
    json_t *id = host && !base ? json_object_get(g->hosts, host) : NULL;
    *page_id = id ? json_integer_value(id) : g->default_page;
    if (!*page_id) return err_set(e, ERR_NOT_FOUND, "this server has no status page yet");
    return 0;
}

/* Up to date: built for the wanted generation, and not past its day. Under g->mu. */
static bool is_fresh(const struct page_state *p, int64_t now)
{
    return p->cur && p->built == p->wanted && now < p->cur->valid_until;
}

/* Notes that PAGE was just asked for (cheap when it already was this second). */
static void touch(struct page_state *p, int64_t now)
{
    if (atomic_load_explicit(&p->last_wanted, memory_order_relaxed) != now)
        atomic_store_explicit(&p->last_wanted, now, memory_order_relaxed);
}

/* Servable to a request although not fresh: a newer one is on its way (the builder makes
 * it, see snapshot.h), and this one is of today. Under g->mu. */
static bool is_servable(const struct page_state *p, int64_t now)
{
    return p->cur && p->built >= p->must && now < p->cur->valid_until;
}

/* Makes the snapshot of PAGE_ID (or, when HOST is not NULL, of HOST's page) current,
 * building it on DB or waiting for the build in progress, and returns it, with a
 * reference when REF (then *STATE, when not NULL, gets the page's state). A request takes
 * a reference, and a servable snapshot will do for it: requests never build or wait while
 * a newer snapshot is the builder's to make. NULL with E filled on failure. One lock round
 * trip when fresh. */
static struct snapshot *ensure_state(struct snapshot_registry *g, struct db *db, int64_t page_id,
                                     const char *host, bool ref, struct page_state **state,
                                     struct err *e)
{
    struct snapshot *s = NULL;
    pthread_mutex_lock(&g->mu);
    if (host && host_page(g, db, host, &page_id, e) != 0) {
        pthread_mutex_unlock(&g->mu);
        return NULL;
    }
    struct page_state *p = page_state(g, page_id);
    if (state) *state = p;
    if (ref) touch(p, time_now());
    for (;;) {
        int64_t now = time_now();
        /* fresh (or, for a request, servable), or stale with the database failing: the
         * last one is what there is */
        if (is_fresh(p, now) || (ref && is_servable(p, now)) ||
            (p->cur && time_mono_us() < p->retry_us)) {
            s = p->cur;
            if (ref) snapshot_ref(s);
            break;
        }
        if (p->building) {
            pthread_cond_wait(&g->built, &g->mu);
            continue;
        }
        p->building = true;
        uint64_t target = p->wanted;
        pthread_mutex_unlock(&g->mu);
        struct snapshot *ns = NULL;
        int64_t t0 = time_mono_us();
        int rc = snapshot_build(db, page_id, &g->r, &ns, e);
        if (rc == 0)
            log_debug("page %lld: snapshot built in %.1f ms", (long long)page_id,
                      (time_mono_us() - t0) / 1000.0);
        else if (!err_logged_by_store(e))
            log_error("page %lld: snapshot build failed: %s", (long long)page_id, e->msg);
        pthread_mutex_lock(&g->mu);
        p->building = false;
        pthread_cond_broadcast(&g->built);
        if (rc != 0 && p->cur) { /* keep serving what was built, try again in a while */
            p->retry_us = time_mono_us() + RETRY_US;
            if (p->must < target) p->must = target; /* a request tries, once that while is up */
            continue;
        }
        if (rc != 0) break; /* s stays NULL: the caller answers 503, the next request retries */
        struct snapshot *old = p->cur;
        p->cur = ns;
        p->built = target;
        atomic_fetch_add(&g->epoch, 1);
        snapshot_release(old);
    }
    pthread_mutex_unlock(&g->mu);
    return s;
}

static struct snapshot *ensure(struct snapshot_registry *g, struct db *db, int64_t page_id,
                               const char *host, bool ref, struct err *e)
{
    return ensure_state(g, db, page_id, host, ref, NULL, e);
}

uint64_t snapshot_changed(struct snapshot_registry *g, int64_t page_id)
{
    pthread_mutex_lock(&g->mu);
    struct page_state *p = page_state(g, page_id);
    p->wanted++;
    bool warm = changed_locked(p, time_now());
    if (warm) g->urgent = true; /* a writer waits: no pause before the builder's round */
    stale_locked(g, warm);
    uint64_t target = warm ? p->wanted : 0;
    pthread_mutex_unlock(&g->mu);
    return target;
}

/* Done with generation TARGET of P: built, or left to requests (not read any more, or the
 * build failed: `must` moved on). Under g->mu. */
static bool is_done(const struct page_state *p, uint64_t target)
{
    return p->built >= target || p->must >= target;
}

bool snapshot_is_built(struct snapshot_registry *g, int64_t page_id, uint64_t target)
{
    pthread_mutex_lock(&g->mu);
    struct page_state *p = page_find(g, page_id);
    bool done = !p || is_done(p, target);
    pthread_mutex_unlock(&g->mu);
    return done;
}

void snapshot_wait_built(struct snapshot_registry *g, int64_t page_id, uint64_t target)
{
    int64_t until = time_mono_us() + 2 * RETRY_US;
    pthread_mutex_lock(&g->mu);
    struct page_state *p = page_state(g, page_id);
    while (!is_done(p, target) && !g->stop && time_mono_us() < until)
        cond_wait_us(&g->built, &g->mu, 100000);
    pthread_mutex_unlock(&g->mu);
}

void snapshot_registry_on_built(struct snapshot_registry *g, void (*fn)(void *arg), void *arg)
{
    pthread_mutex_lock(&g->mu);
    g->on_built = fn;
    g->on_built_arg = arg;
    pthread_mutex_unlock(&g->mu);
}

/* ---- per-thread cache ------------------------------------------------------ */

enum { CACHE_HOSTS = 4 };

struct snapshot_cache {
    struct cached {
        struct snapshot_registry *g;
        uint64_t epoch;     /* g->epoch when S was current */
        struct snapshot *s; /* one reference, or NULL */
        struct page_state *p;
        char host[256];
    } e[CACHE_HOSTS];
    unsigned next; /* the slot to reuse next */
};

struct snapshot_cache *snapshot_cache_new(void)
{
    return xcalloc(1, sizeof(struct snapshot_cache));
}

void snapshot_cache_free(struct snapshot_cache *c)
{
    if (!c) return;
    for (int i = 0; i < CACHE_HOSTS; i++)
        snapshot_release(c->e[i].s);
    free(c);
}

struct snapshot *snapshot_acquire_cached(struct snapshot_registry *g, struct snapshot_cache *c,
                                         struct db *db, const char *host, struct err *e)
{
    host = host ? host : "";
    if (strlen(host) >= sizeof c->e[0].host) return snapshot_acquire_host(g, db, host, e);
    /* Read before anything else: a change after this makes the next request miss. */
    uint64_t epoch = atomic_load_explicit(&g->epoch, memory_order_acquire);
    int64_t now = time_now();
    struct cached *slot = NULL;
    for (int i = 0; i < CACHE_HOSTS; i++) {
        struct cached *k = &c->e[i];
        if (k->g != g || strcmp(k->host, host) != 0) continue;
        if (k->s && k->epoch == epoch && now < k->s->valid_until) {
            touch(k->p, now);
            snapshot_ref(k->s);
            return k->s;
        }
        slot = k;
        break;
    }
    struct page_state *p = NULL;
    struct snapshot *s = ensure_state(g, db, 0, host, true, &p, e);
    if (!s) return NULL;
    if (!slot) {
        slot = &c->e[c->next];
        c->next = (c->next + 1) % CACHE_HOSTS;
    }
    snapshot_release(slot->s);
    snapshot_ref(s);
    *slot = (struct cached){.g = g, .epoch = epoch, .s = s, .p = p};
    snprintf(slot->host, sizeof slot->host, "%s", host);
    return s;
}

struct snapshot *snapshot_acquire(struct snapshot_registry *g, struct db *db, int64_t page_id,
                                  struct err *e)
{
    return ensure(g, db, page_id, NULL, true, e);
}

struct snapshot *snapshot_acquire_host(struct snapshot_registry *g, struct db *db, const char *host,
                                       struct err *e)
{
    return ensure(g, db, 0, host ? host : "", true, e);
}

static void *builder_main(void *arg)
{
    struct snapshot_registry *g = arg;
    struct db *db = NULL;
    struct err e = {0};
    if (setpriority(PRIO_PROCESS, (id_t)gettid(), BUILDER_NICE) != 0)
        log_warn("snapshot builder: cannot lower its priority: %s", strerror(errno));
    pthread_mutex_lock(&g->mu);
    while (!g->stop && db_open(g->db_url, &db, &e) != 0) { /* the database is down: wait */
        if (!err_logged_by_store(&e))
            log_error("snapshot builder: %s (trying again in a second)", e.msg);
        cond_wait_us(&g->wake, &g->mu, 1000000);
    }
    int64_t last_round = 0, gap_us = BUILD_GAP_MIN_US;
    while (!g->stop) {
        if (!g->pending) {
            pthread_cond_wait(&g->wake, &g->mu);
            continue;
        }
        /* Other nodes' changes wait for the pause after the last round (a storm of them
         * keeps a fifth of a core busy at most); a round that a writer waits for
         * (urgent) starts at once. */
        int64_t wait_us = last_round + gap_us - time_mono_us();
        if (wait_us > 0 && !g->urgent) {
            cond_wait_us(&g->wake, &g->mu, wait_us);
            continue;
        }
        last_round = time_mono_us();
        g->pending = g->urgent = false;
        if (g->hosts_dirty && hosts_load(g, db, &e) != 0)
            log_error("snapshot builder: hosts: %s", e.msg);
        for (size_t i = 0; i < g->npages; i++) {
            struct page_state *p = g->pages[i];
            int64_t id = p->id, now = time_now();
            /* Only pages people are reading are built here: a page nobody asked for in
             * the last WARM_SECONDS is built by its next request instead. */
            if (!p->cur || is_fresh(p, now) || !changed_locked(p, now)) continue;
            pthread_mutex_unlock(&g->mu);
            ensure(g, db, id, NULL, false, &e);
            pthread_mutex_lock(&g->mu);
            if (g->on_built) g->on_built(g->on_built_arg); /* writers waiting may answer */
        }
        if (g->on_built) g->on_built(g->on_built_arg); /* and those the round passed over */
        int64_t took = time_mono_us() - last_round;
        gap_us = took * 4 < BUILD_GAP_MIN_US   ? BUILD_GAP_MIN_US
                 : took * 4 > BUILD_GAP_MAX_US ? BUILD_GAP_MAX_US
                                               : took * 4;
    }
    pthread_mutex_unlock(&g->mu);
    db_close(db);
    return NULL;
}

int snapshot_registry_start(struct snapshot_registry *g, struct err *e)
{
    if (pthread_create(&g->thread, NULL, builder_main, g) != 0)
        return err_set(e, ERR_INTERNAL, "cannot start the snapshot builder thread");
    g->started = true;
    return 0;
}

void snapshot_registry_free(struct snapshot_registry *g)
{
    if (!g) return;
    if (g->started) {
        pthread_mutex_lock(&g->mu);
        g->stop = true;
        pthread_cond_signal(&g->wake);
        pthread_mutex_unlock(&g->mu);
        pthread_join(g->thread, NULL);
    }
    for (size_t i = 0; i < g->npages; i++) {
        snapshot_release(g->pages[i]->cur);
        free(g->pages[i]);
    }
    free(g->pages);
    json_decref(g->hosts);
    pthread_cond_destroy(&g->built);
    pthread_cond_destroy(&g->wake);
    pthread_mutex_destroy(&g->mu);
    free(g->db_url);
    free(g);
}

const char *snapshot_export_file(const char *path, char *buf, size_t size)
{
    int n;
    if (strcmp(path, "/") == 0)
        n = snprintf(buf, size, "index.html");
    else if (strncmp(path, "/history?page=", 14) == 0)
        n = snprintf(buf, size, "history/%s/index.html", path + 14);
    else if (strncmp(path, "/incidents/", 11) == 0 || strncmp(path, "/maintenance/", 13) == 0)
        n = snprintf(buf, size, "%s/index.html", path + 1);
    else if (strcmp(path, "/feed") == 0)
        n = snprintf(buf, size, "feed.xml");
    else
        n = snprintf(buf, size, "%s", path + 1);
    return n > 0 && (size_t)n < size ? buf : NULL;
}
