/*
 * form — HTML form bodies (application/x-www-form-urlencoded) and cookies.
 *
 * req_form() decodes a request's form with core/urlform.h (form_decode,
 * form_str): a field given once becomes a string, a field given several times an
 * array of strings. The console and the public forms then map these strings to
 * the typed JSON input of the app/ use cases.
 */
#ifndef PHAROS_FORM_H
#define PHAROS_FORM_H
#include "core/err.h"
#include "core/urlform.h"
#include "http/req.h"
#include <jansson.h>

/* The request body as a form (415 unless the Content-Type is urlencoded). */
int req_form(struct req *r, json_t **out, struct err *e);

/* The value of cookie NAME from the Cookie header, copied into BUF; NULL if absent. */
const char *req_cookie(struct req *r, const char *name, char *buf, size_t size);
/*
 * Sets cookie NAME=VALUE (VALUE must be cookie-safe: URL-safe base64 or similar)
 * with Path=/, HttpOnly, SameSite=Lax, Secure when the request came over HTTPS,
 * and Max-Age=MAX_AGE (0 deletes the cookie; -1 makes it a session cookie).
 */
void reply_cookie(struct req *r, const char *name, const char *value, long max_age);

#endif
