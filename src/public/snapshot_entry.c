/*
 * snapshot_entry — one entry of a snapshot: its bytes, their strong ETags, a gzip
 * copy when worth it, and for large bodies a private file of their own, so the
 * network sends them with sendfile(2) like a static server. snapshot.c (the
 * lifecycle and registry) and snapshot_render.c (the renderer) both build on it,
 * and neither on the other's internals: see snapshot_impl.h.
 */
#include "core/gzip.h"
#include "core/xalloc.h"
#include "public/snapshot_impl.h"
#include <fcntl.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

enum { GZIP_MIN = 200 }; /* smaller bodies are sent as they are */

/* The gzip of LEN bytes at P into *OUT (malloc'd), or -1 when it is not worth it. Level 7:
 * libdeflate's last before its slow levels (the status page: 4.9 KB in 0.33 ms; 8: 4.6
 * KB in 0.56 ms), smaller than zlib's 6 was. */
static int gzip_bytes(const char *p, size_t len, char **out, size_t *outlen)
{
    return len < GZIP_MIN ? -1 : gzip_compress(p, len, 7, out, outlen);
}

/* Where large bodies are spooled (see spool_copy); set once by snap_spool_dir. */
static char *spool_dir;

void snap_spool_dir(const char *dir)
{
    if (!spool_dir) spool_dir = xstrdup(dir); /* one per process; kept until exit */
}

/*
 * LEN bytes at P in a file of their own, for sendfile(2): an unlinked O_TMPFILE in
 * spool_dir when there is one (the data directory), else a sealed memfd; -1 when
 * LEN is below SNAP_SENDFILE_MIN or neither works (then the bytes are sent from
 * memory). Both are private to this process. A regular file's page cache goes
 * out through the kernel's batched read path, measured 10% less CPU per request
 * than shmem's page-by-page lookups (the 138 KB page, 256 connections).
 */
static int spool_copy(const char *p, size_t len)
{
    if (len < SNAP_SENDFILE_MIN) return -1;
    bool sealed = false;
    int fd = spool_dir ? open(spool_dir, O_TMPFILE | O_RDWR | O_CLOEXEC, 0600) : -1;
    if (fd < 0) {
        fd = memfd_create("pharos-snapshot", MFD_CLOEXEC | MFD_ALLOW_SEALING);
        sealed = true;
    }
    if (fd < 0) return -1;
    size_t off = 0;
    while (off < len) {
        ssize_t n = write(fd, p + off, len - off);
        if (n <= 0) break;
        off += (size_t)n;
    }
    if (off == len &&
        (!sealed || fcntl(fd, F_ADD_SEALS, F_SEAL_WRITE | F_SEAL_SHRINK | F_SEAL_GROW) == 0))
        return fd;
    close(fd);
    return -1;
}

/* The strong ETags of a body whose gzip copy (or, when it has none, itself) is the LEN
 * bytes at P: a quoted base64url BLAKE2b-128 of those bytes, and for the gzip copy the
 * same with "-gz" inside. One hash for both, of the smaller bytes: the gzip copy
 * follows from the body (deflate is deterministic) and gives it back, so it changes
 * exactly when the body does. */
static void etags_of(const char *p, size_t len, char etag[SNAP_ETAG_SIZE],
                     char etag_gz[SNAP_ETAG_SIZE])
{
    unsigned char h[16];
    char b64[32];
    crypto_generichash(h, sizeof h, (const unsigned char *)p, len, NULL, 0);
    sodium_bin2base64(b64, sizeof b64, h, sizeof h, sodium_base64_VARIANT_URLSAFE_NO_PADDING);
    snprintf(etag, SNAP_ETAG_SIZE, "\"%s\"", b64);
    snprintf(etag_gz, SNAP_ETAG_SIZE, "\"%s-gz\"", b64);
}

void snap_entry_fill(struct snap_entry *e, const char *path, const char *ctype, char *body,
                     size_t len)
{
    memset(e, 0, sizeof *e);
    e->path = xstrdup(path);
    e->ctype = ctype;
    e->body = body;
    e->len = len;
    bool gz = gzip_bytes(body, len, &e->gz, &e->gzlen) == 0;
    etags_of(gz ? e->gz : body, gz ? e->gzlen : len, e->etag, e->etag_gz);
    if (!gz) e->etag_gz[0] = '\0';
    atomic_init(&e->fd, len < SNAP_SENDFILE_MIN ? -1 : SNAP_FD_LATER);
    atomic_init(&e->gzfd, !gz || e->gzlen < SNAP_SENDFILE_MIN ? -1 : SNAP_FD_LATER);
}

int snap_entry_fd(const struct snap_entry *e, bool gz)
{
    /* the files are the entry's cache, made once whatever the callers' constness */
    _Atomic int *slot = (_Atomic int *)(gz ? &e->gzfd : &e->fd);
    int fd = atomic_load_explicit(slot, memory_order_acquire);
    if (fd != SNAP_FD_LATER) return fd;
    int mine = gz ? spool_copy(e->gz, e->gzlen) : spool_copy(e->body, e->len);
    if (atomic_compare_exchange_strong_explicit(slot, &fd, mine, memory_order_acq_rel,
                                                memory_order_acquire))
        return mine;
    if (mine >= 0) close(mine); /* another thread made it first: FD is its file */
    return fd;
}

void snap_entry_free(struct snap_entry *e)
{
    int fd = atomic_load(&e->fd), gzfd = atomic_load(&e->gzfd);
    if (fd >= 0) close(fd);
    if (gzfd >= 0) close(gzfd);
    free(e->path);
    free(e->body);
    free(e->gz);
}

void snap_add(struct snapshot *s, const char *path, const char *ctype, char *body, size_t len)
{
    if (s->n == s->cap) {
        s->cap = s->cap ? s->cap * 2 : 64;
        s->v = xrealloc(s->v, s->cap * sizeof *s->v);
    }
    snap_entry_fill(&s->v[s->n++], path, ctype, body, len);
}
