/*
 * gzip — one-shot gzip (RFC 1952) of a buffer with libdeflate, for what is compressed
 * once (snapshot entries) or per response (console pages). Static assets are
 * compressed at build time instead (tools/embed.c).
 */
#ifndef PHAROS_GZIP_H
#define PHAROS_GZIP_H
#include <stddef.h>

/*
 * The gzip of LEN bytes at P at LEVEL (1 fastest … 12 smallest) into *OUT (malloc'd,
 * the caller frees it) and *OUTLEN. Returns 0, or -1 with nothing allocated when the
 * result would not be smaller than the input (or no compressor could be made). Any
 * thread.
 */
int gzip_compress(const void *p, size_t len, int level, char **out, size_t *outlen);

#endif
