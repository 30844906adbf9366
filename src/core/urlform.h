/*
 * urlform — the application/x-www-form-urlencoded codec (pure, no I/O): decoding a
 * form into JSON, reading one of its fields, and RFC 3986 percent-encoding. The
 * console's and public forms (http/form.h), Twilio's and Twitter's answers
 * (notify/, app/twitter_connect.c) and OAuth signatures all use it.
 *
 * form_decode() turns a form into a JSON object: a field given once becomes a
 * string, a field given several times an array of strings (checkboxes such as
 * services=1&services=2). Every key and value is checked to be valid UTF-8. The
 * decoder is strict: a '%' must be followed by two hex digits, and %00 is refused.
 */
#ifndef PHAROS_CORE_URLFORM_H
#define PHAROS_CORE_URLFORM_H
#include "core/err.h"
#include <jansson.h>
#include <stddef.h>

/* Decodes a urlencoded string ("a=1&b=x+y") into a new JSON object, or NULL with E (400). */
json_t *form_decode(const char *s, size_t len, struct err *e);
/* The string value of form field KEY (the first if repeated), or NULL. */
const char *form_str(json_t *form, const char *key);
/* S with every byte but A-Z a-z 0-9 - . _ ~ written %XX (RFC 3986 section 2.1, upper-case
 * hex, as OAuth 1.0a and Twilio want). Caller frees. */
char *url_pct_encode(const char *s);
/* NEXT when it is a path of this site to send a browser back to after a form ("/…", not
 * "//…", without a backslash or a control character, at most 1,000 bytes), else "/": an
 * open redirect's target never passes. */
const char *url_local_path(const char *next);

#endif
