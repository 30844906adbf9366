/*
 * urlform — the urlencoded codec. See urlform.h.
 */
#include "core/urlform.h"
#include "core/buf.h"
#include "core/utf8.h"
#include "core/xalloc.h"
#include <ctype.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

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
            if (i + 2 >= len || !isxdigit((unsigned char)s[i + 1]) ||
                !isxdigit((unsigned char)s[i + 2])) {
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

const char *form_str(json_t *form, const char *key)
{
    json_t *v = json_object_get(form, key);
    if (json_is_array(v)) v = json_array_get(v, 0);
    return json_string_value(v);
}

char *url_pct_encode(const char *s)
{
    static const char hex[] = "0123456789ABCDEF";
    struct buf b;
    buf_init(&b, SIZE_MAX / 2);
    buf_puts(&b, "");
    for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
        if ((*p >= 'A' && *p <= 'Z') || (*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9') ||
            strchr("-._~", *p))
            buf_putc(&b, (char)*p);
        else {
            char e[3] = {'%', hex[*p >> 4], hex[*p & 15]};
            buf_append(&b, e, 3);
        }
    }
    return buf_steal(&b);
}

const char *url_local_path(const char *next)
{
    if (!next || next[0] != '/' || next[1] == '/' || strlen(next) > 1000) return "/";
    for (const char *p = next; *p; p++)
        if (*p == '\\' || (unsigned char)*p < 0x20 || *p == 0x7f) return "/";
    return next;
}
