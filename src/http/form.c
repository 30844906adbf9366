/*
 * form — urlencoded form decoding and cookies. See form.h.
 * The decoder is strict: a '%' must be followed by two hex digits.
 */
#include "http/form.h"
#include "core/utf8.h"
#include "core/xalloc.h"
#include "http/reply.h"
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

static int hexval(int c)
{
    return isdigit(c) ? c - '0' : (tolower(c) - 'a' + 10);
}

/* Decodes LEN bytes of S into a new NUL-terminated string, or NULL on a bad escape or NUL. */
static char *decode(const char *s, size_t len)
{
    char *out = xmalloc(len + 1), *o = out;
    for (size_t i = 0; i < len; i++) {
        if (s[i] == '+') {
            *o++ = ' ';
        } else if (s[i] == '%') {
            if (i + 2 >= len || !isxdigit((unsigned char)s[i + 1]) || !isxdigit((unsigned char)s[i + 2])) {
                free(out);
                return NULL;
            }
            int c = hexval((unsigned char)s[i + 1]) * 16 + hexval((unsigned char)s[i + 2]);
            if (c == 0) {
                free(out);
                return NULL;
            }
            *o++ = (char)c;
            i += 2;
        } else {
            *o++ = s[i];
        }
    }
    *o = '\0';
    return out;
}

json_t *form_decode(const char *s, size_t len, struct err *e)
{
    json_t *form = json_object();
    size_t i = 0;
    while (i < len) {
        size_t end = i;
        while (end < len && s[end] != '&')
            end++;
        if (end > i) {
            const char *eq = memchr(s + i, '=', end - i);
            size_t klen = eq ? (size_t)(eq - (s + i)) : end - i;
            char *k = decode(s + i, klen);
            char *v = eq ? decode(eq + 1, (size_t)(s + end - eq - 1)) : xstrdup("");
            if (!k || !v || utf8_length(k, strlen(k)) < 0 || utf8_length(v, strlen(v)) < 0) {
                free(k);
                free(v);
                json_decref(form);
                err_set(e, ERR_INVALID, "the form data is malformed or not valid UTF-8");
                return NULL;
            }
            json_t *prev = json_object_get(form, k);
            if (!prev) {
                json_object_set_new(form, k, json_string(v));
            } else if (json_is_array(prev)) {
                json_array_append_new(prev, json_string(v));
            } else {
                json_t *arr = json_pack("[O,s]", prev, v);
                json_object_set_new(form, k, arr);
            }
            free(k);
            free(v);
        }
        i = end + 1;
    }
    return form;
}

int req_form(struct req *r, json_t **out, struct err *e)
{
    const char *ct = req_header(r, "Content-Type");
    size_t len;
    const char *body = req_body(r, &len);
    if (len == 0) {
        *out = json_object();
        return 0;
    }
    if (!ct || strncasecmp(ct, "application/x-www-form-urlencoded", 33) != 0)
        return err_set(e, ERR_MEDIA_TYPE,
                       "the form must be sent as application/x-www-form-urlencoded");
    *out = form_decode(body, len, e);
    return *out ? 0 : -1;
}

const char *form_str(json_t *form, const char *key)
{
    json_t *v = json_object_get(form, key);
    if (json_is_array(v))
        v = json_array_get(v, 0);
    return json_string_value(v);
}

const char *req_cookie(struct req *r, const char *name, char *buf, size_t size)
{
    const char *h = req_header(r, "Cookie");
    size_t nlen = strlen(name);
    while (h && *h) {
        while (*h == ' ' || *h == ';')
            h++;
        size_t plen = strcspn(h, ";");
        if (plen > nlen && h[nlen] == '=' && strncmp(h, name, nlen) == 0) {
            size_t vlen = plen - nlen - 1;
            if (vlen >= size)
                return NULL;
            memcpy(buf, h + nlen + 1, vlen);
            buf[vlen] = '\0';
            return buf;
        }
        h += plen;
    }
    return NULL;
}

void reply_cookie(struct req *r, const char *name, const char *value, long max_age)
{
    char line[512];
    char age[32] = "";
    if (max_age >= 0)
        snprintf(age, sizeof age, "; Max-Age=%ld", max_age);
    snprintf(line, sizeof line, "%s=%s; Path=/; HttpOnly; SameSite=Lax%s%s", name, value,
             r->secure ? "; Secure" : "", age);
    reply_header(r, "Set-Cookie", line);
}
