/*
 * notify/smtp_pool — SMTP transfers on worker threads. See smtp_pool.h.
 *
 * Two queues under one mutex: TODO (easy handles waiting for a worker) and
 * DONE (finished, with their result, waiting for the loop). A worker pops TODO,
 * performs, pushes DONE and activates DONE_EV; the loop drains DONE.
 */
#include "notify/smtp_pool.h"
#include "core/xalloc.h"
#include <pthread.h>
#include <signal.h>
#include <stdbool.h>
#include <stdlib.h>

struct item {
    struct item *next;
    void *job;
    CURLcode cc;
    long status;
};

struct queue {
    struct item *head, *tail;
};

struct smtp_pool {
    pthread_mutex_t mu;
    pthread_cond_t cv;
    struct queue todo, done;
    bool stopping;
    struct event *done_ev;
    smtp_setup_fn setup;
    smtp_done_fn on_done;
    void *arg;
    int nthreads;
    pthread_t *threads;
};

static void push(struct queue *q, struct item *it)
{
    it->next = NULL;
    if (q->tail)
        q->tail->next = it;
    else
        q->head = it;
    q->tail = it;
}

static struct item *pop(struct queue *q)
{
    struct item *it = q->head;
    if (it && !(q->head = it->next)) q->tail = NULL;
    return it;
}

static void *worker(void *arg)
{
    struct smtp_pool *p = arg;
    sigset_t set;
    sigfillset(&set);
    pthread_sigmask(SIG_BLOCK, &set, NULL);
    CURL *easy = curl_easy_init(); /* kept: its connection serves the next message */
    for (;;) {
        pthread_mutex_lock(&p->mu);
        while (!p->stopping && !p->todo.head)
            pthread_cond_wait(&p->cv, &p->mu);
        struct item *it = p->stopping ? NULL : pop(&p->todo);
        pthread_mutex_unlock(&p->mu);
        if (!it) break;
        if (easy) {
            curl_easy_reset(easy);
            p->setup(p->arg, easy, it->job);
            it->cc = curl_easy_perform(easy);
            curl_easy_getinfo(easy, CURLINFO_RESPONSE_CODE, &it->status);
        } else {
            it->cc = CURLE_OUT_OF_MEMORY;
        }
        pthread_mutex_lock(&p->mu);
        push(&p->done, it);
        pthread_mutex_unlock(&p->mu);
        event_active(p->done_ev, 0, 0);
    }
    if (easy) curl_easy_cleanup(easy);
    return NULL;
}

/* Reports every finished transfer (on the loop's thread). */
static void drain(struct smtp_pool *p)
{
    pthread_mutex_lock(&p->mu);
    struct item *list = p->done.head;
    p->done.head = p->done.tail = NULL;
    pthread_mutex_unlock(&p->mu);
    while (list) {
        struct item *it = list;
        list = it->next;
        p->on_done(p->arg, it->job, it->cc, it->status);
        free(it);
    }
}

static void on_done_ev(evutil_socket_t fd, short what, void *arg)
{
    (void)fd, (void)what;
    drain(arg);
}

struct smtp_pool *smtp_pool_new(struct event_base *base, int threads, smtp_setup_fn setup,
                                smtp_done_fn on_done, void *arg)
{
    struct smtp_pool *p = xcalloc(1, sizeof *p);
    pthread_mutex_init(&p->mu, NULL);
    pthread_cond_init(&p->cv, NULL);
    p->setup = setup;
    p->on_done = on_done;
    p->arg = arg;
    p->done_ev = event_new(base, -1, 0, on_done_ev, p);
    p->threads = xcalloc((size_t)threads, sizeof *p->threads);
    if (!p->done_ev) goto fail;
    for (; p->nthreads < threads; p->nthreads++)
        if (pthread_create(&p->threads[p->nthreads], NULL, worker, p) != 0) goto fail;
    return p;
fail:
    smtp_pool_free(p);
    return NULL;
}

void smtp_pool_add(struct smtp_pool *p, void *job)
{
    struct item *it = xcalloc(1, sizeof *it);
    it->job = job;
    pthread_mutex_lock(&p->mu);
    push(&p->todo, it);
    pthread_cond_signal(&p->cv);
    pthread_mutex_unlock(&p->mu);
}

void smtp_pool_free(struct smtp_pool *p)
{
    if (!p) return;
    pthread_mutex_lock(&p->mu);
    p->stopping = true;
    pthread_cond_broadcast(&p->cv);
    pthread_mutex_unlock(&p->mu);
    for (int i = 0; i < p->nthreads; i++)
        pthread_join(p->threads[i], NULL);
    if (p->done_ev) drain(p);
    for (struct item *it; (it = pop(&p->todo));)
        free(it);
    if (p->done_ev) event_free(p->done_ev);
    pthread_cond_destroy(&p->cv);
    pthread_mutex_destroy(&p->mu);
    free(p->threads);
    free(p);
}
