/*
 * notify/smtp_pool — threads that run SMTP transfers for the dispatcher.
 *
 * Why: libcurl (7.88) waits for the server's answer to the end of a message
 * ("250 queued") in blocking mode inside its DONE phase, even on a multi
 * handle, so SMTP on the dispatcher's loop would send one message per server
 * round trip and stall every other channel meanwhile. Here each transfer runs
 * with curl_easy_perform on one of a few worker threads. Each worker keeps one
 * easy handle for its whole life (curl_easy_reset between messages keeps its
 * connection), so a worker's connection to the server is reused across
 * messages; SETUP sets that handle up for a job on the worker's thread (it may
 * only read the job and read-only configuration). Finished jobs are handed back
 * to the dispatcher's loop (an event activated from the worker) and reported to
 * ON_DONE there, on the loop's thread, with curl's result and the last SMTP
 * reply code.
 */
#ifndef PHAROS_NOTIFY_SMTP_POOL_H
#define PHAROS_NOTIFY_SMTP_POOL_H
#include <curl/curl.h>
#include <event2/event.h>
#include "notify/transfer.h"

struct smtp_pool;

typedef void (*smtp_setup_fn)(void *arg, CURL *easy, void *job);
typedef void (*smtp_done_fn)(void *arg, void *job, CURLcode cc, long status);

/* THREADS workers setting jobs up with SETUP(ARG, easy, job) and reporting them to
 * ON_DONE(ARG, job, code, status) on BASE's thread. NULL on failure. */
struct smtp_pool *smtp_pool_new(struct event_base *base, int threads, smtp_setup_fn setup,
                                smtp_done_fn on_done, void *arg);
/* Queues JOB. */
void smtp_pool_add(struct smtp_pool *p, void *job);
/* Stops the workers once their current job ends, reports every finished job, and
 * returns; jobs still queued are not reported (the caller still owns them). Then frees
 * the pool. NULL is a no-op. */
void smtp_pool_free(struct smtp_pool *p);

#endif
