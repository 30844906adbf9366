/*
 * gzip — one-shot gzip with zlib. See gzip.h.
 *
 * deflateBound() sizes the output for the worst case, so one deflate(Z_FINISH)
 * call does it all; the header has no name and no time, so equal input gives
 * equal output (and equal ETags).
 */
#include "core/gzip.h"
#include "core/xalloc.h"
#include <stdint.h>
#include <stdlib.h>
#include <zlib.h>

int gzip_compress(const void *p, size_t len, int level, char **out, size_t *outlen)
{
    z_stream z = {0};
    if (len > UINT32_MAX / 2 ||
        deflateInit2(&z, level, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY) != Z_OK)
        return -1;
    size_t cap = deflateBound(&z, (uLong)len);
    char *buf = xmalloc(cap);
    z.next_in = (Bytef *)p;
    z.avail_in = (uInt)len;
    z.next_out = (Bytef *)buf;
    z.avail_out = (uInt)cap;
    int rc = deflate(&z, Z_FINISH);
    size_t n = cap - z.avail_out;
    deflateEnd(&z);
    if (rc != Z_STREAM_END || n >= len) {
        free(buf);
        return -1;
    }
    *out = buf;
    *outlen = n;
    return 0;
}
