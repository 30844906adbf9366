/*
 * conn_internal — the state of a connection and of a pool, shared by conn.c
 * (reading and parsing) and conn_write.c (responses). Nothing else includes it.
 */
#ifndef PHAROS_CONN_INTERNAL_H
#define PHAROS_CONN_INTERNAL_H
#include "http/conn.h"
#include <arpa/inet.h>
#include <http_parser.h>
#include <stdatomic.h>
#include <stdint.h>
#include <sys/queue.h>
#include <time.h>

enum {
    MAX_HEADERS = 100,     /* header lines per request */
    READ_CHUNK = 16 << 10, /* free space wanted before each recv */
    SPARE_BUFS = 8,        /* read buffers a pool keeps for its next reads */
    LINGER_S = 2,          /* reading and dropping after "Connection: close" */
    HOLD_MAX_S = 2,        /* a held response goes after this at the latest */
};

/* Where the bytes of a chunked body are (conn_chunk.c). */
enum chunk_state {
    CK_OFF,       /* not in a chunked body, or in its trailers */
    CK_HEAD_END,  /* the LF that ends the header block, then a size line */
    CK_SIZE0,     /* a size line begins: a hex digit */
    CK_SIZE,      /* hex digits, then ';', blanks or CR */
    CK_BWS,       /* blanks after the size: only ';' may follow */
    CK_EXT,       /* an extension, to the CR */
    CK_SIZE_CR,   /* the LF after the size line's CR */
    CK_SIZE_DONE, /* the size line is whole */
    CK_DATA,      /* ck_left bytes of data */
    CK_DATA_CR,   /* the CRLF after the data */
    CK_DATA_LF,
    CK_CHUNK_DONE, /* the chunk is whole */
};

struct span {
    uint32_t off, len;
};

struct hdr_span {
    struct span name, value;
};

struct conn {
    TAILQ_ENTRY(conn) link;
    struct conn_pool *pool;
    int fd;
    struct event *rev, *wev;
    bool rev_on, wev_on;
    http_parser parser;

    /* Borrowed from the pool while a request is partly received or being handled, and
     * given back once every byte read has been consumed (conn.c, "buffers"): an idle
     * keep-alive connection holds none. */
    char *buf;
    size_t len, cap, parsed;
    struct hdr_span *hdr; /* MAX_HEADERS of them, borrowed with buf */

    /* the request being parsed */
    struct span url;
    int nhdr;
    bool in_request; /* a request has begun and is not answered (request_timeout_s) */
    bool last_was_value, headers_done, msg_ready, keepalive;
    size_t keep_end;              /* bytes of buf the header block needs */
    enum chunk_state ck, ck_next; /* the body's framing so far, and after the pause */
    uint64_t ck_left;             /* CK_DATA: bytes of the chunk still to come */
    char *body;
    size_t body_len, body_cap;
    enum err_code err;
    char err_msg[160];

    /* A hold (conn_hold): the response waits in `out` until hold_ready says it may go. */
    bool held;
    bool (*hold_ready)(void *arg);
    void (*hold_done)(void *arg);
    void *hold_arg;
    uint64_t hold_tick; /* pool tick when the hold began */
    TAILQ_ENTRY(conn) held_link;

    /* The current request is handled elsewhere (conn_defer): no reading, writing,
     * timeout or freeing until conn_resume(). */
    bool deferred;

    /* the response */
    struct evbuffer *out;
    bool responded, out_pending, close_after, lingering, dead;
    uint64_t last_active; /* pool tick of the last progress */
    uint64_t msg_begin;   /* pool tick when the request being parsed began */
    char peer[INET6_ADDRSTRLEN];
};

TAILQ_HEAD(conn_list, conn);

struct conn_pool {
    struct event_base *base;
    struct conn_limits lim;
    conn_request_fn cb;
    void *arg;
    struct conn_list conns;
    struct conn_list held; /* the connections with a hold, linked by held_link */
    struct event *held_ev; /* activated by conn_pool_wake_held (any thread) */
    struct spare {
        char *buf;
        struct hdr_span *hdr;
    } spare[SPARE_BUFS]; /* read buffers of 2 * READ_CHUNK bytes, for connections to borrow */
    int nspare;
    _Atomic size_t count; /* read by other workers (conn_pool_count) */
    struct event *sweep;
    uint64_t tick; /* seconds since the pool started, advanced by the sweep */
    bool draining;
    unsigned since_yield;     /* responses since the last yield check (conn_write.c) */
    size_t bytes_since_yield; /* … and their bytes */
    time_t date_sec;
    char date[64]; /* "Date: Thu, 26 Nov 2026 10:00:00 GMT\r\n" for date_sec */
};

/* Writes pending output; notes whether some is left and whether the peer is gone. */
void conn_flush(struct conn *c);

/* The chunk framing (conn_chunk.c). The parser's chunk callbacks pause it at each chunk
 * boundary; conn_chunk_check follows the N bytes at P just parsed, conn_chunk_boundary
 * goes on past a boundary once they have reached it. Both return NULL, or what is wrong
 * with the framing (the request is refused with it). */
int conn_chunk_header(http_parser *p);
int conn_chunk_complete(http_parser *p);
const char *conn_chunk_check(struct conn *c, const char *p, size_t n);
const char *conn_chunk_boundary(struct conn *c);

#endif
