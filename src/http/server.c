/*
 * server — worker threads and the per-request entry point. See server.h.
 *
 * Each worker owns an event_base, an evhttp and its own listening socket, all
 * bound to the same address with SO_REUSEPORT: the kernel spreads new
 * connections evenly over the workers. (With one shared socket, whichever
 * worker woke first accepted a whole burst of connections and the other idled:
 * measured 2:1 imbalances and half the throughput.) Before the group binds, a
 * probe bind without SO_REUSEPORT makes sure nobody else holds the address.
 * A request is turned into a `struct req` and given to the router; handlers
 * are synchronous.
 *
 * Limits: libevent's own caps are set to four times ours, so that requests
 * between our limit and its cap get our JSON 413/431 with a clear message;
 * only grossly oversized ones meet libevent's plain-HTML refusal.
 *
 * Shutdown: the main thread's loop catches SIGTERM/SIGINT and activates each
 * worker's stop event; a worker then frees its listener and exits its loop once
 * its in-flight responses are written (checked every 10 ms, at most 5 s).
 */
#include "http/server.h"
#include "core/log.h"
#include "core/timeutil.h"
#include "core/xalloc.h"
#include "http/access_log.h"
#include "http/reply.h"
#include "http/router.h"
#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <event2/buffer.h>
#include <event2/bufferevent.h>
#include <event2/event.h>
#include <event2/listener.h>
#include <event2/thread.h>
#include <netdb.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/queue.h>
#include <sys/socket.h>
#include <unistd.h>

struct worker {
    struct http_server *srv;
    int index;
    pthread_t thread;
    struct event_base *base;
    struct evhttp *http;
    struct evconnlistener *listener;
    struct event *stop_ev, *drain_ev;
    void *tctx;
    struct access_log *alog;
    long inflight;
    uint64_t counter;
    int64_t drain_deadline;
};

struct http_server {
    struct http_server_opts opts;
    int *fds; /* one listening socket per worker */
    int port;
    struct worker *workers;
    struct event_base *main_base;
    struct event *sig_term, *sig_int, *stop_ev;
};

static void set_port(struct sockaddr *sa, int port)
{
    if (sa->sa_family == AF_INET6)
        ((struct sockaddr_in6 *)sa)->sin6_port = htons((uint16_t)port);
    else
        ((struct sockaddr_in *)sa)->sin_port = htons((uint16_t)port);
}

/* A socket bound to AI's address (and listening when DO_LISTEN); REUSEPORT joins a group. */
static int bind_one(const struct addrinfo *ai, bool reuseport, bool do_listen)
{
    int fd = socket(ai->ai_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    int one = 1;
    if (fd < 0 || setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one) != 0 ||
        (reuseport && setsockopt(fd, SOL_SOCKET, SO_REUSEPORT, &one, sizeof one) != 0) ||
        bind(fd, ai->ai_addr, ai->ai_addrlen) != 0 || (do_listen && listen(fd, 1024) != 0)) {
        int saved = errno;
        if (fd >= 0)
            close(fd);
        errno = saved;
        return -1;
    }
    return fd;
}

/* Binds N listening sockets of one SO_REUSEPORT group to HOST:PORT into FDS; *BOUND_PORT
 * gets the port (the kernel's choice when PORT is 0). Returns 0, or -1 with E. */
static int listen_group(const char *host, int port, int n, int *fds, int *bound_port,
                        struct err *e)
{
    struct addrinfo hints = {.ai_family = AF_UNSPEC, .ai_socktype = SOCK_STREAM,
                             .ai_flags = AI_PASSIVE | AI_NUMERICHOST | AI_NUMERICSERV};
    struct addrinfo *ai = NULL;
    char portstr[16];
    snprintf(portstr, sizeof portstr, "%d", port);
    int gai = getaddrinfo(host, portstr, &hints, &ai);
    if (gai != 0)
        return err_set(e, ERR_INVALID, "[server] listen: \"%s\" is not an IP address (%s)", host,
                       gai_strerror(gai));
    int rc = -1, made = 0;
    /* The probe: fails if anyone holds the address, and picks the port for PORT 0. */
    int probe = bind_one(ai, false, false);
    if (probe < 0) {
        err_set(e, ERR_INTERNAL, "cannot listen on %s:%d: %s", host, port, strerror(errno));
        goto out;
    }
    struct sockaddr_storage ss;
    socklen_t sl = sizeof ss;
    getsockname(probe, (struct sockaddr *)&ss, &sl);
    *bound_port = ntohs(ss.ss_family == AF_INET6 ? ((struct sockaddr_in6 *)&ss)->sin6_port
                                                 : ((struct sockaddr_in *)&ss)->sin_port);
    close(probe);
    set_port(ai->ai_addr, *bound_port);
    for (; made < n; made++)
        if ((fds[made] = bind_one(ai, true, true)) < 0) {
            err_set(e, ERR_INTERNAL, "cannot listen on %s:%d: %s", host, *bound_port,
                    strerror(errno));
            goto out;
        }
    rc = 0;
out:
    if (rc != 0)
        while (made > 0)
            close(fds[--made]);
    freeaddrinfo(ai);
    return rc;
}

static void on_signal(evutil_socket_t sig, short what, void *arg)
{
    struct http_server *s = arg;
    (void)what;
    log_info("received %s, shutting down", sig == SIGTERM ? "SIGTERM" : "SIGINT");
    event_base_loopbreak(s->main_base);
}

static void on_stop(evutil_socket_t fd, short what, void *arg)
{
    struct http_server *s = arg;
    (void)fd, (void)what;
    event_base_loopbreak(s->main_base);
}

int http_server_new(const struct http_server_opts *opts, struct http_server **out, struct err *e)
{
    static pthread_once_t once = PTHREAD_ONCE_INIT;
    pthread_once(&once, (void (*)(void))evthread_use_pthreads);
    struct http_server *s = xcalloc(1, sizeof *s);
    s->opts = *opts;
    if (s->opts.threads < 1)
        s->opts.threads = 1;
    s->fds = xcalloc((size_t)s->opts.threads, sizeof *s->fds);
    if (listen_group(opts->host, opts->port, s->opts.threads, s->fds, &s->port, e) != 0) {
        free(s->fds);
        free(s);
        return -1;
    }
    /* Signals are caught from here on, so a SIGTERM sent as soon as the server
     * says it listens already means a clean shutdown. */
    s->main_base = event_base_new();
    if (!s->main_base) {
        http_server_free(s);
        return err_set(e, ERR_INTERNAL, "cannot create the main event loop");
    }
    s->sig_term = evsignal_new(s->main_base, SIGTERM, on_signal, s);
    s->sig_int = evsignal_new(s->main_base, SIGINT, on_signal, s);
    s->stop_ev = event_new(s->main_base, -1, 0, on_stop, s);
    evsignal_add(s->sig_term, NULL);
    evsignal_add(s->sig_int, NULL);
    signal(SIGPIPE, SIG_IGN);
    *out = s;
    return 0;
}

int http_server_port(struct http_server *s)
{
    return s->port;
}

static enum http_method method_of(enum evhttp_cmd_type t)
{
    switch (t) {
    case EVHTTP_REQ_GET: return M_GET;
    case EVHTTP_REQ_HEAD: return M_HEAD;
    case EVHTTP_REQ_POST: return M_POST;
    case EVHTTP_REQ_PUT: return M_PUT;
    case EVHTTP_REQ_PATCH: return M_PATCH;
    case EVHTTP_REQ_DELETE: return M_DELETE;
    case EVHTTP_REQ_OPTIONS: return M_OPTIONS;
    default: return M_OTHER;
    }
}

static bool trusted(struct http_server *s, const char *addr)
{
    const char *list = s->opts.trusted_proxies;
    if (!list || !*list)
        return false;
    size_t al = strlen(addr);
    for (const char *p = list; *p;) {
        p += strspn(p, ", ");
        size_t l = strcspn(p, ", ");
        if (l == al && strncmp(p, addr, l) == 0)
            return true;
        p += l;
    }
    return false;
}

static void fill_client(struct worker *w, struct req *r)
{
    char *addr = NULL;
    ev_uint16_t port;
    evhttp_connection_get_peer(evhttp_request_get_connection(r->ev), &addr, &port);
    snprintf(r->client, sizeof r->client, "%s", addr ? addr : "");
    if (!trusted(w->srv, r->client))
        return;
    const char *xff = req_header(r, "X-Forwarded-For");
    if (xff) {
        const char *last = strrchr(xff, ',');
        last = last ? last + 1 : xff;
        while (*last == ' ')
            last++;
        if (*last)
            snprintf(r->client, sizeof r->client, "%.*s", (int)strcspn(last, " "), last);
    }
    const char *proto = req_header(r, "X-Forwarded-Proto");
    r->secure = proto && strcmp(proto, "https") == 0;
}

static void fill_host(struct req *r)
{
    const char *h = req_header(r, "Host");
    size_t n = 0;
    if (h) {
        if (h[0] == '[') { /* [v6]:port */
            const char *close = strchr(h, ']');
            n = close ? (size_t)(close - h + 1) : strlen(h);
        } else {
            n = strcspn(h, ":");
        }
    }
    if (n >= sizeof r->host)
        n = 0;
    for (size_t i = 0; i < n; i++)
        r->host[i] = (char)tolower((unsigned char)h[i]);
    r->host[n] = '\0';
}

/* Refuses requests over our limits (see the note at the top). Returns true if it replied. */
static bool over_limits(struct worker *w, struct req *r)
{
    size_t hsize = strlen(evhttp_request_get_uri(r->ev)) + 16;
    struct evkeyval *kv;
    TAILQ_FOREACH(kv, evhttp_request_get_input_headers(r->ev), next)
        hsize += strlen(kv->key) + strlen(kv->value) + 4;
    size_t body = evbuffer_get_length(evhttp_request_get_input_buffer(r->ev));
    size_t max_h = w->srv->opts.max_headers, max_b = w->srv->opts.max_body;
    if (hsize <= max_h && body <= max_b)
        return false;
    evhttp_add_header(evhttp_request_get_output_headers(r->ev), "Connection", "close");
    if (hsize > max_h)
        reply_fail(r, ERR_HEADERS_TOO_LARGE,
                   "the request line and headers are %zu bytes; at most %zu bytes are accepted",
                   hsize, max_h);
    else
        reply_fail(r, ERR_TOO_LARGE, "the request body is %zu bytes; at most %zu bytes (%zu KiB) "
                   "are accepted", body, max_b, max_b / 1024);
    return true;
}

/* Every connection's bufferevent: libevent writes at most 16 KiB per loop turn by
 * default, which splits a page into several turns; let a response go at once. */
static struct bufferevent *new_bufferevent(struct event_base *base, void *arg)
{
    (void)arg;
    struct bufferevent *bev = bufferevent_socket_new(base, -1, BEV_OPT_CLOSE_ON_FREE);
    if (bev)
        bufferevent_set_max_single_write(bev, 4 << 20);
    return bev;
}

static void on_complete(struct evhttp_request *ev, void *arg)
{
    struct worker *w = arg;
    (void)ev;
    w->inflight--;
}

static void on_request(struct evhttp_request *ev, void *arg)
{
    struct worker *w = arg;
    struct req r = {.ev = ev, .tctx = w->tctx, .alog = w->alog, .thread = w->index,
                    .start_us = time_mono_us()};
    TAILQ_INIT(&r.query);
    w->inflight++;
    evhttp_request_set_on_complete_cb(ev, on_complete, w);
    snprintf(r.id, sizeof r.id, "%x-%llx", w->index, (unsigned long long)++w->counter);
    r.method = method_of(evhttp_request_get_command(ev));
    fill_host(&r);
    fill_client(w, &r);

    const struct evhttp_uri *uri = evhttp_request_get_evhttp_uri(ev);
    const char *raw = uri ? evhttp_uri_get_path(uri) : NULL;
    size_t plen = 0;
    char *path = raw ? evhttp_uridecode(raw, 0, &plen) : NULL;
    if (!path || plen != strlen(path) || path[0] != '/') {
        free(path);
        r.path = xstrdup("/");
        reply_fail(&r, ERR_INVALID, "the request path is malformed");
        free(r.path);
        return;
    }
    while (plen > 1 && path[plen - 1] == '/')
        path[--plen] = '\0';
    r.path = path;
    const char *q = uri ? evhttp_uri_get_query(uri) : NULL;
    if (over_limits(w, &r)) {
        /* answered */
    } else if (q && evhttp_parse_query_str(q, &r.query) != 0) {
        reply_fail(&r, ERR_INVALID, "the query string is malformed");
    } else if (r.method == M_OTHER || r.method == M_OPTIONS) {
        reply_header(&r, "Allow", "GET, HEAD, POST, PUT, PATCH, DELETE");
        reply_fail(&r, ERR_METHOD, "method not supported");
    } else {
        router_dispatch(&r);
        if (!r.replied) {
            log_error("%s: handler for %s returned without replying", r.id, r.path);
            reply_fail(&r, ERR_INTERNAL, "internal error");
        }
    }
    evhttp_clear_headers(&r.query);
    free(r.path);
}

static void on_drain_tick(evutil_socket_t fd, short what, void *arg)
{
    struct worker *w = arg;
    (void)fd, (void)what;
    if (w->inflight <= 0 || time_mono_us() > w->drain_deadline) {
        event_base_loopbreak(w->base);
        return;
    }
    struct timeval tv = {0, 10000};
    event_add(w->drain_ev, &tv);
}

static void on_worker_stop(evutil_socket_t fd, short what, void *arg)
{
    struct worker *w = arg;
    (void)fd, (void)what;
    if (w->listener) {
        evconnlistener_disable(w->listener);
    }
    w->drain_deadline = time_mono_us() + 5000000;
    on_drain_tick(-1, 0, w);
}

static void *worker_main(void *arg)
{
    struct worker *w = arg;
    sigset_t set;
    sigfillset(&set);
    pthread_sigmask(SIG_BLOCK, &set, NULL);
    if (w->srv->opts.thread_init)
        w->tctx = w->srv->opts.thread_init(w->index, w->srv->opts.arg);
    event_base_dispatch(w->base);
    return NULL;
}

static int worker_setup(struct http_server *s, struct worker *w, int index, struct err *e)
{
    w->srv = s;
    w->index = index;
    /* Changelists batch the epoll updates libevent makes around every response. */
    struct event_config *ecfg = event_config_new();
    if (ecfg)
        event_config_set_flag(ecfg, EVENT_BASE_FLAG_EPOLL_USE_CHANGELIST);
    w->base = ecfg ? event_base_new_with_config(ecfg) : NULL;
    if (ecfg)
        event_config_free(ecfg);
    w->http = w->base ? evhttp_new(w->base) : NULL;
    if (!w->http)
        return err_set(e, ERR_INTERNAL, "cannot create an event loop");
    evhttp_set_allowed_methods(w->http, EVHTTP_REQ_GET | EVHTTP_REQ_HEAD | EVHTTP_REQ_POST |
                                            EVHTTP_REQ_PUT | EVHTTP_REQ_PATCH |
                                            EVHTTP_REQ_DELETE | EVHTTP_REQ_OPTIONS);
    evhttp_set_max_body_size(w->http, (ev_ssize_t)s->opts.max_body * 4);
    evhttp_set_max_headers_size(w->http, (ev_ssize_t)s->opts.max_headers * 4);
    evhttp_set_timeout(w->http, s->opts.timeout_s);
    evhttp_set_default_content_type(w->http, "text/plain; charset=utf-8");
    evhttp_set_gencb(w->http, on_request, w);
    evhttp_set_bevcb(w->http, new_bufferevent, NULL);
    w->alog = access_log_new(w->base);
    w->listener =
        evconnlistener_new(w->base, NULL, NULL, LEV_OPT_CLOSE_ON_EXEC, 0, s->fds[index]);
    if (!w->listener || !evhttp_bind_listener(w->http, w->listener))
        return err_set(e, ERR_INTERNAL, "cannot accept on the listening socket");
    w->stop_ev = event_new(w->base, -1, 0, on_worker_stop, w);
    w->drain_ev = evtimer_new(w->base, on_drain_tick, w);
    return 0;
}

int http_server_run(struct http_server *s, struct err *e)
{
    int rc = -1;
    int n = s->opts.threads;
    s->workers = xcalloc((size_t)n, sizeof *s->workers);
    for (int i = 0; i < n; i++)
        if (worker_setup(s, &s->workers[i], i, e) != 0)
            goto out;
    int started = 0;
    for (; started < n; started++)
        if (pthread_create(&s->workers[started].thread, NULL, worker_main, &s->workers[started]))
            break;
    if (started == n)
        event_base_dispatch(s->main_base);
    for (int i = 0; i < started; i++)
        event_active(s->workers[i].stop_ev, 0, 0);
    for (int i = 0; i < started; i++)
        pthread_join(s->workers[i].thread, NULL);
    if (started != n) {
        err_set(e, ERR_INTERNAL, "cannot start worker threads");
        goto out;
    }
    rc = 0;
out:
    return rc;
}

void http_server_stop(struct http_server *s)
{
    if (s->stop_ev)
        event_active(s->stop_ev, 0, 0);
}

void http_server_free(struct http_server *s)
{
    if (!s)
        return;
    for (int i = 0; s->workers && i < s->opts.threads; i++) {
        struct worker *w = &s->workers[i];
        if (w->http)
            evhttp_free(w->http); /* frees the bound listener too */
        else if (w->listener)
            evconnlistener_free(w->listener);
        access_log_free(w->alog);
        if (w->stop_ev)
            event_free(w->stop_ev);
        if (w->drain_ev)
            event_free(w->drain_ev);
        if (w->tctx && s->opts.thread_cleanup)
            s->opts.thread_cleanup(w->tctx);
        if (w->base)
            event_base_free(w->base);
    }
    free(s->workers);
    if (s->sig_term)
        event_free(s->sig_term);
    if (s->sig_int)
        event_free(s->sig_int);
    if (s->stop_ev)
        event_free(s->stop_ev);
    if (s->main_base)
        event_base_free(s->main_base);
    for (int i = 0; s->fds && i < s->opts.threads; i++)
        close(s->fds[i]);
    free(s->fds);
    free(s);
}
