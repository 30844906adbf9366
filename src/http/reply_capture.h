/*
 * reply_capture — an answer kept for its connection's thread to send.
 *
 * A request handled on an offload thread (http/defer.h) must not touch its
 * connection: reply.c then keeps here what it would have given conn_respond() or
 * conn_respond_body(), and the connection's own thread sends it. The header lines are
 * in the request's out_headers, which the deferred request owns.
 */
#ifndef PHAROS_REPLY_CAPTURE_H
#define PHAROS_REPLY_CAPTURE_H
#include "http/conn.h"
#include <stdbool.h>
#include <stddef.h>

struct reply_capture {
    bool set; /* an answer was given */
    int status;
    const char *reason; /* a static string */
    bool close;
    /* conn_respond: CONTENT_LENGTH and BODY (owned; NULL for HEAD or no body) */
    size_t content_length;
    struct evbuffer *body;
    /* conn_respond_body, when HAS_REF: REF and whether to send its bytes (not for HEAD) */
    bool has_ref, send_body;
    struct conn_body ref;
};

#endif
