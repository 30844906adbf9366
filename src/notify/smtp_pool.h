/*
 * notify/smtp_pool — the dispatcher's SMTP connections to email.smtp_url.
 *
 * Jobs (notify/smtp_conn.h: a recipient and a message) are queued here and handed
 * to open connections, each pipelining up to SMTP_DEPTH of them. Connections are
 * opened as the queue needs them, at most MAX_CONNS, and kept open while there is work
 * (an idle one says QUIT after SMTP_IDLE_S). Everything runs on the dispatcher's loop:
 * no threads, no locks.
 *
 * When a connection cannot be opened (refused, TLS or AUTH failure…) and no other is
 * open, every queued job is reported retry with that reason, so the outbox's backoff
 * paces the next attempt; a slot that failed waits SMTP_REOPEN_MS before it is tried
 * again. Each job is reported exactly once to ON_DONE, on the loop's thread.
 */
#ifndef PHAROS_NOTIFY_SMTP_POOL_H
#define PHAROS_NOTIFY_SMTP_POOL_H
#include "core/config.h"
#include "notify/smtp_conn.h"
#include <event2/event.h>

enum { SMTP_DEPTH = 4, SMTP_REOPEN_MS = 1000 };

struct smtp_pool;
typedef void (*smtp_done_fn)(void *arg, struct smtp_job *job, enum smtp_verdict v);

/* A pool on BASE sending as CFG says (email.*; email.smtp_url must be set and valid,
 * as config_finish makes sure), with at most MAX_CONNS connections. NULL on failure. */
struct smtp_pool *smtp_pool_new(struct event_base *base, const struct config *cfg, int max_conns,
                                smtp_done_fn on_done, void *arg);
/* Queues JOB (its rcpt, data and len set; owned by the caller until reported). */
void smtp_pool_add(struct smtp_pool *p, struct smtp_job *job);
/* Closes every connection and frees the pool; jobs not yet reported are not reported
 * (the caller still owns them). NULL is a no-op. */
void smtp_pool_free(struct smtp_pool *p);

#endif
