/*
 * notify/transfer — curl multi over libevent and outbound safety. See transfer.h.
 *
 * The socket callback keeps one event per socket (stored with
 * curl_multi_assign), re-armed when curl changes what it waits for; the timer
 * callback arms a single libevent timer. After every socket_action the
 * finished transfers are drained with curl_multi_info_read.
 */
#include "notify/transfer.h"
#include "core/netaddr.h"
#include "core/xalloc.h"
#include <stdlib.h>
#include <sys/socket.h>

struct transfer {
    struct event_base *base;
    CURLM *multi;
    struct event *timer;
    transfer_done_fn on_done;
    void *arg;
};

static curl_socket_t on_open_socket(void *arg, curlsocktype purpose, struct curl_sockaddr *a)
{
    struct transfer_guard *g = arg;
    (void)purpose;
    if (!g->allow_private && netaddr_sockaddr_is_private(&a->addr)) {
        g->refused = true;
        return CURL_SOCKET_BAD;
    }
    return socket(a->family, a->socktype | SOCK_CLOEXEC, a->protocol);
}

void transfer_setup(CURL *easy, struct transfer_guard *g)
{
    g->refused = false;
    curl_easy_setopt(easy, CURLOPT_OPENSOCKETFUNCTION, on_open_socket);
    curl_easy_setopt(easy, CURLOPT_OPENSOCKETDATA, g);
    curl_easy_setopt(easy, CURLOPT_FOLLOWLOCATION, 0L);
    curl_easy_setopt(easy, CURLOPT_PROTOCOLS_STR, "http,https,smtp,smtps");
    curl_easy_setopt(easy, CURLOPT_CONNECTTIMEOUT, (long)TRANSFER_CONNECT_S);
    curl_easy_setopt(easy, CURLOPT_TIMEOUT, (long)TRANSFER_TOTAL_S);
    curl_easy_setopt(easy, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(easy, CURLOPT_USERAGENT, "pharos");
}

static void drain(struct transfer *t)
{
    CURLMsg *msg;
    int left;
    while ((msg = curl_multi_info_read(t->multi, &left))) {
        if (msg->msg != CURLMSG_DONE) continue;
        CURL *easy = msg->easy_handle;
        CURLcode cc = msg->data.result;
        curl_multi_remove_handle(t->multi, easy);
        t->on_done(t->arg, easy, cc);
    }
}

static void on_event(evutil_socket_t fd, short what, void *arg)
{
    struct transfer *t = arg;
    int running,
        action = (what & EV_READ ? CURL_CSELECT_IN : 0) | (what & EV_WRITE ? CURL_CSELECT_OUT : 0);
    curl_multi_socket_action(t->multi, fd, action, &running);
    drain(t);
}

static void on_timeout(evutil_socket_t fd, short what, void *arg)
{
    struct transfer *t = arg;
    int running;
    (void)fd, (void)what;
    curl_multi_socket_action(t->multi, CURL_SOCKET_TIMEOUT, 0, &running);
    drain(t);
}

static int on_socket(CURL *easy, curl_socket_t s, int what, void *arg, void *sockp)
{
    struct transfer *t = arg;
    struct event *ev = sockp;
    (void)easy;
    if (what == CURL_POLL_REMOVE) {
        if (ev) event_free(ev);
        curl_multi_assign(t->multi, s, NULL);
        return 0;
    }
    short kind = (short)((what & CURL_POLL_IN ? EV_READ : 0) |
                         (what & CURL_POLL_OUT ? EV_WRITE : 0) | EV_PERSIST);
    if (ev) {
        event_del(ev);
        event_assign(ev, t->base, s, kind, on_event, t);
    } else {
        ev = event_new(t->base, s, kind, on_event, t);
        curl_multi_assign(t->multi, s, ev);
    }
    event_add(ev, NULL);
    return 0;
}

static int on_timer(CURLM *multi, long ms, void *arg)
{
    struct transfer *t = arg;
    (void)multi;
    if (ms < 0) {
        evtimer_del(t->timer);
        return 0;
    }
    struct timeval tv = {.tv_sec = ms / 1000, .tv_usec = (ms % 1000) * 1000};
    evtimer_add(t->timer, &tv);
    return 0;
}

struct transfer *transfer_new(struct event_base *base, long max_conns, transfer_done_fn on_done,
                              void *arg)
{
    struct transfer *t = xcalloc(1, sizeof *t);
    t->base = base;
    t->on_done = on_done;
    t->arg = arg;
    t->multi = curl_multi_init();
    t->timer = evtimer_new(base, on_timeout, t);
    if (!t->multi || !t->timer) {
        transfer_free(t);
        return NULL;
    }
    curl_multi_setopt(t->multi, CURLMOPT_SOCKETFUNCTION, on_socket);
    curl_multi_setopt(t->multi, CURLMOPT_SOCKETDATA, t);
    curl_multi_setopt(t->multi, CURLMOPT_TIMERFUNCTION, on_timer);
    curl_multi_setopt(t->multi, CURLMOPT_TIMERDATA, t);
    curl_multi_setopt(t->multi, CURLMOPT_MAX_HOST_CONNECTIONS, max_conns);
    curl_multi_setopt(t->multi, CURLMOPT_MAXCONNECTS, max_conns * 2);
    return t;
}

void transfer_free(struct transfer *t)
{
    if (!t) return;
    if (t->multi) curl_multi_cleanup(t->multi);
    if (t->timer) event_free(t->timer);
    free(t);
}

int transfer_add(struct transfer *t, CURL *easy)
{
    return curl_multi_add_handle(t->multi, easy) == CURLM_OK ? 0 : -1;
}

void transfer_remove(struct transfer *t, CURL *easy)
{
    curl_multi_remove_handle(t->multi, easy);
}
