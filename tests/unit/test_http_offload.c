/*
 * Unit tests for http/offload: the pool of threads that run requests off the event loops.
 * Tasks run in order of arrival (one thread), each thread runs with the context its init
 * gave it (indexes after the first), tasks one at a time go to the thread idle last, and
 * stopping runs what is queued, then cleans up.
 */
#include "http/offload.h"
#include "testutil.h"
#include <pthread.h>
#include <unistd.h>

struct ctx {
    int index;
};

static pthread_mutex_t mu = PTHREAD_MUTEX_INITIALIZER;
static int inits, cleanups, order[64], norder, seen_index[64];

static void *init(int index, void *arg)
{
    assert_ptr_equal(arg, &mu);
    struct ctx *c = malloc(sizeof *c);
    assert_non_null(c);
    c->index = index;
    pthread_mutex_lock(&mu);
    inits++;
    pthread_mutex_unlock(&mu);
    return c;
}

static void cleanup(void *tctx)
{
    pthread_mutex_lock(&mu);
    cleanups++;
    pthread_mutex_unlock(&mu);
    free(tctx);
}

/* Records its number and the index of the thread that ran it; the first one dawdles, so
 * that the others queue behind it. */
static void task(void *arg, void *tctx)
{
    int n = (int)(intptr_t)arg;
    if (n == 0) usleep(50000);
    struct ctx *c = tctx;
    pthread_mutex_lock(&mu);
    seen_index[n] = c->index;
    order[norder++] = n;
    pthread_mutex_unlock(&mu);
}

static void reset(void)
{
    inits = cleanups = norder = 0;
    memset(order, 0, sizeof order);
    memset(seen_index, -1, sizeof seen_index);
}

static void one_thread_runs_tasks_in_order_of_arrival(void **state)
{
    (void)state;
    reset();
    struct offload *o = offload_start(1, 5, init, cleanup, &mu);
    for (int i = 0; i < 40; i++)
        offload_submit(o, task, (void *)(intptr_t)i);
    offload_stop(o); /* runs the 40 queued first */
    assert_int_equal(norder, 40);
    for (int i = 0; i < 40; i++) {
        assert_int_equal(order[i], i);
        assert_int_equal(seen_index[i], 5);
    }
    assert_int_equal(inits, 1);
    assert_int_equal(cleanups, 1);
}

static void tasks_spread_over_threads_with_their_own_contexts(void **state)
{
    (void)state;
    reset();
    struct offload *o = offload_start(3, 2, init, cleanup, &mu);
    for (int i = 0; i < 60; i++)
        offload_submit(o, task, (void *)(intptr_t)i);
    offload_stop(o);
    assert_int_equal(norder, 60);
    bool ran[3] = {false, false, false};
    for (int i = 0; i < 60; i++) {
        assert_in_range(seen_index[i], 2, 4);
        ran[seen_index[i] - 2] = true;
    }
    /* while task 0 dawdles on one thread, the other two take the rest */
    int busy = ran[0] + ran[1] + ran[2];
    assert_true(busy >= 2);
    assert_int_equal(inits, 3);
    assert_int_equal(cleanups, 3);
    offload_stop(NULL);
}

/* Tasks that come one at a time run on the thread that went idle last: the one whose
 * database connection has its statements prepared. (Woken in turn, as by one shared
 * condition variable, four threads take about 8 each. A task may find its thread not yet
 * idle again on a busy machine, so the test asks for 24 of 30 on one thread.) */
static void one_at_a_time_they_run_on_the_warmest_thread(void **state)
{
    (void)state;
    reset();
    struct offload *o = offload_start(4, 0, init, cleanup, &mu);
    usleep(20000); /* all four idle */
    for (int i = 1; i <= 30; i++) {
        offload_submit(o, task, (void *)(intptr_t)i);
        for (int k = 0; k < 1000; k++) {
            pthread_mutex_lock(&mu);
            int n = norder;
            pthread_mutex_unlock(&mu);
            if (n == i) break;
            usleep(1000);
        }
        usleep(10000); /* and its thread idle again */
    }
    offload_stop(o);
    assert_int_equal(norder, 30);
    int per[4] = {0}, most = 0;
    for (int i = 1; i <= 30; i++) {
        assert_in_range(seen_index[i], 0, 3);
        per[seen_index[i]]++;
    }
    for (int t = 0; t < 4; t++)
        if (per[t] > most) most = per[t];
    assert_true(most >= 24);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(one_thread_runs_tasks_in_order_of_arrival),
        cmocka_unit_test(tasks_spread_over_threads_with_their_own_contexts),
        cmocka_unit_test(one_at_a_time_they_run_on_the_warmest_thread),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
