/*
 * offload — threads that run the requests which would hold up an event loop.
 *
 * A worker's event loop serves all of its connections on one thread; a handler that
 * waits on the database (a round trip, a commit's disk sync on PostgreSQL) makes every
 * other connection of that worker wait too. The server hands such requests to an
 * offload pool (http/defer.h): N threads, each with its own context from the server's
 * thread_init (its own database connection), taking tasks first come, first served.
 * A task's result goes back to its connection's loop by the task's own means.
 *
 * offload_stop() runs what is queued, then joins the threads: no task runs after it.
 */
#ifndef PHAROS_OFFLOAD_H
#define PHAROS_OFFLOAD_H

struct offload;

typedef void (*offload_fn)(void *task, void *tctx);

/* Starts N (≥ 1) threads; each calls INIT(FIRST_INDEX + i, ARG) first (its context,
 * handed to every task it runs) and CLEANUP(context) when it stops (either may be NULL). */
struct offload *offload_start(int n, int first_index, void *(*init)(int index, void *arg),
                              void (*cleanup)(void *tctx), void *arg);
/* Queues FN(TASK, context) for the next free thread. Any thread. */
void offload_submit(struct offload *o, offload_fn fn, void *task);
/* Runs what is queued, stops the threads and frees O. NULL is a no-op. */
void offload_stop(struct offload *o);

#endif
