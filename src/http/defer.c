/*
 * defer — requests handled on an offload thread. See defer.h.
 *
 * A deferred request owns copies of everything its handler may read: the message
 * (target, header strings and body in one block), the decoded path, the query list
 * (moved), and its own response header buffer. Its connection pointer is only used
 * again on the connection's thread, in answer().
 */
#include "http/defer.h"
#include "core/buf.h"
#include "core/xalloc.h"
#include "http/conn.h"
#include "http/reply_capture.h"
#include "http/router.h"
#include <assert.h>
#include <event2/buffer.h>
#include <event2/http.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sys/queue.h>

struct deferred {
    struct deferred *next; /* in its queue, once answered */
    struct defer_queue *queue;
    struct req req;
    struct http_msg msg;
    struct http_header *headers;
    char *strings; /* the target, the header names and values, the body */
    char *path;
    struct buf out_headers;
    struct reply_capture cap;
    /* the hold asked for (http_hold_current), applied on the connection's thread */
    bool (*hold_ready)(void *arg);
    void (*hold_done)(void *arg);
    void *hold_arg;
};

struct defer_queue {
    pthread_mutex_t mu;
    struct deferred *head, *tail; /* under mu */
    struct event *ev;
};

/* The deferred request this offload thread is running. */
static _Thread_local struct deferred *running;

static char *put(char **p, const char *s, size_t n)
{
    char *at = *p;
    memcpy(at, s, n);
    at[n] = '\0';
    *p += n + 1;
    return at;
}

/* Copies M into D: one block for the strings, NUL-terminated each. */
static void copy_msg(struct deferred *d, const struct http_msg *m)
{
    size_t size = strlen(m->target) + 1 + m->body_len + 1;
    for (int i = 0; i < m->nheaders; i++)
        size += strlen(m->headers[i].name) + strlen(m->headers[i].value) + 2;
    char *p = d->strings = xmalloc(size);
    d->msg = *m;
    d->msg.target = put(&p, m->target, strlen(m->target));
    d->headers = xcalloc(m->nheaders > 0 ? (size_t)m->nheaders : 1, sizeof *d->headers);
    for (int i = 0; i < m->nheaders; i++) {
        d->headers[i].name = put(&p, m->headers[i].name, strlen(m->headers[i].name));
        d->headers[i].value = put(&p, m->headers[i].value, strlen(m->headers[i].value));
    }
    d->msg.headers = d->headers;
    d->msg.body = put(&p, m->body, m->body_len);
    assert((size_t)(p - d->strings) == size);
}

static void deferred_free(struct deferred *d)
{
    struct reply_capture *k = &d->cap;
    if (k->body) evbuffer_free(k->body);
    evhttp_clear_headers(&d->req.query);
    buf_free(&d->out_headers);
    free(d->path);
    free(d->headers);
    free(d->strings);
    free(d);
}

/* Drops D without answering (the server stopped): what its answer held is let go. */
static void drop(struct deferred *d)
{
    if (d->cap.has_ref && d->cap.ref.release) d->cap.ref.release(d->cap.ref.arg);
    if (d->hold_done) d->hold_done(d->hold_arg);
    deferred_free(d);
}

/* On the connection's thread: the hold, the answer, and on with the connection. */
static void answer(struct deferred *d)
{
    struct conn *c = d->req.conn;
    struct reply_capture *k = &d->cap;
    /* Ready already (the page was built while the answer came back): a hold now would
     * wait for the next wake-up, which may never come, or the sweep's 2 s. Not ready: the
     * builder's wake-up comes after this callback, and finds the hold. */
    if (d->hold_ready) {
        bool held =
            !d->hold_ready(d->hold_arg) && conn_hold(c, d->hold_ready, d->hold_done, d->hold_arg);
        if (!held && d->hold_done) d->hold_done(d->hold_arg);
    }
    if (k->set && k->has_ref)
        conn_respond_body(c, k->status, k->reason, buf_cstr(&d->out_headers), d->out_headers.len,
                          &k->ref, k->send_body, k->close);
    else if (k->set)
        conn_respond(c, k->status, k->reason, buf_cstr(&d->out_headers), d->out_headers.len,
                     k->content_length, k->body, k->close);
    conn_resume(c); /* (a 500 when there was no answer) */
    deferred_free(d);
}

static void on_answered(evutil_socket_t fd, short what, void *arg)
{
    struct defer_queue *q = arg;
    (void)fd, (void)what;
    pthread_mutex_lock(&q->mu);
    struct deferred *d = q->head;
    q->head = q->tail = NULL;
    pthread_mutex_unlock(&q->mu);
    while (d) {
        struct deferred *next = d->next;
        answer(d);
        d = next;
    }
}

struct defer_queue *defer_queue_new(struct event_base *base)
{
    struct defer_queue *q = xcalloc(1, sizeof *q);
    pthread_mutex_init(&q->mu, NULL);
    q->ev = event_new(base, -1, 0, on_answered, q);
    if (!q->ev) abort();
    return q;
}

void defer_queue_free(struct defer_queue *q)
{
    if (!q) return;
    for (struct deferred *d = q->head, *next; d; d = next) {
        next = d->next;
        drop(d);
    }
    event_free(q->ev);
    pthread_mutex_destroy(&q->mu);
    free(q);
}

/* On an offload thread: the handler, then back to the connection's queue. */
static void run(void *task, void *tctx)
{
    struct deferred *d = task;
    struct req *r = &d->req;
    r->tctx = tctx;
    running = d;
    router_dispatch(r);
    running = NULL;
    struct defer_queue *q = d->queue;
    pthread_mutex_lock(&q->mu);
    if (q->tail)
        q->tail->next = d;
    else
        q->head = d;
    q->tail = d;
    pthread_mutex_unlock(&q->mu);
    event_active(q->ev, 0, 0);
}

void defer_request(struct defer_queue *q, struct offload *o, struct req *r,
                   const struct http_msg *m)
{
    assert(!r->replied && r->nscratch == 0 && !r->capture);
    struct deferred *d = xcalloc(1, sizeof *d);
    d->queue = q;
    copy_msg(d, m);
    d->path = xstrdup(r->path);
    buf_init(&d->out_headers, r->out_headers->max);
    if (r->out_headers->len) buf_append(&d->out_headers, r->out_headers->data, r->out_headers->len);
    d->req = *r;
    d->req.msg = &d->msg;
    d->req.path = d->path;
    TAILQ_INIT(&d->req.query);
    TAILQ_CONCAT(&d->req.query, &r->query, next);
    d->req.out_headers = &d->out_headers;
    d->req.alog = NULL; /* the worker's, not thread-safe: core/log instead */
    d->req.tctx = NULL;
    d->req.capture = &d->cap;
    conn_defer(r->conn);
    offload_submit(o, run, d);
}

bool defer_hold_current(bool (*ready)(void *arg), void (*done)(void *arg), void *arg)
{
    struct deferred *d = running;
    if (!d || d->hold_ready) return false;
    d->hold_ready = ready;
    d->hold_done = done;
    d->hold_arg = arg;
    return true;
}
