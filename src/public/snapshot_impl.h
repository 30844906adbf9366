/*
 * snapshot_impl — what snapshot.c (lifecycle, registry), snapshot_render.c
 * (turning the view model into entries) and snapshot_entry.c (one entry's bytes,
 * ETags and files) share. Not for other modules.
 */
#ifndef PHAROS_SNAPSHOT_IMPL_H
#define PHAROS_SNAPSHOT_IMPL_H
#include "public/access.h"
#include "public/snapshot.h"
#include "render/i18n.h"
#include <pthread.h>
#include <stdatomic.h>

struct lazy_entry {
    struct snap_entry e;
    struct lazy_entry *next;
};

struct snapshot {
    atomic_int refs;
    int64_t page_id;
    int64_t valid_until; /* Unix seconds: the next midnight UTC after the build */
    json_t *model;
    struct public_access access; /* who may read it (SPEC §16) */
    char brand_name[40];         /* "brand.<hash>.css": /brand.css's content-hashed name */
    struct snap_renderer r;
    struct snap_entry *v; /* sorted by path */
    size_t n, cap;
    pthread_mutex_t lazy_mu;         /* taken by those who add to lazy */
    struct lazy_entry *_Atomic lazy; /* rendered on demand: read without a lock */
    /* the model in each language of i18n_langs (public/view_lang.h), made on first use
     * under lazy_mu; NULL: not yet, or the model itself serves (en, the page's default) */
    json_t *lang_models[I18N_COUNT];
};

/* Fills entry E with PATH, CTYPE and BODY (stolen, LEN bytes): ETags and gzip copy. */
void snap_entry_fill(struct snap_entry *e, const char *path, const char *ctype, char *body,
                     size_t len);
/* Adds an entry to S (before it is sorted and published). */
void snap_add(struct snapshot *s, const char *path, const char *ctype, char *body, size_t len);
/* Frees what entry E holds (its bytes, gzip copy, files). */
void snap_entry_free(struct snap_entry *e);
/* Large bodies are spooled to unlinked files in DIR (the data directory); the first call
 * of the process decides. */
void snap_spool_dir(const char *dir);

/* Renders the entries of S built with it from S->model (serve: the home page; export:
 * every entry, history page and event). */
int snap_render_all(struct snapshot *s, struct db *db, struct err *e);
/* Renders the entry at PATH on demand (any of a served snapshot's but its home page) into
 * *BODY, *LEN and *CTYPE: 0, or -1 with E filled (ERR_NOT_FOUND for no such page). PATH
 * "@de/history?page=2" is that page in another language than the page's default (the
 * HTML pages and the feeds; web/public.c chooses), an offered one, else not found. */
int snap_render_path(struct snapshot *s, struct db *db, const char *path, char **body, size_t *len,
                     const char **ctype, struct err *e);

#endif
