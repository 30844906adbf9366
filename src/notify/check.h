/*
 * notify/check — one monitor check (SPEC §14) on the prober's event loop, never on a
 * request thread: http through the prober's curl multi (notify/transfer.h), tcp as a
 * non-blocking connect to each address of the target in turn, dns as a lookup through
 * the loop's resolver, tls as a tcp connection then a TLS handshake whose certificate
 * is verified (the system's CAs, SSL_CERT_FILE honoured, and the target's host name) and
 * whose expiry is read: within tls_warn_days the outcome is a warning (the service
 * degraded), not a pass. A check ends exactly once, in DONE, with its outcome filled;
 * a kind's cancel ends it without DONE (shutdown).
 *
 * Outbound rules: the target may be loopback or private unless ALLOW_PRIVATE is false
 * (monitors.allow_private_targets); http follows no redirect unless FOLLOW; at most
 * CHECK_BODY_MAX bytes of a response are read (the keyword is looked for in them).
 */
#ifndef PHAROS_NOTIFY_CHECK_H
#define PHAROS_NOTIFY_CHECK_H
#include "domain/monitor.h"
#include "notify/transfer.h"
#include <event2/dns.h>
#include <event2/event.h>
#include <stdint.h>

enum { CHECK_BODY_MAX = 1 << 20, CHECK_ERROR_MAX = 300 };

struct check_env {
    struct event_base *base;
    struct ssl_ctx_st *tls; /* tls checks: verifies peers against the system's CAs */
    struct evdns_base *dns;
    struct transfer *xfer;
    bool allow_private;
};

struct mon_check;
typedef void (*check_done_fn)(void *arg, struct mon_check *c);
/* tcp, dns, tls: ends C after freeing what the check holds; WHAT NULL: OK, else the
 * failure "WHAT: DETAIL" (a warning with WARN). */
typedef void (*check_net_end_fn)(struct mon_check *c, const char *what, const char *detail,
                                 bool warn);

struct mon_check {
    /* what to check (the prober fills these) */
    int64_t monitor_id;
    enum monitor_kind kind;
    char *target, *keyword; /* keyword NULL: none */
    long timeout_ms, max_latency_ms, tls_warn_days;
    struct monitor_expect expect;
    bool follow;
    /* the outcome */
    int64_t started_at; /* unix seconds */
    bool ok;
    bool warn; /* not OK, but only a warning: the service is degraded, not out */
    int64_t latency_ms;
    char error[CHECK_ERROR_MAX];
    /* the run */
    const struct check_env *env;
    check_done_fn done;
    void *arg;
    int64_t t0_us;                 /* time_mono_us() at the start */
    struct mon_check *prev, *next; /* the prober's list of checks in flight */
    struct event *delay;           /* the prober's: the wait before it starts, or NULL */
    void *easy;                    /* http: the CURL handle */
    struct transfer_guard guard;   /* http: private targets */
    char *body;                    /* http: the first bytes of the response */
    size_t body_len;               /* http */
    bool body_full;                /* http: CHECK_BODY_MAX read, the rest left */
    struct check_lookup *lookup;   /* tcp, dns: the pending lookup, or NULL */
    struct evutil_addrinfo *addrs; /* tcp: the target's addresses */
    struct evutil_addrinfo *addr;  /* tcp: the one being tried */
    struct bufferevent *bev;       /* tcp: the connection being tried */
    struct event *timer;           /* tcp, dns: the timeout */
    check_net_end_fn tls_end;      /* tls: how the handshake's outcome ends the check */
};

/* Starts the clock of C (its fields above filled; ENV, DONE, ARG set): each kind's start
 * calls it first. */
void check_begin(struct mon_check *c);
/* Within check_*.c: C ended; sets the latency and calls DONE. ERROR (printf) NULL: OK. */
void check_end(struct mon_check *c, const char *error, ...) __attribute__((format(printf, 2, 3)));
/* Frees C and its fields (after DONE or a kind's cancel). */
void check_free(struct mon_check *c);

/* Each kind's start (http: check_http.c; tcp, dns, tls: check_net.c): 0, or -1 when it
 * could not start (C->error says why; DONE is not called). Its cancel stops C without
 * calling DONE and frees what it holds (not C itself). */
int check_http_start(struct mon_check *c);
void check_http_cancel(struct mon_check *c);
/* http: the transfer of C's handle ended with CC (the prober's transfer callback). */
void check_http_finish(struct mon_check *c, int cc);
int check_net_start(struct mon_check *c);
void check_net_cancel(struct mon_check *c);
/* tls: C's connection (c->bev) is made; the handshake and the certificate's checks, which
 * end C through END (check_net.c's). */
void check_tls_begin(struct mon_check *c, check_net_end_fn end);

#endif
