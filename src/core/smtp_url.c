/*
 * core/smtp_url — parsing email.smtp_url. See smtp_url.h.
 */
#include "core/smtp_url.h"
#include <assert.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

int smtp_url_parse(const char *url, struct smtp_url *out)
{
    assert(url && out);
    memset(out, 0, sizeof *out);
    const char *p;
    if (strncasecmp(url, "smtp://", 7) == 0) {
        p = url + 7;
        out->port = 25;
    } else if (strncasecmp(url, "smtps://", 8) == 0) {
        p = url + 8;
        out->port = 465;
        out->implicit_tls = true;
    } else {
        return -1;
    }
    const char *host = p, *end;
    if (*p == '[') {
        host = p + 1;
        if (!(end = strchr(host, ']'))) return -1;
        p = end + 1;
    } else {
        end = p + strcspn(p, ":/");
        p = end;
    }
    size_t n = (size_t)(end - host);
    if (n == 0 || n >= sizeof out->host) return -1;
    for (const char *c = host; c < end; c++) /* no userinfo, spaces or controls */
        if (*c == '@' || *c == '?' || *c == '#' || (unsigned char)*c <= ' ') return -1;
    memcpy(out->host, host, n);
    if (*p == ':') {
        char *stop;
        long port = strtol(p + 1, &stop, 10);
        if (stop == p + 1 || port < 1 || port > 65535) return -1;
        out->port = (int)port;
        p = stop;
    }
    if (*p == '/') p++;
    return *p ? -1 : 0;
}
