/*
 * timeutil — wall-clock time as int64 Unix seconds (what the database stores)
 * and RFC 3339 UTC text ("2026-11-26T17:00:00Z", what JSON carries).
 */
#ifndef PHAROS_TIMEUTIL_H
#define PHAROS_TIMEUTIL_H
#include <stddef.h>
#include <stdint.h>

/* Current Unix time in seconds. Tests may pin it with time_set_offset. */
int64_t time_now(void);
/* Current monotonic time in microseconds (for durations). */
int64_t time_mono_us(void);
/* Shifts time_now() by SECONDS (used by tests of scheduled transitions). */
void time_set_offset(int64_t seconds);
/* Makes time_now() answer T until time_freeze(0) (tests whose arithmetic must not see a
 * second tick by). */
void time_freeze(int64_t t);

/* The times RFC 3339 can write: 0000-01-01T00:00:00Z and 9999-12-31T23:59:59Z. */
#define TIME_MIN INT64_C(-62167219200)
#define TIME_MAX INT64_C(253402300799)

/* Writes T as "YYYY-MM-DDTHH:MM:SSZ" into BUF (at least 21 bytes); a T outside
 * TIME_MIN..TIME_MAX is written as the nearest of the two. Returns BUF. */
char *time_format(int64_t t, char *buf, size_t size);

/*
 * Parses RFC 3339 ("2026-11-26T17:00:00Z", "…+02:00", fractional seconds allowed,
 * lower-case t/z and a space instead of T tolerated). Returns 0 and sets *OUT,
 * or -1 when S is not such a time or falls outside TIME_MIN..TIME_MAX.
 */
int time_parse(const char *s, int64_t *out);

#endif
