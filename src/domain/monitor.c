/*
 * domain/monitor — monitor kinds, targets, expected statuses and the state step. See
 * monitor.h.
 */
#include "domain/monitor.h"
#include <assert.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

static const char *const kinds[MON_KIND_COUNT] = {"http", "tcp", "dns", "tls"};
static const char *const states[] = {"unknown", "up", "down"};

const char *monitor_kind_name(enum monitor_kind k)
{
    assert(k >= 0 && k < MON_KIND_COUNT);
    return kinds[k];
}

int monitor_kind_parse(const char *s, enum monitor_kind *out)
{
    for (int i = 0; s && i < MON_KIND_COUNT; i++)
        if (strcmp(s, kinds[i]) == 0) {
            *out = (enum monitor_kind)i;
            return 0;
        }
    return -1;
}

const char *monitor_state_name(enum monitor_state s)
{
    assert(s >= MSTATE_UNKNOWN && s <= MSTATE_DOWN);
    return states[s];
}

int monitor_state_parse(const char *s, enum monitor_state *out)
{
    for (int i = 0; s && i < 3; i++)
        if (strcmp(s, states[i]) == 0) {
            *out = (enum monitor_state)i;
            return 0;
        }
    return -1;
}

/* A status code at *P (three digits, 100–599): moves *P past it. */
static int code_at(const char **p, int *out)
{
    const char *s = *p;
    if (s[0] < '1' || s[0] > '5' || s[1] < '0' || s[1] > '9' || s[2] < '0' || s[2] > '9') return -1;
    *out = (s[0] - '0') * 100 + (s[1] - '0') * 10 + (s[2] - '0');
    *p = s + 3;
    return 0;
}

int monitor_expect_parse(const char *s, struct monitor_expect *out, char *why, size_t n)
{
    memset(out, 0, sizeof *out);
    const char *p = s;
    for (;;) {
        int lo, hi;
        while (*p == ' ')
            p++;
        if (code_at(&p, &lo) != 0) break;
        hi = lo;
        if (*p == '-') {
            p++;
            if (code_at(&p, &hi) != 0 || hi < lo) break;
        }
        if (out->n == MONITOR_RANGES_MAX) {
            snprintf(why, n, "at most %d ranges", MONITOR_RANGES_MAX);
            return -1;
        }
        out->r[out->n].lo = lo;
        out->r[out->n++].hi = hi;
        while (*p == ' ')
            p++;
        if (*p == '\0') return 0;
        if (*p++ != ',') break;
    }
    snprintf(why, n, "takes status codes 100-599 and ranges such as \"200-399\" or \"200,204\"");
    return -1;
}

bool monitor_expect_match(const struct monitor_expect *x, long code)
{
    for (int i = 0; i < x->n; i++)
        if (code >= x->r[i].lo && code <= x->r[i].hi) return true;
    return false;
}

const char *monitor_expect_format(const struct monitor_expect *x, char *buf, size_t n)
{
    size_t used = 0;
    buf[0] = '\0';
    for (int i = 0; i < x->n && used < n; i++) {
        int w =
            x->r[i].lo == x->r[i].hi
                ? snprintf(buf + used, n - used, "%s%d", i ? "," : "", x->r[i].lo)
                : snprintf(buf + used, n - used, "%s%d-%d", i ? "," : "", x->r[i].lo, x->r[i].hi);
        if (w < 0) break;
        used += (size_t)w;
    }
    return buf;
}

/* Whether S[0..N) is a host name (labels of letters, digits, '-' and '_', dot-separated)
 * or a dotted IPv4 address, which has the same characters. */
static bool host_name(const char *s, size_t n)
{
    if (n == 0 || n > 253 || s[0] == '.' || s[0] == '-') return false;
    size_t label = 0;
    for (size_t i = 0; i < n; i++) {
        char c = s[i];
        if (c == '.') {
            if (label == 0) return false;
            label = 0;
        } else if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                   c == '-' || c == '_') {
            if (++label > 63) return false;
        } else {
            return false;
        }
    }
    return true;
}

/* Whether S[0..N) is an IPv6 address in brackets. */
static bool host_v6(const char *s, size_t n)
{
    if (n < 4 || s[0] != '[' || s[n - 1] != ']') return false;
    for (size_t i = 1; i + 1 < n; i++)
        if (!strchr("0123456789abcdefABCDEF:.", s[i])) return false;
    return true;
}

int monitor_host_port(const char *target, int defport, char *host, size_t host_n, int *port)
{
    const char *colon = NULL;
    size_t len = strlen(target);
    if (target[0] == '[') {
        const char *close = strchr(target, ']');
        if (!close) return -1;
        colon = close[1] == ':' ? close + 1 : NULL;
        if (!colon && close[1] != '\0') return -1;
    } else {
        colon = strchr(target, ':');
        if (colon && strchr(colon + 1, ':')) return -1;
    }
    size_t hl = colon ? (size_t)(colon - target) : len;
    if (!(host_v6(target, hl) || host_name(target, hl))) return -1;
    *port = defport;
    if (colon) {
        char *end;
        long v = strtol(colon + 1, &end, 10);
        if (colon[1] < '0' || colon[1] > '9' || *end != '\0' || v < 1 || v > 65535) return -1;
        *port = (int)v;
    }
    bool v6 = target[0] == '[';
    size_t copy = v6 ? hl - 2 : hl;
    if (copy + 1 > host_n) return -1;
    memcpy(host, target + v6, copy);
    host[copy] = '\0';
    return 0;
}

/* Checks an http(s) URL: the scheme, then a host (name, IPv4 or [IPv6]) and maybe a port,
 * no spaces or control characters anywhere. */
static int url_check(const char *t, char *why, size_t n)
{
    const char *rest = NULL;
    if (strncasecmp(t, "http://", 7) == 0)
        rest = t + 7;
    else if (strncasecmp(t, "https://", 8) == 0)
        rest = t + 8;
    if (!rest) {
        snprintf(why, n, "an http monitor's target is an http:// or https:// URL");
        return -1;
    }
    for (const char *p = t; *p; p++)
        if ((unsigned char)*p <= ' ' || *p == 0x7f) {
            snprintf(why, n, "the URL has a space or a control character");
            return -1;
        }
    size_t auth = strcspn(rest, "/?#");
    char hostport[300], host[256];
    int port;
    if (auth == 0 || auth >= sizeof hostport || memchr(rest, '@', auth)) {
        snprintf(why, n, "the URL names no host (or names a user)");
        return -1;
    }
    memcpy(hostport, rest, auth);
    hostport[auth] = '\0';
    if (monitor_host_port(hostport, 80, host, sizeof host, &port) != 0) {
        snprintf(why, n, "the URL's host \"%.60s\" is not a host name or address", hostport);
        return -1;
    }
    return 0;
}

int monitor_target_check(enum monitor_kind k, const char *target, char *why, size_t n)
{
    char host[256];
    int port = 0;
    switch (k) {
    case MON_HTTP:
        return url_check(target, why, n);
    case MON_TCP:
        if (monitor_host_port(target, 0, host, sizeof host, &port) == 0 && port > 0) return 0;
        snprintf(why, n, "a tcp monitor's target is HOST:PORT, such as db.example.com:5432");
        return -1;
    case MON_DNS:
        if (host_name(target, strlen(target))) return 0;
        snprintf(why, n, "a dns monitor's target is a host name, such as example.com");
        return -1;
    case MON_TLS:
        if (monitor_host_port(target, 443, host, sizeof host, &port) == 0) return 0;
        snprintf(why, n, "a tls monitor's target is HOST or HOST:PORT, such as example.com:443");
        return -1;
    default:
        assert(!"unknown monitor kind");
        return -1;
    }
}

enum monitor_flip monitor_step(struct monitor_run *r, bool ok)
{
    assert(r->failures_before >= 1 && r->successes_before >= 1);
    if (ok) {
        r->fails = 0;
        if (r->oks < r->successes_before) r->oks++;
        if (r->state == MSTATE_UNKNOWN) {
            r->state = MSTATE_UP;
            return FLIP_NONE;
        }
        if (r->state == MSTATE_DOWN && r->oks >= r->successes_before) {
            r->state = MSTATE_UP;
            return FLIP_UP;
        }
        return FLIP_NONE;
    }
    r->oks = 0;
    if (r->fails < r->failures_before) r->fails++;
    if (r->state != MSTATE_DOWN && r->fails >= r->failures_before) {
        r->state = MSTATE_DOWN;
        return FLIP_DOWN;
    }
    return FLIP_NONE;
}

void monitor_rollup_add(struct monitor_rollup *r, bool ok, long latency_ms)
{
    r->checks++;
    if (!ok)
        r->failures++;
    else if (r->n < MONITOR_ROLLUP_MAX)
        r->latency_ms[r->n++] = latency_ms;
}

static int cmp_long(const void *a, const void *b)
{
    long x = *(const long *)a, y = *(const long *)b;
    return (x > y) - (x < y);
}

long monitor_percentile(long *v, size_t n, int p)
{
    assert(p >= 1 && p <= 100);
    if (n == 0) return -1;
    qsort(v, n, sizeof v[0], cmp_long);
    size_t rank = ((size_t)p * n + 99) / 100; /* the smallest with at least p% at or below it */
    return v[rank - 1];
}

long monitor_rollup_percentile(struct monitor_rollup *r, int p)
{
    return monitor_percentile(r->latency_ms, (size_t)r->n, p);
}
