/*
 * access_log — buffered request log lines. See access_log.h.
 */
#include "http/access_log.h"
#include "core/xalloc.h"
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

enum { LOG_BUF = 64 << 10, LINE_MAX_LEN = 2048 };

struct access_log {
    struct event *timer;
    size_t len;
    time_t prefix_sec;
    char prefix[24]; /* "2026-11-26T17:00:00" for prefix_sec */
    char buf[LOG_BUF];
};

void access_log_flush(struct access_log *l)
{
    size_t off = 0;
    while (off < l->len) {
        ssize_t w = write(STDERR_FILENO, l->buf + off, l->len - off);
        if (w <= 0)
            break; /* stderr gone: drop the lines rather than block the worker */
        off += (size_t)w;
    }
    l->len = 0;
}

static void on_timer(evutil_socket_t fd, short what, void *arg)
{
    (void)fd, (void)what;
    access_log_flush(arg);
}

struct access_log *access_log_new(struct event_base *base)
{
    struct access_log *l = xcalloc(1, sizeof *l);
    l->timer = event_new(base, -1, EV_PERSIST, on_timer, l);
    struct timeval tv = {0, 250000};
    if (l->timer)
        event_add(l->timer, &tv);
    return l;
}

void access_log_free(struct access_log *l)
{
    if (!l)
        return;
    access_log_flush(l);
    if (l->timer)
        event_free(l->timer);
    free(l);
}

void access_log_line(struct access_log *l, const char *fmt, ...)
{
    if (l->len + LINE_MAX_LEN > sizeof l->buf)
        access_log_flush(l);
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    if (ts.tv_sec != l->prefix_sec) {
        struct tm tm;
        gmtime_r(&ts.tv_sec, &tm);
        strftime(l->prefix, sizeof l->prefix, "%Y-%m-%dT%H:%M:%S", &tm);
        l->prefix_sec = ts.tv_sec;
    }
    char *p = l->buf + l->len;
    int n = snprintf(p, LINE_MAX_LEN, "%s.%03ldZ INFO ", l->prefix, ts.tv_nsec / 1000000);
    va_list ap;
    va_start(ap, fmt);
    int m = vsnprintf(p + n, LINE_MAX_LEN - (size_t)n - 1, fmt, ap);
    va_end(ap);
    size_t len = (size_t)n + (m < 0 ? 0 : (size_t)m);
    if (len > LINE_MAX_LEN - 2)
        len = LINE_MAX_LEN - 2;
    p[len++] = '\n';
    l->len += len;
}
