/*
 * xalloc — allocation that cannot fail: on out-of-memory the process prints a
 * message and aborts (STYLE.md). Limits reached through user input are errors,
 * handled by callers, never allocation failures.
 */
#ifndef PHAROS_XALLOC_H
#define PHAROS_XALLOC_H
#include <stddef.h>

void *xmalloc(size_t n);
void *xcalloc(size_t count, size_t size);
void *xrealloc(void *p, size_t n);
char *xstrdup(const char *s);
char *xstrndup(const char *s, size_t n);
/* printf into a fresh string; the caller frees it. */
char *xasprintf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

#endif
