/*
 * offload — a pool of threads running tasks in order of arrival. See offload.h.
 *
 * One mutex guards a singly linked FIFO of tasks and a stack of the idle threads, each
 * waiting on a condition variable of its own: a task wakes the thread that went idle
 * last. So writes that come one at a time run on the same thread, with its database
 * connection's prepared statements and its caches warm; woken in turn (one shared
 * condition variable), every thread's connection prepared its statements anew, and the
 * first publish calls on each took 15 ms longer (bench/65_nodes_fanout.sh, 10
 * subscribers: 22.7 ms against 7.5 ms without offload threads). The tasks are whole
 * requests (a database round trip or a commit each), so the lock is taken a few
 * thousand times a second at most and never held for long.
 */
#include "http/offload.h"
#include "core/xalloc.h"
#include <assert.h>
#include <pthread.h>
#include <signal.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

struct task {
    struct task *next;
    offload_fn fn;
    void *arg;
};

struct thread {
    struct offload *o;
    int index;
    pthread_t id;
    pthread_cond_t cv; /* signalled when a task is for it, or the pool stops */
    bool idle;         /* on the idle stack (under the pool's mu) */
};

struct offload {
    pthread_mutex_t mu;
    struct task *head, *tail; /* under mu */
    struct thread **idle;     /* the idle threads, the last to go idle on top; under mu */
    int nidle;
    bool stopping; /* under mu */
    int n, first_index;
    void *(*init)(int index, void *arg);
    void (*cleanup)(void *tctx);
    void *arg;
    struct thread *threads;
};

/* Takes TH off the idle stack (it found work without being woken for it). Under mu. */
static void unidle(struct offload *o, struct thread *th)
{
    for (int i = 0; i < o->nidle; i++)
        if (o->idle[i] == th) {
            memmove(&o->idle[i], &o->idle[i + 1], (size_t)(o->nidle - i - 1) * sizeof *o->idle);
            o->nidle--;
            break;
        }
    th->idle = false;
}

/* The next task for TH, waiting for one; NULL once stopping and nothing is left. */
static struct task *next_task(struct offload *o, struct thread *th)
{
    pthread_mutex_lock(&o->mu);
    while (!o->head && !o->stopping) {
        if (!th->idle) { /* (a spurious wake-up leaves it on the stack) */
            th->idle = true;
            o->idle[o->nidle++] = th;
        }
        pthread_cond_wait(&th->cv, &o->mu);
    }
    if (th->idle) unidle(o, th);
    struct task *t = o->head;
    if (t) {
        o->head = t->next;
        if (!o->head) o->tail = NULL;
    }
    pthread_mutex_unlock(&o->mu);
    return t;
}

static void *thread_main(void *arg)
{
    struct thread *th = arg;
    struct offload *o = th->o;
    sigset_t set;
    sigfillset(&set);
    pthread_sigmask(SIG_BLOCK, &set, NULL);
    void *tctx = o->init ? o->init(th->index, o->arg) : NULL;
    struct task *t;
    while ((t = next_task(o, th))) {
        t->fn(t->arg, tctx);
        free(t);
    }
    if (o->cleanup && tctx) o->cleanup(tctx);
    return NULL;
}

struct offload *offload_start(int n, int first_index, void *(*init)(int index, void *arg),
                              void (*cleanup)(void *tctx), void *arg)
{
    assert(n >= 1);
    struct offload *o = xcalloc(1, sizeof *o);
    pthread_mutex_init(&o->mu, NULL);
    o->n = n;
    o->first_index = first_index;
    o->init = init;
    o->cleanup = cleanup;
    o->arg = arg;
    o->threads = xcalloc((size_t)n, sizeof *o->threads);
    o->idle = xcalloc((size_t)n, sizeof *o->idle);
    for (int i = 0; i < n; i++) {
        o->threads[i] = (struct thread){.o = o, .index = first_index + i};
        pthread_cond_init(&o->threads[i].cv, NULL);
        if (pthread_create(&o->threads[i].id, NULL, thread_main, &o->threads[i]) != 0) abort();
    }
    return o;
}

void offload_submit(struct offload *o, offload_fn fn, void *task)
{
    struct task *t = xmalloc(sizeof *t);
    *t = (struct task){NULL, fn, task};
    pthread_mutex_lock(&o->mu);
    assert(!o->stopping);
    if (o->tail)
        o->tail->next = t;
    else
        o->head = t;
    o->tail = t;
    if (o->nidle > 0) { /* the last to go idle: the warmest */
        struct thread *th = o->idle[--o->nidle];
        th->idle = false;
        pthread_cond_signal(&th->cv);
    }
    pthread_mutex_unlock(&o->mu);
}

void offload_stop(struct offload *o)
{
    if (!o) return;
    pthread_mutex_lock(&o->mu);
    o->stopping = true;
    for (int i = 0; i < o->n; i++)
        pthread_cond_signal(&o->threads[i].cv);
    pthread_mutex_unlock(&o->mu);
    for (int i = 0; i < o->n; i++)
        pthread_join(o->threads[i].id, NULL);
    assert(!o->head);
    for (int i = 0; i < o->n; i++)
        pthread_cond_destroy(&o->threads[i].cv);
    free(o->idle);
    free(o->threads);
    pthread_mutex_destroy(&o->mu);
    free(o);
}
