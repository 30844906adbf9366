/*
 * err — error codes and their names. See err.h.
 */
#include "core/err.h"
#include "core/utf8.h"
#include <stdarg.h>
#include <stdio.h>

int err_set(struct err *e, enum err_code code, const char *fmt, ...)
{
    if (!e) return -1;
    e->code = code;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(e->msg, sizeof e->msg, fmt, ap);
    va_end(ap);
    /* Messages quote user input and may be cut mid-character: keep them valid UTF-8. */
    utf8_sanitize(e->msg);
    return -1;
}

const char *err_code_name(enum err_code code)
{
    switch (code) {
    case ERR_OK:
        return "ok";
    case ERR_INVALID:
        return "invalid_input";
    case ERR_UNAUTHORIZED:
        return "unauthorized";
    case ERR_FORBIDDEN:
        return "forbidden";
    case ERR_NOT_FOUND:
        return "not_found";
    case ERR_METHOD:
        return "method_not_allowed";
    case ERR_CONFLICT:
        return "conflict";
    case ERR_TOO_LARGE:
        return "payload_too_large";
    case ERR_HEADERS_TOO_LARGE:
        return "headers_too_large";
    case ERR_MEDIA_TYPE:
        return "unsupported_media_type";
    case ERR_RATE_LIMITED:
        return "rate_limited";
    case ERR_INTERNAL:
        return "internal_error";
    case ERR_UNAVAILABLE:
        return "unavailable";
    case ERR_STORAGE_FULL:
        return "storage_full";
    case ERR_TIMEOUT:
        return "request_timeout";
    case ERR_UNPROCESSABLE:
        return "unprocessable";
    }
    return "internal_error";
}
