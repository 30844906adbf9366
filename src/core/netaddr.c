/*
 * netaddr — private-address checks and http(s) URL host extraction. See netaddr.h.
 *
 * Literal IPv4 hosts are read with inet_aton(), not inet_pton(), on purpose: the
 * resolver (and so libcurl) accepts the same legacy forms ("127.1", "0x7f.1",
 * "2130706433"), and a check that read them differently could be bypassed.
 */
#include "core/netaddr.h"
#include <arpa/inet.h>
#include <ctype.h>
#include <netinet/in.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* A = the IPv4 address in host byte order. */
static bool v4_private(uint32_t a)
{
    static const struct {
        uint32_t net, mask;
    } nets[] = {
        {0x00000000, 0xff000000}, /* 0/8 "this network" */
        {0x0a000000, 0xff000000}, /* 10/8 */
        {0x64400000, 0xffc00000}, /* 100.64/10 shared (CGNAT) */
        {0x7f000000, 0xff000000}, /* 127/8 loopback */
        {0xa9fe0000, 0xffff0000}, /* 169.254/16 link-local */
        {0xac100000, 0xfff00000}, /* 172.16/12 */
        {0xc0a80000, 0xffff0000}, /* 192.168/16 */
        {0xe0000000, 0xf0000000}, /* 224/4 multicast */
        {0xf0000000, 0xf0000000}, /* 240/4 reserved, broadcast */
    };
    for (size_t i = 0; i < sizeof nets / sizeof nets[0]; i++)
        if ((a & nets[i].mask) == nets[i].net) return true;
    return false;
}

static uint32_t v4_at(const unsigned char *p)
{
    return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

static bool v6_private(const unsigned char *b)
{
    static const unsigned char zero[12] = {0};
    static const unsigned char mapped[12] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff};
    static const unsigned char nat64[12] = {0, 0x64, 0xff, 0x9b, 0, 0, 0, 0, 0, 0, 0, 0};
    if (memcmp(b, zero, 12) == 0) /* ::, ::1 and IPv4-compatible ::a.b.c.d */
        return v4_at(b + 12) <= 1 || v4_private(v4_at(b + 12));
    if (memcmp(b, mapped, 12) == 0 || memcmp(b, nat64, 12) == 0) return v4_private(v4_at(b + 12));
    if (b[0] == 0x20 && b[1] == 0x02) /* 6to4 2002:a.b.c.d::/48 */
        return v4_private(v4_at(b + 2));
    return (b[0] & 0xfe) == 0xfc ||                   /* fc00::/7 unique local */
           (b[0] == 0xfe && (b[1] & 0xc0) == 0x80) || /* fe80::/10 link-local */
           (b[0] == 0xfe && (b[1] & 0xc0) == 0xc0) || /* fec0::/10 site-local */
           b[0] == 0xff;                              /* ff00::/8 multicast */
}

bool netaddr_sockaddr_is_private(const struct sockaddr *sa)
{
    if (!sa) return true;
    if (sa->sa_family == AF_INET)
        return v4_private(ntohl(((const struct sockaddr_in *)sa)->sin_addr.s_addr));
    if (sa->sa_family == AF_INET6)
        return v6_private(((const struct sockaddr_in6 *)sa)->sin6_addr.s6_addr);
    return true;
}

static bool is_localhost(const char *h, size_t n)
{
    static const char name[] = "localhost";
    size_t k = sizeof name - 1;
    if (n < k || strncasecmp(h + n - k, name, k) != 0) return false;
    return n == k || h[n - k - 1] == '.';
}

bool netaddr_host_is_private(const char *host)
{
    char buf[256];
    size_t n = strlen(host);
    if (n >= 2 && host[0] == '[' && host[n - 1] == ']') {
        host++;
        n -= 2;
    }
    while (n > 0 && host[n - 1] == '.')
        n--;
    if (n == 0) return true;           /* an empty host would mean the local machine */
    if (n >= sizeof buf) return false; /* longer than any literal address or "localhost" */
    memcpy(buf, host, n);
    buf[n] = '\0';
    if (is_localhost(buf, n)) return true;
    char *zone = strchr(buf, '%');
    if (zone) *zone = '\0';
    struct in6_addr a6;
    if (inet_pton(AF_INET6, buf, &a6) == 1) return v6_private(a6.s6_addr);
    if (zone) return false;
    struct in_addr a4;
    for (const char *p = buf; *p; p++) /* inet_aton stops at a space; take only whole hosts */
        if (!isxdigit((unsigned char)*p) && *p != '.' && *p != 'x' && *p != 'X') return false;
    if (inet_aton(buf, &a4) == 1) return v4_private(ntohl(a4.s_addr));
    return false;
}

static bool host_char(unsigned char c)
{
    return isalnum(c) || c == '-' || c == '.' || c == '_';
}

/* Copies the host of AUTH (N bytes, no userinfo) into HOST and reads the port. */
static int split_authority(const char *field, const char *auth, size_t n, char *host, size_t size,
                           int *port, struct err *e)
{
    const char *h = auth, *colon = NULL;
    size_t hn;
    if (n > 0 && auth[0] == '[') {
        const char *close = memchr(auth, ']', n);
        if (!close)
            return err_set(e, ERR_INVALID, "%s has an IPv6 address without its closing ]", field);
        h = auth + 1;
        hn = (size_t)(close - h);
        if (close + 1 < auth + n) {
            if (close[1] != ':')
                return err_set(e, ERR_INVALID, "%s has text after its IPv6 address", field);
            colon = close + 1;
        }
        for (size_t i = 0; i < hn; i++)
            if (!isxdigit((unsigned char)h[i]) && !strchr(":.%", h[i]) && !host_char(h[i]))
                return err_set(e, ERR_INVALID, "%s has a malformed IPv6 address", field);
    } else {
        colon = memchr(auth, ':', n);
        hn = colon ? (size_t)(colon - auth) : n;
        for (size_t i = 0; i < hn; i++)
            if (!host_char((unsigned char)h[i]))
                return err_set(e, ERR_INVALID,
                               "%s has a malformed host name (letters, digits, - and . only)",
                               field);
    }
    if (hn == 0 || hn > 253 || hn >= size)
        return err_set(e, ERR_INVALID, "%s must name a host (1 to 253 characters)", field);
    for (size_t i = 0; i < hn; i++)
        host[i] = (char)tolower((unsigned char)h[i]);
    host[hn] = '\0';
    if (colon) {
        const char *p = colon + 1, *end = auth + n;
        long v = 0;
        if (p == end || end - p > 5) goto bad_port;
        for (; p < end; p++) {
            if (!isdigit((unsigned char)*p)) goto bad_port;
            v = v * 10 + (*p - '0');
        }
        if (v < 1 || v > 65535) goto bad_port;
        if (port) *port = (int)v;
    }
    return 0;
bad_port:
    return err_set(e, ERR_INVALID, "%s has a bad port; a port is a number from 1 to 65535", field);
}

int netaddr_url_host(const char *field, const char *url, char *host, size_t size, int *port,
                     struct err *e)
{
    const char *rest;
    if (strncasecmp(url, "https://", 8) == 0) {
        rest = url + 8;
        if (port) *port = 443;
    } else if (strncasecmp(url, "http://", 7) == 0) {
        rest = url + 7;
        if (port) *port = 80;
    } else {
        return err_set(e, ERR_INVALID, "%s must be a URL that starts with https:// (or http://)",
                       field);
    }
    for (const unsigned char *p = (const unsigned char *)url; *p; p++)
        if (*p <= ' ' || *p == 0x7f)
            return err_set(e, ERR_INVALID, "%s may not contain spaces or control characters",
                           field);
    size_t n = strcspn(rest, "/?#");
    if (memchr(rest, '@', n))
        return err_set(e, ERR_INVALID,
                       "%s may not contain a user name or password (user:password@host)", field);
    return split_authority(field, rest, n, host, size, port, e);
}

int netaddr_check_url(const char *field, const char *url, bool allow_private, struct err *e)
{
    char host[256];
    if (netaddr_url_host(field, url, host, sizeof host, NULL, e) != 0) return -1;
    if (!allow_private && netaddr_host_is_private(host))
        return err_set(e, ERR_INVALID,
                       "%s points to a loopback, private or link-local address (%s); such "
                       "targets are refused unless security.allow_private_targets is true",
                       field, host);
    return 0;
}
