/*
 * err — the one error type of the program.
 *
 * A function that can fail takes a `struct err *`, returns -1 and fills it with
 * a code and a message meant for the user (what was wrong and what is accepted),
 * or returns 0 and leaves it untouched. Exactly one place (http/reply.c) maps a
 * code to an HTTP status and JSON body; the CLI maps it to an exit status.
 */
#ifndef PHAROS_ERR_H
#define PHAROS_ERR_H

enum err_code {
    ERR_OK = 0,
    ERR_INVALID,           /* 400: malformed or unacceptable input */
    ERR_UNAUTHORIZED,      /* 401: missing or unknown credentials */
    ERR_FORBIDDEN,         /* 403: not allowed for this role or page */
    ERR_NOT_FOUND,         /* 404 */
    ERR_METHOD,            /* 405 */
    ERR_CONFLICT,          /* 409: duplicate or state conflict */
    ERR_TOO_LARGE,         /* 413: body over the limit */
    ERR_HEADERS_TOO_LARGE, /* 431: request headers over the limit */
    ERR_MEDIA_TYPE,        /* 415 */
    ERR_RATE_LIMITED,      /* 429 */
    ERR_INTERNAL,          /* 500: a bug or an I/O failure; details are logged */
    ERR_UNAVAILABLE,       /* 503 */
    ERR_STORAGE_FULL,      /* 507: the disk is full, nothing was written; store/db.c logs it (at
                              most once a minute), so callers that log their errors skip this one */
    ERR_TIMEOUT,           /* 408: the request did not arrive whole in time */
    ERR_UNPROCESSABLE,     /* 422: well-formed, but naming what does not exist (an alert's
                              service) */
};

struct err {
    enum err_code code;
    char msg[512];
};

/* Fills E (which may be NULL) with CODE and a printf-style message; returns -1. */
int err_set(struct err *e, enum err_code code, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* True for the errors the storage layer logs itself, at most once a minute (a full disk,
 * the database unreachable): a background loop that meets one every second skips its own
 * log line. */
static inline int err_logged_by_store(const struct err *e)
{
    return e->code == ERR_STORAGE_FULL || e->code == ERR_UNAVAILABLE;
}

/* The stable machine name of CODE ("invalid_input", "not_found", …). */
const char *err_code_name(enum err_code code);

#endif
