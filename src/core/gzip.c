/*
 * gzip — one-shot gzip with libdeflate. See gzip.h.
 *
 * libdeflate compresses a whole buffer at once, about twice as fast as zlib at a
 * smaller size (the 138 KB status page at level 7: 0.33 ms and 4.9 KB, where zlib's
 * level 6 took 0.70 ms for 5.2 KB), and a snapshot build compresses its page on every
 * status change. A compressor holds a few hundred KB of tables, so each thread keeps
 * one per level it used (freed when the thread ends). The header has no name and a
 * zero time, so equal input gives equal output (and equal ETags).
 */
#include "core/gzip.h"
#include "core/xalloc.h"
#include <assert.h>
#include <libdeflate.h>
#include <pthread.h>
#include <stdlib.h>

enum { LEVELS = 13 }; /* libdeflate's 0 … 12 */

static pthread_key_t key;
static pthread_once_t once = PTHREAD_ONCE_INIT;

static void free_compressors(void *p)
{
    struct libdeflate_compressor **c = p;
    for (int i = 0; i < LEVELS; i++)
        libdeflate_free_compressor(c[i]);
    free(c);
}

static void make_key(void)
{
    if (pthread_key_create(&key, free_compressors) != 0) abort();
}

/* This thread's compressor for LEVEL, made on first use; NULL when out of memory. */
static struct libdeflate_compressor *compressor(int level)
{
    pthread_once(&once, make_key);
    struct libdeflate_compressor **c = pthread_getspecific(key);
    if (!c) {
        c = xcalloc(LEVELS, sizeof *c);
        pthread_setspecific(key, c);
    }
    if (!c[level]) c[level] = libdeflate_alloc_compressor(level);
    return c[level];
}

int gzip_compress(const void *p, size_t len, int level, char **out, size_t *outlen)
{
    assert(level >= 1 && level < LEVELS);
    struct libdeflate_compressor *c = len ? compressor(level) : NULL;
    if (!c) return -1;
    /* room for one byte less than the input: what does not fit did not shrink */
    char *buf = xmalloc(len);
    size_t n = libdeflate_gzip_compress(c, p, len, buf, len - 1);
    if (n == 0) {
        free(buf);
        return -1;
    }
    *out = xrealloc(buf, n); /* the page shrinks 30-fold: keep what it needs */
    *outlen = n;
    return 0;
}
