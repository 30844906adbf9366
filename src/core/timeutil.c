/*
 * timeutil — Unix seconds and RFC 3339. See timeutil.h.
 * Parsing is strict about field widths and ranges; timegm() does the calendar.
 */
#include "core/timeutil.h"
#include <ctype.h>
#include <stdatomic.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

static _Atomic int64_t offset, frozen;

int64_t time_now(void)
{
    int64_t f = atomic_load(&frozen);
    return f ? f : (int64_t)time(NULL) + atomic_load(&offset);
}

int64_t time_mono_us(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

void time_set_offset(int64_t seconds)
{
    atomic_store(&offset, seconds);
}

void time_freeze(int64_t t)
{
    atomic_store(&frozen, t);
}

char *time_format(int64_t t, char *buf, size_t size)
{
    time_t tt = (time_t)(t < TIME_MIN ? TIME_MIN : t > TIME_MAX ? TIME_MAX : t);
    struct tm tm = {0};
    gmtime_r(&tt, &tm);
    snprintf(buf, size, "%04d-%02d-%02dT%02d:%02d:%02dZ", tm.tm_year + 1900, tm.tm_mon + 1,
             tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec);
    return buf;
}

static int digits(const char *s, int n, int *out)
{
    int v = 0;
    for (int i = 0; i < n; i++) {
        if (!isdigit((unsigned char)s[i])) return -1;
        v = v * 10 + (s[i] - '0');
    }
    *out = v;
    return 0;
}

int time_parse(const char *s, int64_t *out)
{
    int Y, M, D, h, m, sec;
    if (!s || strlen(s) < 20) return -1;
    if (digits(s, 4, &Y) || s[4] != '-' || digits(s + 5, 2, &M) || s[7] != '-' ||
        digits(s + 8, 2, &D) || (s[10] != 'T' && s[10] != 't' && s[10] != ' ') ||
        digits(s + 11, 2, &h) || s[13] != ':' || digits(s + 14, 2, &m) || s[16] != ':' ||
        digits(s + 17, 2, &sec))
        return -1;
    if (M < 1 || M > 12 || D < 1 || D > 31 || h > 23 || m > 59 || sec > 60) return -1;
    const char *p = s + 19;
    if (*p == '.') {
        p++;
        if (!isdigit((unsigned char)*p)) return -1;
        while (isdigit((unsigned char)*p))
            p++;
    }
    long tz = 0;
    if (*p == 'Z' || *p == 'z') {
        p++;
    } else if (*p == '+' || *p == '-') {
        int th, tm_;
        if (digits(p + 1, 2, &th) || p[3] != ':' || digits(p + 4, 2, &tm_) || th > 23 || tm_ > 59)
            return -1;
        tz = (th * 3600L + tm_ * 60L) * (*p == '+' ? 1 : -1);
        p += 6;
    } else {
        return -1;
    }
    if (*p) return -1;
    struct tm tm = {.tm_year = Y - 1900,
                    .tm_mon = M - 1,
                    .tm_mday = D,
                    .tm_hour = h,
                    .tm_min = m,
                    .tm_sec = sec == 60 ? 59 : sec};
    time_t t = timegm(&tm);
    /* timegm normalises 31 February into March: refuse dates that moved. */
    struct tm back;
    gmtime_r(&t, &back);
    if (back.tm_mday != D || back.tm_mon != M - 1) return -1;
    /* an offset may carry 0000-01-01 into year -1 or 9999-12-31 into 10000:
     * refuse what time_format could not write back as RFC 3339 */
    int64_t r = (int64_t)t - tz;
    if (r < TIME_MIN || r > TIME_MAX) return -1;
    *out = r;
    return 0;
}
