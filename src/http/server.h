/*
 * server — the HTTP server: N worker threads (SPEC §3 server.threads), each with
 * its own event_base, connection pool (http/conn.h) and SO_REUSEPORT listening
 * socket on the one address.
 *
 * Lifecycle: http_server_new() binds (so "address in use" is reported before
 * anything starts), http_server_run() starts the workers and blocks until
 * SIGTERM/SIGINT or http_server_stop(); then listeners close, in-flight
 * responses finish (up to 5 s) and the workers exit.
 */
#ifndef PHAROS_SERVER_H
#define PHAROS_SERVER_H
#include "core/err.h"
#include <stdbool.h>
#include <stddef.h>

struct http_server;

struct http_server_opts {
    const char *host;
    int port; /* 0: any free port (tests); http_server_port() tells which */
    int threads;
    size_t max_body;             /* bytes: larger bodies get a JSON 413 */
    size_t max_headers;          /* bytes: larger header blocks get a JSON 431 */
    int timeout_s;               /* read/write timeout per connection */
    int request_timeout_s;       /* a whole request must arrive within it, else 408 */
    size_t max_connections;      /* open connections, all workers together; 0: no cap */
    const char *trusted_proxies; /* addresses whose X-Forwarded-* are believed, or NULL */
    /* Threads that run the requests which change something (not GET, HEAD or OPTIONS)
     * so that their database waits hold up no worker's other connections
     * (http/defer.h); 0: the workers run them. */
    int offload_threads;
    /* Called on each worker (and offload) thread before it serves; the result becomes
     * req->tctx. */
    void *(*thread_init)(int index, void *arg);
    void (*thread_cleanup)(void *tctx);
    void *arg;
};

int http_server_new(const struct http_server_opts *opts, struct http_server **out, struct err *e);
int http_server_port(struct http_server *s);
/* Serves until a stop signal. Returns 0 after a clean shutdown, -1 with E on failure. */
int http_server_run(struct http_server *s, struct err *e);
/* Asks a running server to stop (async-signal-safe is not required; any thread). */
void http_server_stop(struct http_server *s);
void http_server_free(struct http_server *s);
/* Holds the response of the request this thread is handling (conn_hold, http/conn.h):
 * false when the thread is handling none (not a worker) or its response is held already. */
bool http_hold_current(bool (*ready)(void *arg), void (*done)(void *arg), void *arg);
/* Has every worker look at its held responses (conn_pool_wake_held). Any thread. */
void http_server_wake_held(struct http_server *s);

#endif
