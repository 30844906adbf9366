/*
 * offload — a pool of threads running tasks in order of arrival. See offload.h.
 *
 * One mutex and one condition variable guard a singly linked FIFO of tasks: the
 * tasks are whole requests (a database round trip or a commit each), so the lock is
 * taken a few thousand times a second at most and is never contended for long.
 */
#include "http/offload.h"
#include "core/xalloc.h"
#include <assert.h>
#include <pthread.h>
#include <signal.h>
#include <stdbool.h>
#include <stdlib.h>

struct task {
    struct task *next;
    offload_fn fn;
    void *arg;
};

struct offload {
    pthread_mutex_t mu;
    pthread_cond_t cv;
    struct task *head, *tail; /* under mu */
    bool stopping;            /* under mu */
    int n, first_index;
    void *(*init)(int index, void *arg);
    void (*cleanup)(void *tctx);
    void *arg;
    struct thread {
        struct offload *o;
        int index;
        pthread_t id;
    } * threads;
    int started;
};

/* The next task, waiting for one; NULL once stopping and nothing is left. */
static struct task *next_task(struct offload *o)
{
    pthread_mutex_lock(&o->mu);
    while (!o->head && !o->stopping)
        pthread_cond_wait(&o->cv, &o->mu);
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
    while ((t = next_task(o))) {
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
    pthread_cond_init(&o->cv, NULL);
    o->n = n;
    o->first_index = first_index;
    o->init = init;
    o->cleanup = cleanup;
    o->arg = arg;
    o->threads = xcalloc((size_t)n, sizeof *o->threads);
    for (int i = 0; i < n; i++) {
        o->threads[i] = (struct thread){.o = o, .index = first_index + i};
        if (pthread_create(&o->threads[i].id, NULL, thread_main, &o->threads[i]) != 0) abort();
        o->started++;
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
    pthread_cond_signal(&o->cv);
    pthread_mutex_unlock(&o->mu);
}

void offload_stop(struct offload *o)
{
    if (!o) return;
    pthread_mutex_lock(&o->mu);
    o->stopping = true;
    pthread_cond_broadcast(&o->cv);
    pthread_mutex_unlock(&o->mu);
    for (int i = 0; i < o->started; i++)
        pthread_join(o->threads[i].id, NULL);
    assert(!o->head);
    free(o->threads);
    pthread_cond_destroy(&o->cv);
    pthread_mutex_destroy(&o->mu);
    free(o);
}
