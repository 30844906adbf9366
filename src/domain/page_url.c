/*
 * page_url — a page's public URL and its base_url setting. See page_url.h.
 *
 * server.base_url was checked by core/config.c (http:// or https://, a host,
 * no trailing '/'), so page_url_public() asserts that much and splits it by
 * hand: its authority runs from "://" to the first '/', '?' or '#'; the port is
 * what follows the host's ':' (after ']' for an IPv6 literal). A setting is
 * checked with netaddr_url_host(), which refuses other schemes, user names and
 * passwords, spaces and control characters and bad hosts or ports.
 */
#include "domain/page_url.h"
#include "core/host.h"
#include "core/netaddr.h"
#include "core/xalloc.h"
#include <assert.h>
#include <stdlib.h>
#include <string.h>

char *page_url_public(const char *own, const char *server_base, bool is_default,
                      const char *const *hosts, size_t n_hosts)
{
    assert(server_base &&
           (strncmp(server_base, "http://", 7) == 0 || strncmp(server_base, "https://", 8) == 0));
    if (own && *own) return xstrdup(own);
    if (is_default) return xstrdup(server_base);
    const char *auth = strstr(server_base, "://") + 3;
    size_t alen = strcspn(auth, "/?#");
    const char *end = auth + alen, *port = NULL;
    if (*auth == '[') {
        const char *close = memchr(auth, ']', alen);
        if (close && close + 1 < end && close[1] == ':') port = close + 1;
    } else {
        port = memchr(auth, ':', alen);
    }
    char base_host[HOST_MAX], *a = xstrndup(auth, alen);
    host_from_header(a, base_host, sizeof base_host);
    free(a);
    for (size_t i = 0; i < n_hosts; i++) {
        if (!hosts[i] || !*hosts[i] || strcmp(hosts[i], base_host) == 0) continue;
        return xasprintf("%.*s%s%.*s", (int)(auth - server_base), server_base, hosts[i],
                         port ? (int)(end - port) : 0, port ? port : "");
    }
    return xstrdup(server_base);
}

int page_url_setting(const char *in, char *out, size_t size, struct err *e)
{
    assert(size > PAGE_URL_MAX);
    char host[HOST_MAX];
    out[0] = '\0';
    if (!*in) return 0;
    size_t n = strlen(in);
    if (n > PAGE_URL_MAX)
        return err_set(e, ERR_INVALID, "base_url is %zu bytes long; at most %d", n, PAGE_URL_MAX);
    if (netaddr_url_host("base_url", in, host, sizeof host, NULL, e) != 0) return -1;
    if (strpbrk(in, "?#"))
        return err_set(e, ERR_INVALID,
                       "base_url may not have a query (?…) or fragment (#…): give the URL the "
                       "page is served at, e.g. https://status.example.com");
    memcpy(out, in, n + 1);
    char *auth = strstr(out, "://") + 3;
    for (char *p = out; p < auth + strcspn(auth, "/"); p++)
        if (*p >= 'A' && *p <= 'Z') *p = (char)(*p - 'A' + 'a');
    while (n > (size_t)(auth - out) && out[n - 1] == '/')
        out[--n] = '\0';
    return 0;
}
