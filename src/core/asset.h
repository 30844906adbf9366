/*
 * asset — the files of static/ as the server sends and links them (SPEC §6).
 *
 * Each asset has its plain name ("public.css") and a content-hashed one
 * ("public.8f3a2c1d.css": the first ASSET_HASH_LEN hex digits of the BLAKE2b
 * hash that is also its ETag), its Content-Type, its bytes and the gzip copy
 * made at build time (tools/embed.c). Pages link the hashed name, which may be
 * cached for a year: a new build with other bytes has another name. The table is
 * built from the embedded files on first use, from any thread, and lives as long
 * as the process; nothing in it changes afterwards.
 */
#ifndef PHAROS_ASSET_H
#define PHAROS_ASSET_H
#include <stddef.h>

enum {
    ASSET_HASH_LEN = 8,   /* hex digits of the hash in a hashed name */
    ASSET_ETAG_SIZE = 35, /* "\"<32 hex>\"" and the NUL */
};

struct asset {
    const char *name;  /* "public.css" */
    const char *path;  /* "static/public.8f3a2c1d.css": what pages link (after "/" or "../") */
    const char *ctype; /* Content-Type */
    const char *data;  /* the bytes (in the binary) */
    size_t len;
    const char *gz; /* their gzip, or NULL when it would not be smaller */
    size_t gzlen;
    char etag[ASSET_ETAG_SIZE];    /* strong ETag of data */
    char etag_gz[ASSET_ETAG_SIZE]; /* of gz ("" without one) */
};

/* How a requested name named its asset (asset_lookup). */
enum asset_name {
    ASSET_PLAIN,   /* "public.css" */
    ASSET_CURRENT, /* "public.<its hash>.css" */
    ASSET_OTHER,   /* "public.<another hash>.css": an older (or newer) build's link */
};

/* The asset called NAME ("public.css"), or NULL. */
const struct asset *asset_get(const char *name);
/*
 * The asset that the file name NAME of a /static/ URL names: its plain name, or
 * its stem, "." and ASSET_HASH_LEN lower-case hex digits, then its extension (any
 * digits: the current bytes answer an old link). *HOW says which. NULL when none.
 */
const struct asset *asset_lookup(const char *name, enum asset_name *how);
/* The I-th asset (from 0) while it returns non-NULL, in name order. */
const struct asset *asset_at(size_t i);
/* The hashed path of the asset NAME ("static/public.8f3a2c1d.css"), or NULL when there is
 * no such asset. */
const char *asset_path(const char *name);

#endif
