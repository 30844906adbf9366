/*
 * server — worker threads and the per-request entry point. See server.h.
 *
 * Each worker owns an event_base, a pool of connections (http/conn.h) and its
 * own listening socket, all bound to the same address with SO_REUSEPORT: the
 * kernel spreads new connections over the workers. (With one shared socket,
 * whichever worker woke first accepted a whole burst of connections and the
 * other idled: measured 2:1 imbalances and half the throughput.) The kernel's
 * spread is random, though: a worker that accepts a connection while another
 * has fewer hands it over (a queue and an event on the other's loop), so no
 * worker has two more than another. Before the group binds, a probe bind without
 * SO_REUSEPORT makes sure nobody else holds the address.
 * A request is turned into a `struct req` and given to the router; handlers
 * are synchronous, though a handler may have its answer held until another
 * thread's work is done (http_hold_current: conn_hold on the connection it runs
 * for). Its host (the page it is for) is that of an absolute-form target, else
 * that of its Host header (conn.c has checked the Host rules).
 * Requests over a limit, or not HTTP, reach here with the error conn.c found and
 * get the usual JSON (or HTML) error.
 * With opts.offload_threads (PostgreSQL), requests that change something run on
 * offload threads instead (http/defer.h): a write waits for the database's round
 * trips and commit, and on the worker's loop every other connection of the worker
 * waited with it (bench/10: p50 2.7 ms for writes whose handler took 0.7).
 *
 * Overload: opts.max_connections (server.max_connections) caps the connections of
 * all workers together, the sum of their counts read without a lock (two workers
 * accepting at once may pass it by one). A worker that accepts at the cap closes
 * some of its idle connections first, the least recently active ones, so that new
 * visitors get served; when all of its connections are busy it closes the new one
 * at once. Then, and whenever accept(2) fails (out of descriptors: EMFILE, ENFILE;
 * libevent would call it again at once, forever), it stops accepting for 100 ms,
 * doubling up to 1 s while that lasts, and the server logs it at most once a
 * second. The connections already open are served all along.
 *
 * Shutdown: the main thread's loop catches SIGTERM/SIGINT and activates each
 * worker's stop event; a worker then stops accepting, closes its idle
 * connections, and exits its loop once the others have had their responses
 * written (checked every 10 ms, at most 5 s).
 */
#include "http/server.h"
#include "core/buf.h"
#include "core/fmt.h"
#include "core/host.h"
#include "core/log.h"
#include "core/metrics.h"
#include "core/timeutil.h"
#include "core/xalloc.h"
#include "http/access_log.h"
#include "http/conn.h"
#include "http/defer.h"
#include "http/offload.h"
#include "http/reply.h"
#include "http/router.h"
#include <arpa/inet.h>
#include <errno.h>
#include <event2/event.h>
#include <event2/http.h>
#include <event2/listener.h>
#include <event2/thread.h>
#include <netdb.h>
#include <pthread.h>
#include <signal.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/queue.h>
#include <sys/socket.h>
#include <unistd.h>

enum {
    HANDOFF_MAX = 64,      /* connections waiting to move to a worker */
    BACKOFF_MIN_MS = 100,  /* accepting paused for this long at first, */
    BACKOFF_MAX_MS = 1000, /* doubling while the overload lasts, up to this */
    EVICT_MAX = 32,        /* idle connections closed at a time to make room */
};

struct handoff {
    int fd;
    struct sockaddr_storage sa;
    socklen_t salen;
};

struct worker {
    struct http_server *srv;
    int index;
    pthread_t thread;
    struct event_base *base;
    struct conn_pool *pool;
    struct evconnlistener *listener;
    struct event *stop_ev, *drain_ev;
    void *tctx;
    struct access_log *alog;
    struct defer_queue *answered; /* requests back from the offload threads (defer.h) */
    uint64_t counter;
    int64_t drain_deadline;
    struct buf out_headers; /* each response's header lines, reused */
    /* Connections handed over by other workers (see balance()); under hmu. */
    pthread_mutex_t hmu;
    struct handoff queue[HANDOFF_MAX];
    int nqueue;           /* under hmu */
    _Atomic int incoming; /* handed over and not yet in the pool: read by balance() */
    _Atomic bool stopping;
    struct event *handoff_ev;
    struct metric *m_conns;  /* pharos_http_connections{worker="N"} */
    struct event *gauge_ev;  /* sets it once a second */
    struct event *resume_ev; /* re-enables the listener after a pause (overload) */
    int backoff_ms;          /* the last pause; 0 once an accept went through */
    char *path;              /* each request's decoded path, reused (max_headers + 1 bytes) */
};

struct http_server {
    struct http_server_opts opts;
    int *fds; /* one listening socket per worker */
    int port;
    struct worker *workers;
    struct event_base *main_base;
    struct event *sig_term, *sig_int, *stop_ev;
    struct offload *offload; /* opts.offload_threads, or NULL */
    /* overload: metrics, and one log line a second at most (see overload_log) */
    struct metric *m_rejected, *m_evicted, *m_accept_errors;
    _Atomic int64_t overload_log_us; /* time_mono_us() of the last line */
    _Atomic uint64_t overload_quiet; /* occurrences not logged since */
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
        if (fd >= 0) close(fd);
        errno = saved;
        return -1;
    }
    return fd;
}

/* Binds N listening sockets of one SO_REUSEPORT group to HOST:PORT into FDS; *BOUND_PORT
 * gets the port (the kernel's choice when PORT is 0). Returns 0, or -1 with E. */
static int listen_group(const char *host, int port, int n, int *fds, int *bound_port, struct err *e)
{
    struct addrinfo hints = {.ai_family = AF_UNSPEC,
                             .ai_socktype = SOCK_STREAM,
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
    if (s->opts.threads < 1) s->opts.threads = 1;
    s->fds = xcalloc((size_t)s->opts.threads, sizeof *s->fds);
    s->overload_log_us = INT64_MIN / 2;
    s->m_rejected = metrics_counter("pharos_http_connections_rejected_total",
                                    "Connections closed at once: server.max_connections reached "
                                    "and none idle to close",
                                    NULL);
    s->m_evicted = metrics_counter("pharos_http_connections_evicted_total",
                                   "Idle connections closed to make room for new ones", NULL);
    s->m_accept_errors = metrics_counter("pharos_http_accept_errors_total",
                                         "accept(2) failures (out of descriptors or memory)", NULL);
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

static enum http_method method_of(const char *m)
{
    static const struct {
        const char *name;
        enum http_method m;
    } known[] = {{"GET", M_GET},     {"HEAD", M_HEAD},     {"POST", M_POST},      {"PUT", M_PUT},
                 {"PATCH", M_PATCH}, {"DELETE", M_DELETE}, {"OPTIONS", M_OPTIONS}};
    for (size_t i = 0; i < sizeof known / sizeof known[0]; i++)
        if (strcmp(m, known[i].name) == 0) return known[i].m;
    return M_OTHER;
}

static bool trusted(struct http_server *s, const char *addr)
{
    const char *list = s->opts.trusted_proxies;
    if (!list || !*list) return false;
    size_t al = strlen(addr);
    for (const char *p = list; *p;) {
        p += strspn(p, ", ");
        size_t l = strcspn(p, ", ");
        if (l == al && strncmp(p, addr, l) == 0) return true;
        p += l;
    }
    return false;
}

static void fill_client(struct worker *w, struct req *r)
{
    snprintf(r->client, sizeof r->client, "%s", conn_peer(r->conn));
    if (!trusted(w->srv, r->client)) return;
    const char *xff = req_header(r, "X-Forwarded-For");
    if (xff) {
        const char *last = strrchr(xff, ',');
        last = last ? last + 1 : xff;
        while (*last == ' ')
            last++;
        if (*last) snprintf(r->client, sizeof r->client, "%.*s", (int)strcspn(last, " "), last);
    }
    const char *proto = req_header(r, "X-Forwarded-Proto");
    r->secure = proto && strcmp(proto, "https") == 0;
}

/* The host the request is for, lower-case and without port: an absolute-form
 * target's ("GET http://b.test/x": RFC 9112 section 3.2.2, it wins over Host),
 * else the Host header's (conn.c has made sure that an HTTP/1.1 request has one
 * valid Host header). False for an absolute-form target with userinfo
 * ("http://user@b.test/"), which RFC 9110 section 4.2.4 has us treat as an error. */
static bool fill_host(struct req *r)
{
    const char *t = r->msg->target, *h = req_header(r, "Host");
    char authority[HOST_MAX + 16];
    if (strncasecmp(t, "http://", 7) == 0 || strncasecmp(t, "https://", 8) == 0) {
        const char *a = strstr(t, "://") + 3;
        size_t len = strcspn(a, "/?#");
        if (memchr(a, '@', len)) {
            r->host[0] = '\0';
            return false;
        }
        snprintf(authority, sizeof authority, "%.*s", (int)(len < sizeof authority ? len : 0), a);
        h = authority;
    }
    host_from_header(h, r->host, sizeof r->host);
    return true;
}

static int hexval(char c)
{
    return c >= '0' && c <= '9'   ? c - '0'
           : c >= 'a' && c <= 'f' ? c - 'a' + 10
           : c >= 'A' && c <= 'F' ? c - 'A' + 10
                                  : -1;
}

/* Decodes the path of TARGET (origin or absolute form) into OUT (room for
 * strlen(TARGET) + 1 bytes) without trailing slashes; *QUERY gets what follows
 * '?', or NULL. Returns false for a malformed path (not absolute, or %00). */
static bool decode_path(const char *target, char *out, const char **query)
{
    const char *p = target;
    if (strncasecmp(p, "http://", 7) == 0 || strncasecmp(p, "https://", 8) == 0) {
        p = strstr(p, "://") + 3;
        p += strcspn(p, "/?");
    }
    *query = NULL;
    if (*p != '/') return false;
    size_t n = 0;
    for (; *p && *p != '?' && *p != '#'; p++) {
        int hi, lo;
        if (*p == '%' && (hi = hexval(p[1])) >= 0 && (lo = hexval(p[2])) >= 0) {
            char ch = (char)(hi * 16 + lo);
            if (ch == '\0') return false;
            out[n++] = ch;
            p += 2;
        } else {
            out[n++] = *p;
        }
    }
    if (*p == '?') *query = p + 1;
    while (n > 1 && out[n - 1] == '/')
        n--;
    out[n] = '\0';
    return true;
}

/* "%x-%llx" of the worker and its request counter, without printf. */
static void request_id(char *out, unsigned worker, uint64_t n)
{
    out = fmt_hex(out, worker);
    *out++ = '-';
    *fmt_hex(out, n) = '\0';
}

/* The connection whose request this thread's handler is running (http_hold_current). */
static _Thread_local struct conn *current;

bool http_hold_current(bool (*ready)(void *arg), void (*done)(void *arg), void *arg)
{
    return current ? conn_hold(current, ready, done, arg) : defer_hold_current(ready, done, arg);
}

void http_server_wake_held(struct http_server *s)
{
    for (int i = 0; i < s->opts.threads; i++)
        if (s->workers[i].pool) conn_pool_wake_held(s->workers[i].pool);
}

static void on_request(struct conn *c, struct http_msg *m, void *arg)
{
    struct worker *w = arg;
    buf_reset(&w->out_headers);
    struct req r = {.conn = c,
                    .msg = m,
                    .tctx = w->tctx,
                    .alog = w->alog,
                    .thread = w->index,
                    .start_us = time_mono_us(),
                    .out_headers = &w->out_headers,
                    .path = w->path};
    TAILQ_INIT(&r.query);
    request_id(r.id, (unsigned)w->index, ++w->counter);
    r.method = method_of(m->method);
    bool host_ok = fill_host(&r);
    fill_client(w, &r);

    const char *q = NULL;
    if (m->error) {
        strcpy(r.path, "/");
        if (m->target[0]) decode_path(m->target, r.path, &q);
        r.close = true;
        reply_fail(&r, m->error, "%s", m->error_msg);
    } else if (!decode_path(m->target, r.path, &q)) {
        strcpy(r.path, "/");
        reply_fail(&r, ERR_INVALID, "the request path is malformed");
    } else if (!host_ok) {
        reply_fail(&r, ERR_INVALID,
                   "the request target names a user (http://user@host/); "
                   "only http://host/path is accepted");
    } else if (q && *q && evhttp_parse_query_str(q, &r.query) != 0) {
        reply_fail(&r, ERR_INVALID, "the query string is malformed");
    } else if (w->srv->offload && !(r.method & (M_GET | M_HEAD | M_OPTIONS))) {
        defer_request(w->answered, w->srv->offload, &r, m);
    } else {
        current = c;
        router_dispatch(&r);
        current = NULL;
    }
    evhttp_clear_headers(&r.query);
}

static void on_handoff(evutil_socket_t unused, short what, void *arg);

static void on_drain_tick(evutil_socket_t fd, short what, void *arg)
{
    struct worker *w = arg;
    (void)fd, (void)what;
    if (conn_pool_count(w->pool) == 0 || time_mono_us() > w->drain_deadline) {
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
    atomic_store(&w->stopping, true);
    if (w->listener) evconnlistener_disable(w->listener);
    on_handoff(-1, 0, w); /* connections already handed over are served, then drained */
    conn_pool_drain(w->pool);
    w->drain_deadline = time_mono_us() + 5000000;
    on_drain_tick(-1, 0, w);
}

static void *worker_main(void *arg)
{
    struct worker *w = arg;
    sigset_t set;
    sigfillset(&set);
    pthread_sigmask(SIG_BLOCK, &set, NULL);
    if (w->srv->opts.thread_init) w->tctx = w->srv->opts.thread_init(w->index, w->srv->opts.arg);
    event_base_dispatch(w->base);
    return NULL;
}

/* Connections a worker has or is about to take over. */
static size_t load(struct worker *w)
{
    return conn_pool_count(w->pool) +
           (size_t)atomic_load_explicit(&w->incoming, memory_order_relaxed);
}

/* The worker that should take a connection W accepted: W itself, unless another has
 * fewer, so that no worker ends up with two more than another. (SO_REUSEPORT spreads
 * connections at random: 64 of them land 26/38 as often as not, and the busier worker's
 * clients wait longer. Handing over only to one with two fewer left 8 connections on 4
 * workers as 3/2/2/1, and the requests behind the 3 set the p99.) */
static struct worker *balance(struct worker *w)
{
    struct http_server *s = w->srv;
    struct worker *best = w;
    size_t mine = load(w), least = mine;
    for (int i = 0; i < s->opts.threads; i++) {
        struct worker *o = &s->workers[i];
        if (o == w || atomic_load(&o->stopping)) continue;
        size_t l = load(o);
        if (l < least) {
            best = o;
            least = l;
        }
    }
    return best;
}

/* Queues FD for TO's loop; false when its queue is full. */
static bool hand_over(struct worker *to, int fd, const struct sockaddr *sa, socklen_t salen)
{
    pthread_mutex_lock(&to->hmu);
    bool ok = to->nqueue < HANDOFF_MAX && salen <= sizeof to->queue[0].sa;
    if (ok) {
        struct handoff *h = &to->queue[to->nqueue];
        h->fd = fd;
        memcpy(&h->sa, sa, salen);
        h->salen = salen;
        to->nqueue++;
        atomic_fetch_add_explicit(&to->incoming, 1, memory_order_relaxed);
    }
    pthread_mutex_unlock(&to->hmu);
    if (ok) event_active(to->handoff_ev, 0, 0);
    return ok;
}

/* Takes over the connections other workers handed to W. */
static void on_handoff(evutil_socket_t unused, short what, void *arg)
{
    struct worker *w = arg;
    (void)unused, (void)what;
    struct handoff q[HANDOFF_MAX];
    pthread_mutex_lock(&w->hmu);
    int n = w->nqueue;
    memcpy(q, w->queue, (size_t)n * sizeof q[0]);
    w->nqueue = 0;
    pthread_mutex_unlock(&w->hmu);
    /* Each leaves `incoming` once it is counted in the pool: uncounted meanwhile, the
     * batch made this worker look emptier than it was, and CI saw 40 connections on two
     * workers end up 22/18. */
    for (int i = 0; i < n; i++) {
        conn_pool_accept(w->pool, q[i].fd, (struct sockaddr *)&q[i].sa, q[i].salen);
        atomic_fetch_sub_explicit(&w->incoming, 1, memory_order_relaxed);
    }
}

static void on_gauge(evutil_socket_t unused, short what, void *arg)
{
    struct worker *w = arg;
    (void)unused, (void)what;
    metrics_set(w->m_conns, (int64_t)conn_pool_count(w->pool));
}

/* Logs an overload at most once a second for the whole server, saying how many
 * occurrences went unlogged since the last line. */
static void overload_log(struct http_server *s, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
static void overload_log(struct http_server *s, const char *fmt, ...)
{
    int64_t now = time_mono_us();
    int64_t last = atomic_load(&s->overload_log_us);
    if (now - last < 1000000 || !atomic_compare_exchange_strong(&s->overload_log_us, &last, now)) {
        atomic_fetch_add(&s->overload_quiet, 1);
        return;
    }
    uint64_t quiet = atomic_exchange(&s->overload_quiet, 0);
    char msg[256];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    if (quiet)
        log_warn("%s (and %llu more since the last such message)", msg, (unsigned long long)quiet);
    else
        log_warn("%s", msg);
}

/* Stops accepting for a while: BACKOFF_MIN_MS, doubling while the overload lasts. The
 * connections already open are served meanwhile; new ones wait in the backlog. */
static void pause_accepting(struct worker *w)
{
    w->backoff_ms = w->backoff_ms ? w->backoff_ms * 2 : BACKOFF_MIN_MS;
    if (w->backoff_ms > BACKOFF_MAX_MS) w->backoff_ms = BACKOFF_MAX_MS;
    evconnlistener_disable(w->listener);
    struct timeval tv = {w->backoff_ms / 1000, (w->backoff_ms % 1000) * 1000};
    evtimer_add(w->resume_ev, &tv);
}

static void on_resume(evutil_socket_t unused, short what, void *arg)
{
    struct worker *w = arg;
    (void)unused, (void)what;
    if (!atomic_load(&w->stopping)) evconnlistener_enable(w->listener);
}

/* Closes some of W's idle connections, the least recently active first; how many. */
static size_t make_room(struct worker *w)
{
    size_t n = conn_pool_count(w->pool) / 16;
    n = conn_pool_evict_idle(w->pool, n < 1 ? 1 : n > EVICT_MAX ? EVICT_MAX : n);
    metrics_add(w->srv->m_evicted, n);
    return n;
}

/* Connections the server has or is about to take over, all workers together. */
static size_t server_load(struct http_server *s)
{
    size_t n = 0;
    for (int i = 0; i < s->opts.threads; i++)
        n += load(&s->workers[i]);
    return n;
}

static void on_accept(struct evconnlistener *l, evutil_socket_t fd, struct sockaddr *sa, int salen,
                      void *arg)
{
    struct worker *w = arg;
    struct http_server *s = w->srv;
    (void)l;
    size_t max = s->opts.max_connections;
    if (max && server_load(s) >= max) {
        size_t closed = make_room(w);
        if (closed == 0) { /* every connection of this worker is busy: refuse this one */
            close(fd);
            metrics_add(s->m_rejected, 1);
            pause_accepting(w);
            overload_log(s,
                         "at server.max_connections (%zu) with no idle connection to close: "
                         "new connections are closed; accepting again in %d ms",
                         max, w->backoff_ms);
            return;
        }
        overload_log(s,
                     "at server.max_connections (%zu): closed %zu idle connections to make "
                     "room",
                     max, closed);
    }
    w->backoff_ms = 0;
    struct worker *to = balance(w);
    if (to != w && hand_over(to, fd, sa, (socklen_t)salen)) return;
    conn_pool_accept(w->pool, fd, sa, (socklen_t)salen);
}

/* accept(2) failed with something else than EAGAIN, EINTR or ECONNABORTED. Out of
 * descriptors (EMFILE, ENFILE) or memory, libevent would call accept again at once,
 * forever: free what idle connections hold, and pause. */
static void on_accept_error(struct evconnlistener *l, void *arg)
{
    struct worker *w = arg;
    int err = EVUTIL_SOCKET_ERROR();
    (void)l;
    size_t closed = make_room(w);
    metrics_add(w->srv->m_accept_errors, 1);
    pause_accepting(w);
    overload_log(w->srv,
                 "cannot accept connections: %s; closed %zu idle connections; accepting "
                 "again in %d ms (see server.max_connections and ulimit -n)",
                 strerror(err), closed, w->backoff_ms);
}

static int worker_setup(struct http_server *s, struct worker *w, int index, struct err *e)
{
    w->srv = s;
    w->index = index;
    /* Changelists batch the epoll updates made while handling one batch of events. */
    struct event_config *ecfg = event_config_new();
    if (ecfg) event_config_set_flag(ecfg, EVENT_BASE_FLAG_EPOLL_USE_CHANGELIST);
    w->base = ecfg ? event_base_new_with_config(ecfg) : NULL;
    if (ecfg) event_config_free(ecfg);
    if (!w->base) return err_set(e, ERR_INTERNAL, "cannot create an event loop");
    struct conn_limits lim = {.max_headers = s->opts.max_headers,
                              .max_body = s->opts.max_body,
                              .timeout_s = s->opts.timeout_s,
                              .request_timeout_s = s->opts.request_timeout_s};
    w->pool = conn_pool_new(w->base, &lim, on_request, w);
    buf_init(&w->out_headers, 64 << 10);
    w->path = xmalloc(s->opts.max_headers + 1);
    w->alog = access_log_new(w->base);
    w->answered = defer_queue_new(w->base);
    w->listener =
        evconnlistener_new(w->base, on_accept, w, LEV_OPT_CLOSE_ON_EXEC, 0, s->fds[index]);
    if (!w->listener) return err_set(e, ERR_INTERNAL, "cannot accept on the listening socket");
    evconnlistener_set_error_cb(w->listener, on_accept_error);
    w->resume_ev = evtimer_new(w->base, on_resume, w);
    w->stop_ev = event_new(w->base, -1, 0, on_worker_stop, w);
    w->drain_ev = evtimer_new(w->base, on_drain_tick, w);
    pthread_mutex_init(&w->hmu, NULL);
    w->handoff_ev = event_new(w->base, -1, 0, on_handoff, w);
    char label[32];
    snprintf(label, sizeof label, "worker=\"%d\"", index);
    w->m_conns =
        metrics_gauge("pharos_http_connections", "Open HTTP connections, by worker thread", label);
    w->gauge_ev = event_new(w->base, -1, EV_PERSIST, on_gauge, w);
    struct timeval sec = {1, 0};
    event_add(w->gauge_ev, &sec);
    return 0;
}

int http_server_run(struct http_server *s, struct err *e)
{
    int rc = -1;
    int n = s->opts.threads;
    s->workers = xcalloc((size_t)n, sizeof *s->workers);
    for (int i = 0; i < n; i++)
        if (worker_setup(s, &s->workers[i], i, e) != 0) goto out;
    if (s->opts.offload_threads > 0) /* indexes after the workers' */
        s->offload = offload_start(s->opts.offload_threads, n, s->opts.thread_init,
                                   s->opts.thread_cleanup, s->opts.arg);
    int started = 0;
    for (; started < n; started++)
        if (pthread_create(&s->workers[started].thread, NULL, worker_main, &s->workers[started]))
            break;
    if (started == n) event_base_dispatch(s->main_base);
    for (int i = 0; i < started; i++)
        event_active(s->workers[i].stop_ev, 0, 0);
    for (int i = 0; i < started; i++)
        pthread_join(s->workers[i].thread, NULL);
    /* Requests still on the offload threads (past the drain's 5 s) finish, and are
     * dropped unanswered in http_server_free: their loops are gone. */
    offload_stop(s->offload);
    s->offload = NULL;
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
    if (s->stop_ev) event_active(s->stop_ev, 0, 0);
}

void http_server_free(struct http_server *s)
{
    if (!s) return;
    for (int i = 0; s->workers && i < s->opts.threads; i++) {
        struct worker *w = &s->workers[i];
        if (w->listener) evconnlistener_free(w->listener);
        for (int k = 0; k < w->nqueue; k++) /* handed over as the server stopped */
            close(w->queue[k].fd);
        if (w->gauge_ev) event_free(w->gauge_ev);
        if (w->resume_ev) event_free(w->resume_ev);
        if (w->handoff_ev) {
            event_free(w->handoff_ev);
            pthread_mutex_destroy(&w->hmu);
        }
        defer_queue_free(w->answered);
        conn_pool_free(w->pool);
        buf_free(&w->out_headers);
        free(w->path);
        access_log_free(w->alog);
        if (w->stop_ev) event_free(w->stop_ev);
        if (w->drain_ev) event_free(w->drain_ev);
        if (w->tctx && s->opts.thread_cleanup) s->opts.thread_cleanup(w->tctx);
        if (w->base) event_base_free(w->base);
    }
    free(s->workers);
    if (s->sig_term) event_free(s->sig_term);
    if (s->sig_int) event_free(s->sig_int);
    if (s->stop_ev) event_free(s->stop_ev);
    if (s->main_base) event_base_free(s->main_base);
    for (int i = 0; s->fds && i < s->opts.threads; i++)
        close(s->fds[i]);
    free(s->fds);
    free(s);
}
