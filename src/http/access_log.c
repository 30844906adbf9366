/*
 * access_log — buffered request log lines. See access_log.h.
 */
#include "http/access_log.h"
#include "core/fmt.h"
#include "core/xalloc.h"
#include <stdint.h>
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
        if (w <= 0) break; /* stderr gone: drop the lines rather than block the worker */
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
    if (l->timer) event_add(l->timer, &tv);
    return l;
}

void access_log_free(struct access_log *l)
{
    if (!l) return;
    access_log_flush(l);
    if (l->timer) event_free(l->timer);
    free(l);
}

/* Starts a line in L's buffer (flushing it first if need be): the time prefix and
 * "INFO ". Returns where the message goes; at most LINE_MAX_LEN - 40 bytes fit. */
static char *line_start(struct access_log *l)
{
    if (l->len + LINE_MAX_LEN > sizeof l->buf) access_log_flush(l);
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    if (ts.tv_sec != l->prefix_sec) {
        struct tm tm;
        gmtime_r(&ts.tv_sec, &tm);
        strftime(l->prefix, sizeof l->prefix, "%Y-%m-%dT%H:%M:%S", &tm);
        l->prefix_sec = ts.tv_sec;
    }
    char *p = l->buf + l->len;
    size_t n = strlen(l->prefix);
    memcpy(p, l->prefix, n);
    p += n;
    long ms = ts.tv_nsec / 1000000;
    *p++ = '.';
    *p++ = (char)('0' + ms / 100);
    *p++ = (char)('0' + ms / 10 % 10);
    *p++ = (char)('0' + ms % 10);
    memcpy(p, "Z INFO ", 7);
    return p + 7;
}

/* Ends the line started at L->len whose message ends at END. */
static void line_end(struct access_log *l, char *end)
{
    char *start = l->buf + l->len;
    if (end - start > LINE_MAX_LEN - 1) end = start + LINE_MAX_LEN - 1;
    *end++ = '\n';
    l->len += (size_t)(end - start);
}

static char *put_text(char *p, const char *s, size_t max)
{
    for (size_t i = 0; s[i] && i < max; i++) /* control bytes would forge lines */
        *p++ = (unsigned char)s[i] < 0x20 || s[i] == 0x7f ? '?' : s[i];
    return p;
}

void access_log_request(struct access_log *l, const char *id, const char *method, const char *path,
                        int status, size_t bytes, int64_t us)
{
    char *p = line_start(l);
    p = put_text(p, id, 40);
    *p++ = ' ';
    p = put_text(p, method, 16);
    *p++ = ' ';
    p = put_text(p, path, LINE_MAX_LEN - 200);
    *p++ = ' ';
    p = fmt_dec(p, (uint64_t)(status < 0 ? 0 : status), 1);
    *p++ = ' ';
    p = fmt_dec(p, bytes, 1);
    *p++ = ' ';
    p = fmt_dec(p, (uint64_t)(us < 0 ? 0 : us) / 1000, 1);
    *p++ = '.';
    p = fmt_dec(p, (uint64_t)(us < 0 ? 0 : us) % 1000, 3);
    memcpy(p, "ms", 2);
    line_end(l, p + 2);
}
