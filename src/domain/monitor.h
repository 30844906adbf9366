/*
 * domain/monitor — the pure rules of monitors (SPEC §14): their kinds, the shape of a
 * target for each kind, the expected HTTP status ranges, and the step from one check's
 * outcome to the monitor's state. No I/O.
 *
 * A monitor is "unknown" until its first check, then "up" or "down". It goes down after
 * FAILURES_BEFORE consecutive failures and back up after SUCCESSES_BEFORE consecutive
 * successes; a first success makes an unknown monitor up at once (there is nothing to
 * recover from). Only the two flips move the service's status (app/monitors.c).
 */
#ifndef PHAROS_DOMAIN_MONITOR_H
#define PHAROS_DOMAIN_MONITOR_H
#include <stdbool.h>
#include <stddef.h>

enum monitor_kind { MON_HTTP, MON_TCP, MON_DNS, MON_TLS, MON_KIND_COUNT };

/* "http", "tcp", "dns", "tls". */
const char *monitor_kind_name(enum monitor_kind k);
int monitor_kind_parse(const char *s, enum monitor_kind *out);

enum { MONITOR_RANGES_MAX = 8 };

/* Accepted HTTP status codes: "200-399", "200,204", "200-299,301". */
struct monitor_expect {
    int n;
    struct {
        int lo, hi;
    } r[MONITOR_RANGES_MAX];
};

/* Parses S (codes 100–599, ranges low-high, comma separated, at most MONITOR_RANGES_MAX).
 * Returns 0, or -1 with WHY (N bytes) saying what is wrong. */
int monitor_expect_parse(const char *s, struct monitor_expect *out, char *why, size_t n);
bool monitor_expect_match(const struct monitor_expect *x, long code);
/* X written back as "200-399,404" into BUF (N bytes). Returns BUF. */
const char *monitor_expect_format(const struct monitor_expect *x, char *buf, size_t n);

/* Checks TARGET's shape for kind K: http a http(s) URL with a host; tcp HOST:PORT (an IPv6
 * address in brackets); dns a host name; tls HOST or HOST:PORT (443). Returns 0, or -1
 * with WHY. */
int monitor_target_check(enum monitor_kind k, const char *target, char *why, size_t n);

/* Splits a tcp/tls TARGET into HOST (HOST_N bytes, brackets dropped) and *PORT (DEFPORT
 * when it names none). Returns 0, or -1 when it does not parse. */
int monitor_host_port(const char *target, int defport, char *host, size_t host_n, int *port);

enum monitor_state { MSTATE_UNKNOWN, MSTATE_UP, MSTATE_DOWN };

const char *monitor_state_name(enum monitor_state s);
int monitor_state_parse(const char *s, enum monitor_state *out);

/* The consecutive counts and thresholds a step reads and moves. */
struct monitor_run {
    enum monitor_state state;
    int fails, oks;                        /* consecutive failures, successes */
    int failures_before, successes_before; /* the thresholds (≥ 1) */
};

enum monitor_flip { FLIP_NONE, FLIP_DOWN, FLIP_UP };

enum { MONITOR_ROLLUP_MAX = 64 }; /* checks of one monitor in one minute kept for percentiles */

/* One monitor's checks of one minute, summed (a per-minute roll-up). */
struct monitor_rollup {
    int checks, failures;
    int n;                               /* successful checks' latencies kept */
    long latency_ms[MONITOR_ROLLUP_MAX]; /* in any order */
};

/* Adds a check: OK or not, and its latency. */
void monitor_rollup_add(struct monitor_rollup *r, bool ok, long latency_ms);
/* The nearest-rank P-th percentile (1–100) of the successful checks' latencies, or -1 when
 * none succeeded. Sorts R's latencies. */
long monitor_rollup_percentile(struct monitor_rollup *r, int p);

/* The nearest-rank P-th percentile (1–100) of the N values V (sorted in place), or -1 when
 * N is 0: per-minute roll-ups of one day summed into the day's (store/monitors.h). */
long monitor_percentile(long *v, size_t n, int p);

/* One check's outcome OK applied to R: the counts move, and the state when a threshold
 * is reached. Returns the flip that happened (FLIP_NONE for unknown → up). */
enum monitor_flip monitor_step(struct monitor_run *r, bool ok);

#endif
