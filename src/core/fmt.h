/*
 * fmt — numbers written as text without printf, for the per-request paths
 * (response heads, request ids, access-log lines), where vsnprintf showed up
 * in profiles. Each writes at P, adds no NUL, and returns the end.
 */
#ifndef PHAROS_FMT_H
#define PHAROS_FMT_H
#include <stdint.h>

/* V in decimal, zero-padded to at least MIN_DIGITS digits (at most 20 bytes). */
char *fmt_dec(char *p, uint64_t v, int min_digits);
/* V in lower-case hexadecimal (at most 16 bytes). */
char *fmt_hex(char *p, uint64_t v);

#endif
