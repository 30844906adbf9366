/*
 * visibility — SPEC §16's visibility names and CIDR blocks. Addresses are parsed with
 * inet_pton(3), which takes only the plain dotted quad for IPv4 (no "127.1", no octal),
 * so a block means what it looks like.
 */
#include "domain/visibility.h"
#include <arpa/inet.h>
#include <assert.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *const names[] = {"public", "password", "members", "sso", "ip"};

const char *visibility_name(enum visibility v)
{
    assert((size_t)v < sizeof names / sizeof names[0]);
    return names[v];
}

int visibility_parse(const char *s, enum visibility *out)
{
    for (size_t i = 0; s && i < sizeof names / sizeof names[0]; i++)
        if (strcmp(s, names[i]) == 0) {
            *out = (enum visibility)i;
            return 0;
        }
    return -1;
}

/* ADDR into *C (bits untouched): 0, or -1. */
static int parse_addr(const char *addr, struct cidr *c)
{
    memset(c->addr, 0, sizeof c->addr);
    if (inet_pton(AF_INET, addr, c->addr) == 1) {
        c->family = 4;
        return 0;
    }
    if (inet_pton(AF_INET6, addr, c->addr) == 1) {
        static const uint8_t mapped[12] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff};
        if (memcmp(c->addr, mapped, sizeof mapped) == 0) { /* ::ffff:a.b.c.d is IPv4 */
            memmove(c->addr, c->addr + 12, 4);
            memset(c->addr + 4, 0, 12);
            c->family = 4;
        } else {
            c->family = 6;
        }
        return 0;
    }
    return -1;
}

/* True when the first BITS bits of A and B are equal. */
static bool prefix_equal(const uint8_t *a, const uint8_t *b, unsigned bits)
{
    unsigned whole = bits / 8, rest = bits % 8;
    if (memcmp(a, b, whole) != 0) return false;
    if (!rest) return true;
    uint8_t mask = (uint8_t)(0xff << (8 - rest));
    return (a[whole] & mask) == (b[whole] & mask);
}

int cidr_parse(const char *s, struct cidr *out, char *why, size_t size)
{
    char addr[INET6_ADDRSTRLEN + 8];
    const char *slash = strchr(s, '/');
    size_t n = slash ? (size_t)(slash - s) : strlen(s);
    struct cidr c = {0};
    if (n == 0 || n >= sizeof addr) goto bad_addr;
    memcpy(addr, s, n);
    addr[n] = '\0';
    if (parse_addr(addr, &c) != 0) goto bad_addr;
    unsigned max = c.family == 4 ? 32 : 128;
    c.bits = (uint8_t)max;
    if (slash) {
        const char *p = slash + 1;
        char *end = NULL;
        long bits = strtol(p, &end, 10);
        if (end == p || *end || p[0] == '+' || p[0] == '-' || bits < 0 || bits > (long)max) {
            snprintf(why, size, "the prefix length after '/' must be a number from 0 to %u", max);
            return -1;
        }
        c.bits = (uint8_t)bits;
    }
    /* bits past the prefix must be zero */
    for (unsigned i = c.bits; i < max; i++)
        if (c.addr[i / 8] & (0x80 >> (i % 8))) {
            struct cidr base = c;
            for (unsigned j = c.bits; j < max; j++)
                base.addr[j / 8] &= (uint8_t) ~(0x80 >> (j % 8));
            char norm[CIDR_TEXT_MAX];
            cidr_format(&base, norm);
            snprintf(why, size, "the address has bits set past the /%u prefix; did you mean %s?",
                     c.bits, norm);
            return -1;
        }
    *out = c;
    return 0;
bad_addr:
    snprintf(why, size,
             "it is not an IPv4 or IPv6 address or block (such as 192.0.2.0/24 or "
             "2001:db8::/32)");
    return -1;
}

void cidr_format(const struct cidr *c, char buf[CIDR_TEXT_MAX])
{
    assert(c->family == 4 || c->family == 6);
    char a[INET6_ADDRSTRLEN];
    inet_ntop(c->family == 4 ? AF_INET : AF_INET6, c->addr, a, sizeof a);
    snprintf(buf, CIDR_TEXT_MAX, "%s/%u", a, c->bits);
}

bool cidr_list_match(const struct cidr *list, size_t n, const char *addr)
{
    struct cidr a;
    if (!addr || parse_addr(addr, &a) != 0) return false;
    for (size_t i = 0; i < n; i++)
        if (list[i].family == a.family && prefix_equal(list[i].addr, a.addr, list[i].bits))
            return true;
    return false;
}
