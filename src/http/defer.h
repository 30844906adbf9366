/*
 * defer — a request handled on an offload thread (http/offload.h) instead of its
 * connection's event loop, so that its waits on the database hold up nobody else.
 *
 * defer_request() copies what the handler may read (the message, path, query, the
 * request's fields) into a deferred request, parks the connection (conn_defer) and
 * queues the request on the pool. There the router runs it as usual, with the
 * thread's own context (database connection); its reply is kept (reply_capture.h),
 * not sent, and the request goes back to its worker's defer_queue, whose event answers
 * it on the connection's thread: the hold it asked for (http_hold_current, e.g. until
 * the public page shows its change), the response, then conn_resume() (pipelined
 * requests go on). Nothing on the offload thread touches the connection.
 *
 * The request log line is written by core/log (the worker's buffered access log
 * belongs to its thread); the request's time runs from its arrival, queueing included.
 */
#ifndef PHAROS_DEFER_H
#define PHAROS_DEFER_H
#include "http/offload.h"
#include "http/req.h"
#include <event2/event.h>
#include <stdbool.h>

struct defer_queue;

/* The queue of answered requests of the loop of BASE; answers them on its thread. */
struct defer_queue *defer_queue_new(struct event_base *base);
/* Frees Q; requests still in it (the loop stopped first) are dropped without touching
 * their connections, which the loop's pool frees. NULL is a no-op. */
void defer_queue_free(struct defer_queue *q);

/* Hands R (being handled on the loop of Q, its message M) to pool O; R's query list is
 * moved, the rest copied. R's connection waits; R itself is done with. */
void defer_request(struct defer_queue *q, struct offload *o, struct req *r,
                   const struct http_msg *m);

/* On an offload thread running a deferred request: holds its answer until READY(ARG)
 * (conn_hold, once the answer is on the connection's thread). False elsewhere, or when
 * the request has a hold already. */
bool defer_hold_current(bool (*ready)(void *arg), void (*done)(void *arg), void *arg);

#endif
