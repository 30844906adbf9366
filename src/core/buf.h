/*
 * buf — a growable byte buffer with a maximum size (STYLE.md, after curl's dynbuf).
 *
 * Used wherever output is built piece by piece: rendered templates, JSON and
 * feeds, e-mail bodies. The contents are always NUL-terminated once anything
 * has been appended (buf_cstr() gives "" before that), so a finished buffer can
 * be handed on as a C string with buf_steal().
 *
 * Invariants: len < cap whenever data != NULL; len ≤ max. Memory grows by
 * doubling, so appending N bytes in small pieces costs O(N) and O(log N)
 * reallocations. Running out of memory aborts (xalloc); going past MAX is an
 * error the caller handles: the append that would cross it changes nothing,
 * returns -1 and sets the sticky `full` flag, so a caller may append many
 * pieces and check buf_full() once at the end.
 *
 * A struct buf is owned by one thread at a time; it has no locking.
 */
#ifndef PHAROS_BUF_H
#define PHAROS_BUF_H
#include <stdbool.h>
#include <stddef.h>
#include <string.h>

struct buf {
    char *data; /* NULL until the first append or reserve */
    size_t len; /* bytes in use, not counting the NUL */
    size_t cap; /* bytes allocated */
    size_t max; /* the most LEN may reach */
    bool full;  /* an append was refused because of MAX (sticky until reset) */
};

/* Makes B empty with limit MAX bytes (not counting the terminating NUL); allocates nothing. */
void buf_init(struct buf *b, size_t max);

/* Frees B's memory and leaves it empty, with the same limit. B may be NULL. */
void buf_free(struct buf *b);

/* Empties B and clears `full`, keeping its memory for reuse. */
void buf_reset(struct buf *b);

/* Makes room for N more bytes (plus the NUL) at once. Returns 0, or -1 (and sets
 * `full`) when LEN + N would pass MAX. */
int buf_reserve(struct buf *b, size_t n);

/* buf_append()'s path when B must grow (or refuse); call buf_append() instead. */
int buf_append_grow(struct buf *b, const void *p, size_t n);

/* Appends N bytes from P. Returns 0, or -1 when that would pass MAX: then B is unchanged
 * but for `full`, which is set. Inline: appending into room already there is a memcpy. */
static inline int buf_append(struct buf *b, const void *p, size_t n)
{
    if (n < b->cap - b->len) { /* cap ≤ max + 1, so this never passes MAX */
        if (n) memcpy(b->data + b->len, p, n);
        b->len += n;
        b->data[b->len] = '\0';
        return 0;
    }
    return buf_append_grow(b, p, n);
}

/* buf_append() of the C string S. */
int buf_puts(struct buf *b, const char *s);

/* buf_append() of one byte. */
int buf_putc(struct buf *b, char c);

/* Appends printf-style output; same result rules as buf_append(). */
int buf_printf(struct buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Shortens B to LEN bytes; does nothing when B is not longer than that. */
void buf_truncate(struct buf *b, size_t len);

/* True when an append has been refused since the last init or reset. */
static inline bool buf_full(const struct buf *b)
{
    return b->full;
}

/* The contents as a C string: valid until the next change to B; "" when empty. */
const char *buf_cstr(const struct buf *b);

/* Hands the contents over as a malloc'd C string (never NULL; free() it) and leaves
 * B empty, with the same limit, owning no memory. */
char *buf_steal(struct buf *b);

#endif
