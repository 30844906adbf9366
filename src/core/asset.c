/*
 * asset — the table of static assets. See asset.h.
 *
 * Built once (pthread_once) from the embedded files under "static/": a few files,
 * so lookups scan it. A name of a /static/ URL is matched by its plain name first,
 * then as "stem.HASH.ext" with exactly ASSET_HASH_LEN lower-case hex digits; other
 * spellings are not assets (404).
 */
#include "core/asset.h"
#include "core/embedded.h"
#include "core/xalloc.h"
#include <pthread.h>
#include <sodium.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

static struct asset *assets;
static size_t nassets;
static pthread_once_t once = PTHREAD_ONCE_INIT;

static const char *content_type(const char *name)
{
    static const struct {
        const char *ext, *type;
    } types[] = {
        {".css", "text/css; charset=utf-8"},
        {".js", "text/javascript; charset=utf-8"},
        {".svg", "image/svg+xml"},
        {".png", "image/png"},
        {".ico", "image/x-icon"},
        {".json", "application/json"},
        {".txt", "text/plain; charset=utf-8"},
        {".woff2", "font/woff2"},
    };
    const char *dot = strrchr(name, '.');
    for (size_t i = 0; dot && i < sizeof types / sizeof types[0]; i++)
        if (strcmp(dot, types[i].ext) == 0) return types[i].type;
    return "application/octet-stream";
}

/* A strong ETag ("\"<32 hex>\"") of LEN bytes at P. */
static void etag_of(const char *p, size_t len, char out[ASSET_ETAG_SIZE])
{
    unsigned char h[16];
    crypto_generichash(h, sizeof h, (const unsigned char *)p, len, NULL, 0);
    out[0] = '"';
    sodium_bin2hex(out + 1, 33, h, sizeof h);
    out[33] = '"';
    out[34] = '\0';
}

static void build(void)
{
    size_t n = 0;
    for (const struct embedded_file *f = embedded_files; f->name; f++)
        n += strncmp(f->name, "static/", 7) == 0;
    assets = xcalloc(n ? n : 1, sizeof *assets);
    for (const struct embedded_file *f = embedded_files; f->name; f++) {
        if (strncmp(f->name, "static/", 7) != 0) continue;
        struct asset *a = &assets[nassets++];
        a->name = f->name + 7;
        a->ctype = content_type(a->name);
        a->data = f->data;
        a->len = f->len;
        a->gz = f->gz;
        a->gzlen = f->gzlen;
        etag_of(a->data, a->len, a->etag);
        if (a->gz) etag_of(a->gz, a->gzlen, a->etag_gz);
        /* "static/" stem "." hash ext: the hash goes before the last extension */
        const char *dot = strrchr(a->name, '.');
        size_t stem = dot && dot != a->name ? (size_t)(dot - a->name) : strlen(a->name);
        a->path = xasprintf("static/%.*s.%.*s%s", (int)stem, a->name, ASSET_HASH_LEN, a->etag + 1,
                            a->name + stem);
    }
}

const struct asset *asset_at(size_t i)
{
    pthread_once(&once, build);
    return i < nassets ? &assets[i] : NULL;
}

const struct asset *asset_get(const char *name)
{
    const struct asset *a;
    for (size_t i = 0; (a = asset_at(i)) != NULL; i++)
        if (strcmp(a->name, name) == 0) return a;
    return NULL;
}

const char *asset_path(const char *name)
{
    const struct asset *a = asset_get(name);
    return a ? a->path : NULL;
}

/* True when the LEN bytes at P are ASSET_HASH_LEN lower-case hex digits. */
static bool is_hash(const char *p, size_t len)
{
    if (len != ASSET_HASH_LEN) return false;
    for (size_t i = 0; i < len; i++)
        if (!((p[i] >= '0' && p[i] <= '9') || (p[i] >= 'a' && p[i] <= 'f'))) return false;
    return true;
}

const struct asset *asset_lookup(const char *name, enum asset_name *how)
{
    const struct asset *a = asset_get(name);
    if (a) {
        *how = ASSET_PLAIN;
        return a;
    }
    /* "stem.HASH.ext" → "stem.ext" */
    const char *ext = strrchr(name, '.');
    if (!ext || ext - name < ASSET_HASH_LEN + 2) /* a stem, ".", the hash */
        return NULL;
    const char *h = ext - ASSET_HASH_LEN - 1;
    if (h[0] != '.' || !is_hash(h + 1, ASSET_HASH_LEN)) return NULL;
    char plain[256];
    int n = snprintf(plain, sizeof plain, "%.*s%s", (int)(h - name), name, ext);
    if (n < 0 || (size_t)n >= sizeof plain || !(a = asset_get(plain))) return NULL;
    *how = strncmp(h + 1, a->etag + 1, ASSET_HASH_LEN) == 0 ? ASSET_CURRENT : ASSET_OTHER;
    return a;
}
