/*
 * snapshot — every public response of a page, pre-rendered (ARCHITECTURE.md,
 * "The public snapshot").
 *
 * A struct snapshot is immutable once published: entries (path → bytes, type,
 * ETag, gzip copy) built from one view model (public/view.h). It is reference
 * counted: a request takes a reference (snapshot_acquire), hands the bytes to
 * the network without copying, and drops the reference when the bytes have
 * been sent (snapshot_release, from any thread). The one mutable part is the
 * set of entries rendered on demand (all but the home page, on their first
 * request), which only grows, under the snapshot's own lock, and is read without
 * one; its entries live as long as the snapshot.
 *
 * The registry keeps, per page, the current snapshot, a "wanted" generation
 * (bumped by every public change) and the generation the current snapshot was
 * built for. Snapshots are built by a background thread (snapshot_registry_start),
 * while requests go on with the snapshot before, never waiting for a build. A
 * change this process commits is built at once (snapshot_changed), and its writer's
 * answer is held until it is (snapshot_is_built; the HTTP worker serves its other
 * connections meanwhile): so a change is in the answer of every request that
 * arrives after the write was acknowledged (SPEC §6), and a spike of readers is
 * not stalled by a burst of changes. Other processes' changes are built after a
 * pause of four times the builder's last round (5-50 ms). Both only for pages
 * requested in the last 30 s: a page nobody reads costs nothing until its next
 * request builds it (that request, and any while the build lasts, wait for it). A
 * snapshot also goes stale at the next midnight UTC, when the uptime bars move by a
 * day; its next request builds the new one.
 *
 * The host → page map is kept here too, reloaded after a public change, so
 * requests for a current snapshot never touch the database.
 *
 * When the database cannot be reached, a page whose build fails keeps serving the
 * snapshot it has (and tries again no sooner than a second later), and the host
 * map stays as it was: the page, feeds and JSON stay up with their ETags (SPEC
 * §13). Only a page never built before answers 503.
 */
#ifndef PHAROS_SNAPSHOT_H
#define PHAROS_SNAPSHOT_H
#include "core/err.h"
#include "render/tmpl_set.h"
#include "store/db.h"
#include <jansson.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum {
    SNAP_ETAG_SIZE = 40,
    SNAP_SENDFILE_MIN = 32 << 10, /* bodies this large are also kept in a file for sendfile */
    SNAP_FD_LATER = -2,           /* snap_entry.fd, .gzfd: not spooled yet */
};

struct snap_entry {
    char *path;        /* "/", "/history?page=2", "/incidents/7", "/api/v2/status.json" … */
    const char *ctype; /* Content-Type */
    char *body;
    size_t len;
    char *gz; /* gzip of body, or NULL when it would not be smaller */
    size_t gzlen;
    char etag[SNAP_ETAG_SIZE];    /* strong ETag of body, quoted */
    char etag_gz[SNAP_ETAG_SIZE]; /* of the gzip copy */
    /* The body and gzip copy also in private files, for sendfile(2): see snap_entry_fd. */
    _Atomic int fd, gzfd;
};

/*
 * The file holding E's body (GZ: its gzip copy), to be sent with sendfile(2) (no copy
 * through user space), or -1 to send the bytes from memory: when they are shorter
 * than SNAP_SENDFILE_MIN or no file could be made. The file is made on the first call,
 * so a snapshot rebuilt 50 times a second writes none for the variant nobody asked
 * for. It lives as long as the snapshot: a response holds a reference until it is
 * sent. Any thread, without a lock.
 */
int snap_entry_fd(const struct snap_entry *e, bool gz);

/* How a snapshot renders: for the server, or for `pharos export` (relative links,
 * every history page and event, files named by snapshot_export_file()). */
struct snap_renderer {
    struct tmpl_set *tmpls; /* templates/ (not owned) */
    const char *base_url;   /* server.base_url (not owned): each page's URL derives from it */
    const char *base_host;  /* its host (core/host.h form), always the default page's; or NULL */
    const char *spool_dir;  /* for large bodies' sendfile copies (unlinked files), or NULL */
    bool export;
};

struct snapshot;
struct snapshot_registry;

/* Builds the snapshot of PAGE_ID now from DB. Returns 0 and *OUT (one reference), or -1
 * with E filled. */
int snapshot_build(struct db *db, int64_t page_id, const struct snap_renderer *r,
                   struct snapshot **out, struct err *e);
/* Takes one more reference on S. */
void snapshot_ref(struct snapshot *s);
/* Drops a reference; the last one frees S. NULL is a no-op. Any thread. */
void snapshot_release(struct snapshot *s);
/* The entry for PATH among those built with S (its home page; an export's all), or NULL. */
const struct snap_entry *snapshot_find(struct snapshot *s, const char *path);
/*
 * The entry for PATH, rendering it on demand (from the model, or from DB for history
 * pages and events beyond it) and keeping it in S. Returns NULL with E filled:
 * ERR_NOT_FOUND for a path that is no public page. "@de/history?page=2" is an HTML page
 * or feed in a language the page offers other than its default (SPEC §16): each
 * language's entries are rendered once per snapshot, like the default's.
 */
const struct snap_entry *snapshot_get(struct snapshot *s, struct db *db, const char *path,
                                      struct err *e);
/* The content-hashed name ("brand.<hash>.css") of S's /brand.css: the pages link
 * /static/NAME (web/static.c). */
const char *snapshot_brand_name(const struct snapshot *s);
/* The page's default language (a canonical tag of render/i18n.h, for ever). */
const char *snapshot_default_lang(const struct snapshot *s);
/* LANG's canonical tag (any case) when S's page offers it, else NULL. */
const char *snapshot_offered(const struct snapshot *s, const char *lang);
/* The languages S's page offers, at most MAX into TAGS: how many. */
size_t snapshot_languages(const struct snapshot *s, const char **tags, size_t max);
/* Who may read S (public/access.h; borrowed, as long as S). */
const struct public_access *snapshot_access(const struct snapshot *s);
/* The view model S was rendered from (borrowed). */
const json_t *snapshot_model(const struct snapshot *s);
/* The built entries of S, for export: I from 0 while it returns non-NULL. */
const struct snap_entry *snapshot_entry(const struct snapshot *s, size_t i);
/* The file an export writes PATH to ("index.html", "incidents/7/index.html", …) into BUF;
 * NULL when the path is not exported. */
const char *snapshot_export_file(const char *path, char *buf, size_t size);

/* A registry rendering with R (copied; what it points to must outlive the registry)
 * whose background builder opens DB_URL. */
struct snapshot_registry *snapshot_registry_new(const struct snap_renderer *r, const char *db_url);
/* Starts the background builder. Returns 0, or -1 with E filled. */
int snapshot_registry_start(struct snapshot_registry *g, struct err *e);
/* Stops the builder and frees everything; snapshots still referenced are freed by their
 * last release. NULL is a no-op. */
void snapshot_registry_free(struct snapshot_registry *g);
/* After a public change this process committed on PAGE_ID: its snapshot and the host map
 * are stale. A page being read is rebuilt by the builder at once: returns the generation
 * to wait for (snapshot_is_built) before the change is acknowledged; 0 for a page left to
 * its next request. Any thread. */
uint64_t snapshot_changed(struct snapshot_registry *g, int64_t page_id);
/* Whether generation TARGET of PAGE_ID is built (or left to requests: the page is no
 * longer read, or its build failed and requests try again). Any thread. */
bool snapshot_is_built(struct snapshot_registry *g, int64_t page_id, uint64_t target);
/* Waits until snapshot_is_built(), 2 s at most (for threads that may block). */
void snapshot_wait_built(struct snapshot_registry *g, int64_t page_id, uint64_t target);
/* FN(ARG) is called after each of the builder's builds and rounds (on its thread, under
 * the registry's lock: FN must not call back into it); NULL stops it. */
void snapshot_registry_on_built(struct snapshot_registry *g, void (*fn)(void *arg), void *arg);
/* Another process changed PAGE_ID (public/changes.h): the builder rebuilds it when it is
 * being read here, else its next request; one not served here yet only makes the host map
 * stale (it may have taken a host), and is built by its first request. Any thread. */
void snapshot_page_heard(struct snapshot_registry *g, int64_t page_id);
/* Changes of other processes may have gone unheard (the database was out of reach for a
 * while): every page served here, and the host map, are stale. Any thread. */
void snapshot_all_heard(struct snapshot_registry *g);
/* The snapshot of PAGE_ID to answer a request with, with a reference for the caller: the
 * up-to-date one, or the one before while its writer or the builder makes that; built on
 * DB when there is none to serve. NULL with E filled when it cannot be built. */
struct snapshot *snapshot_acquire(struct snapshot_registry *g, struct db *db, int64_t page_id,
                                  struct err *e);
/* snapshot_acquire() of the page serving HOST (SPEC §4: a page's host, else the default
 * page, and always the default page for R's base_host; ERR_NOT_FOUND when there is no page
 * at all). HOST is in normal form (core/host.h), as struct req has it. */
struct snapshot *snapshot_acquire_host(struct snapshot_registry *g, struct db *db, const char *host,
                                       struct err *e);

/*
 * A thread's memory of the snapshots it served last, one per host, so that a
 * request for an unchanged page takes no lock: the registry counts every change
 * (an atomic epoch) and a remembered snapshot is used while the count has not
 * moved and its day has not ended. Owned by one thread; holds a reference on
 * each snapshot it remembers until snapshot_cache_free().
 */
struct snapshot_cache;
struct snapshot_cache *snapshot_cache_new(void);
void snapshot_cache_free(struct snapshot_cache *c);
/* snapshot_acquire_host() through C. */
struct snapshot *snapshot_acquire_cached(struct snapshot_registry *g, struct snapshot_cache *c,
                                         struct db *db, const char *host, struct err *e);

/*
 * Renders the template NAME (e.g. "public/subscribe.html") in the public layout of
 * S's page: the model gets S's view model plus "links", "root" and the keys of
 * EXTRA (borrowed, may be NULL; e.g. {"doc_title":…}). For pages outside the
 * snapshot: subscription screens, error pages. Returns a malloc'd string, or
 * NULL with E filled.
 */
char *snapshot_render_html(struct snapshot *s, const char *name, const json_t *extra,
                           struct err *e);

/*
 * Renders the template NAME for a visitor who may not read S's page (SPEC §16: the
 * password form, the sign-in link, the refusal): its model has only the page's title and
 * logo, links.css, links.subscribe_css and links.favicon, and the keys of EXTRA — nothing of the
 * page's status can reach it. Returns a malloc'd string, or NULL with E filled.
 */
char *snapshot_render_gate(struct snapshot *s, const char *name, const json_t *extra,
                           struct err *e);

#endif
