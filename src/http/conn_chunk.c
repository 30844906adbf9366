/*
 * conn_chunk — the chunk framing of a request body, checked to RFC 9112 for
 * conn.c (the interface is in conn_internal.h).
 *
 * Debian builds http-parser lenient (HTTP_PARSER_STRICT 0): after a chunk size it
 * skips anything up to a CR ("5  \r\n", "5 junk\r\n"), takes any byte after that CR
 * for the LF, and any two bytes after a chunk's data for its CRLF: framings that a
 * proxy in front may read otherwise. So the parser pauses at each chunk boundary
 * (the end of the header block, of a size line, of a chunk), process() learns which
 * bytes it has just parsed, and conn_chunk_check() follows them against RFC 9112
 * section 7.1: a size line is 1*HEXDIG, then optionally blanks and ";" extensions
 * (not looked into), then CRLF; a chunk's data is followed by CRLF. Trailers are
 * header lines to the parser, and go unchecked like the header block.
 */
#include "http/conn_internal.h"
#include <ctype.h>
#include <stddef.h>

int conn_chunk_header(http_parser *p)
{
    struct conn *c = p->data;
    c->ck_left = p->content_length;
    c->ck_next = p->content_length > 0 ? CK_DATA : CK_OFF; /* the last chunk: trailers next */
    http_parser_pause(p, 1);
    return 0;
}

int conn_chunk_complete(http_parser *p)
{
    struct conn *c = p->data;
    if (p->flags & F_TRAILING) return 0; /* the end of the trailers: the message is done */
    c->ck_next = CK_SIZE0;
    http_parser_pause(p, 1);
    return 0;
}

const char *conn_chunk_check(struct conn *c, const char *p, size_t n)
{
    for (const char *end = p + n; p < end; p++) {
        char ch = *p;
        switch (c->ck) {
        case CK_OFF:
            return NULL;
        case CK_HEAD_END: /* the LF that ends the header block (the parser takes any byte) */
            if (ch != '\n') return ("the header block must end in CRLF");
            c->ck = CK_SIZE0;
            break;
        case CK_SIZE0:
            if (!isxdigit((unsigned char)ch)) return ("a chunk size must be hexadecimal digits");
            c->ck = CK_SIZE;
            break;
        case CK_SIZE:
            if (ch == ';')
                c->ck = CK_EXT;
            else if (ch == ' ' || ch == '\t')
                c->ck = CK_BWS;
            else if (ch == '\r')
                c->ck = CK_SIZE_CR;
            else if (!isxdigit((unsigned char)ch))
                return ("a chunk size must be hexadecimal digits");
            break;
        case CK_BWS:
            if (ch == ';')
                c->ck = CK_EXT;
            else if (ch != ' ' && ch != '\t')
                return ("a chunk size is followed by blanks: only before \";\" and an "
                        "extension are they accepted");
            break;
        case CK_EXT:
            if (ch == '\r')
                c->ck = CK_SIZE_CR;
            else if (ch == '\n')
                return ("a chunk size line must end in CRLF");
            break;
        case CK_SIZE_CR:
            if (ch != '\n') return ("a chunk size line must end in CRLF");
            c->ck = CK_SIZE_DONE;
            break;
        case CK_DATA: {
            size_t take = (size_t)(end - p) < c->ck_left ? (size_t)(end - p) : c->ck_left;
            c->ck_left -= take;
            p += take - 1;
            if (c->ck_left == 0) c->ck = CK_DATA_CR;
            break;
        }
        case CK_DATA_CR:
        case CK_DATA_LF:
            if (ch != (c->ck == CK_DATA_CR ? '\r' : '\n'))
                return ("a chunk's data must end in CRLF");
            c->ck = c->ck == CK_DATA_CR ? CK_DATA_LF : CK_CHUNK_DONE;
            break;
        case CK_SIZE_DONE:
        case CK_CHUNK_DONE: /* the parser pauses right after these: cannot happen */
            return ("the chunked body is malformed");
        }
    }
    return NULL;
}

const char *conn_chunk_boundary(struct conn *c)
{
    bool at_end = c->ck == CK_OFF || c->ck == CK_SIZE_DONE || c->ck == CK_CHUNK_DONE;
    if (!at_end) return ("the chunked body is malformed");
    c->ck = c->ck_next;
    c->ck_next = CK_OFF;
    http_parser_pause(&c->parser, 0);
    return NULL;
}
