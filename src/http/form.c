/*
 * form — request forms and cookies. See form.h (the codec is core/urlform.c).
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
            if (vlen >= size) return NULL;
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
    if (max_age >= 0) snprintf(age, sizeof age, "; Max-Age=%ld", max_age);
    snprintf(line, sizeof line, "%s=%s; Path=/; HttpOnly; SameSite=Lax%s%s", name, value,
             r->secure ? "; Secure" : "", age);
    reply_header(r, "Set-Cookie", line);
}
