/*
 * notify/check_net — tcp and dns monitors' checks, on the loop's resolver.
 *
 * dns: the target resolves (to any address) within timeout_ms. tcp: the target's host is
 * resolved (an address literal is used as it is), then each address is tried in turn
 * until a connection is made; a private address is skipped unless allowed. tls: as tcp,
 * then notify/check_tls.c takes the connection on. One timer bounds the whole check.
 *
 * A lookup is a small ticket of its own: evdns calls its callback even after a cancel,
 * so the ticket, not the check, is what the callback is given; cancelling clears the
 * ticket's check and the callback then only frees the ticket.
 */
#include "core/netaddr.h"
#include "core/xalloc.h"
#include "notify/check.h"
#include <event2/bufferevent.h>
#include <event2/util.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct check_lookup {
    struct mon_check *c; /* NULL once cancelled */
    struct evdns_getaddrinfo_request *req;
};

static void release_net(struct mon_check *c)
{
    if (c->lookup) {
        struct check_lookup *l = c->lookup;
        c->lookup = NULL;
        l->c = NULL;
        if (l->req) evdns_getaddrinfo_cancel(l->req); /* its callback frees L */
    }
    if (c->bev) bufferevent_free(c->bev);
    c->bev = NULL;
    if (c->addrs) evutil_freeaddrinfo(c->addrs);
    c->addrs = c->addr = NULL;
    if (c->timer) event_free(c->timer);
    c->timer = NULL;
}

/* Ends C (a check_net_end_fn, check.h). */
static void net_end(struct mon_check *c, const char *what, const char *detail, bool warn)
{
    release_net(c);
    c->warn = what && warn;
    if (what)
        check_end(c, "%s: %s", what, detail);
    else
        check_end(c, NULL);
}

static void end_check(struct mon_check *c, const char *what, const char *detail)
{
    net_end(c, what, detail, false);
}

static void try_next(struct mon_check *c, const char *why);

static void on_event(struct bufferevent *bev, short what, void *arg)
{
    struct mon_check *c = arg;
    (void)bev;
    if (what & BEV_EVENT_CONNECTED) {
        if (c->kind == MON_TLS)
            check_tls_begin(c, net_end);
        else
            end_check(c, NULL, NULL);
        return;
    }
    int err = EVUTIL_SOCKET_ERROR();
    try_next(c, evutil_socket_error_to_string(err));
}

/* Tries the address after c->addr (the first when NULL); WHY: the last one's failure. */
static void try_next(struct mon_check *c, const char *why)
{
    if (c->bev) bufferevent_free(c->bev);
    c->bev = NULL;
    for (c->addr = c->addr ? c->addr->ai_next : c->addrs; c->addr; c->addr = c->addr->ai_next) {
        if (!c->env->allow_private && netaddr_sockaddr_is_private(c->addr->ai_addr)) {
            why = "refused: the target is a loopback or private address "
                  "(monitors.allow_private_targets is false)";
            continue;
        }
        c->bev = bufferevent_socket_new(c->env->base, -1, BEV_OPT_CLOSE_ON_FREE);
        if (!c->bev) break;
        bufferevent_setcb(c->bev, NULL, NULL, on_event, c);
        if (bufferevent_socket_connect(c->bev, c->addr->ai_addr, (int)c->addr->ai_addrlen) == 0)
            return; /* on_event says how it went */
        why = evutil_socket_error_to_string(EVUTIL_SOCKET_ERROR());
        bufferevent_free(c->bev);
        c->bev = NULL;
    }
    end_check(c, "cannot connect", why ? why : "no address");
}

static void on_resolved(int result, struct evutil_addrinfo *res, void *arg)
{
    struct check_lookup *l = arg;
    struct mon_check *c = l->c;
    free(l);
    if (!c) { /* cancelled */
        if (res) evutil_freeaddrinfo(res);
        return;
    }
    c->lookup = NULL;
    if (result != 0) {
        end_check(c, "the name does not resolve", evutil_gai_strerror(result));
        return;
    }
    if (c->kind == MON_DNS) {
        evutil_freeaddrinfo(res);
        end_check(c, NULL, NULL);
        return;
    }
    c->addrs = res;
    try_next(c, NULL);
}

static void on_timeout(evutil_socket_t fd, short what, void *arg)
{
    struct mon_check *c = arg;
    (void)fd, (void)what;
    char why[64];
    snprintf(why, sizeof why, "no answer within %ld ms", c->timeout_ms);
    end_check(c, "timed out", why);
}

int check_net_start(struct mon_check *c)
{
    check_begin(c);
    char host[256], port[8] = "";
    int p = 0;
    if (c->kind == MON_DNS)
        snprintf(host, sizeof host, "%s", c->target);
    else if (monitor_host_port(c->target, 443, host, sizeof host, &p) == 0)
        snprintf(port, sizeof port, "%d", p);
    else {
        snprintf(c->error, sizeof c->error, "the target is not HOST:PORT");
        return -1;
    }
    c->timer = evtimer_new(c->env->base, on_timeout, c);
    struct timeval tv = {.tv_sec = c->timeout_ms / 1000, .tv_usec = c->timeout_ms % 1000 * 1000};
    if (!c->timer || evtimer_add(c->timer, &tv) != 0) {
        release_net(c);
        snprintf(c->error, sizeof c->error, "cannot start the check");
        return -1;
    }
    struct evutil_addrinfo hints = {
        .ai_family = AF_UNSPEC, .ai_socktype = SOCK_STREAM, .ai_flags = EVUTIL_AI_ADDRCONFIG};
    struct check_lookup *l = xcalloc(1, sizeof *l);
    l->c = c;
    c->lookup = l;
    /* may call on_resolved at once (an address literal, a cached answer) */
    struct evdns_getaddrinfo_request *req =
        evdns_getaddrinfo(c->env->dns, host, port[0] ? port : NULL, &hints, on_resolved, l);
    if (c->lookup == l) l->req = req;
    return 0;
}

void check_net_cancel(struct mon_check *c)
{
    release_net(c);
}
