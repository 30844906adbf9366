/*
 * visibility — who may see a page (SPEC §16), and the address blocks of the `ip` mode.
 * Pure functions, no I/O, thread-safe.
 *
 *   public    anyone (the default)
 *   password  anyone who gave the page's password
 *   members   signed-in team members of the page
 *   sso       visitors signed in with OpenID Connect whose e-mail domain is allowed
 *   ip        clients whose address is in the page's list of CIDR blocks
 *
 * A CIDR block is an IPv4 ("10.0.0.0/8", "192.0.2.7") or IPv6 ("2001:db8::/32") address
 * with an optional prefix length (none: the one address). Bits past the prefix must be
 * zero ("10.1.0.0/8" is refused: it almost always means a typo), so what is stored reads
 * as what it matches. An IPv4 client seen as an IPv4-mapped IPv6 address
 * (::ffff:a.b.c.d) matches the IPv4 blocks.
 */
#ifndef PHAROS_VISIBILITY_H
#define PHAROS_VISIBILITY_H
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum visibility { VIS_PUBLIC, VIS_PASSWORD, VIS_MEMBERS, VIS_SSO, VIS_IP };

/* "public", "password", … */
const char *visibility_name(enum visibility v);
/* 0 and *OUT for a name above, else -1 (OUT untouched). */
int visibility_parse(const char *s, enum visibility *out);

enum { CIDR_TEXT_MAX = 64, CIDR_LIST_MAX = 50 };

struct cidr {
    uint8_t family; /* 4 or 6 */
    uint8_t bits;   /* prefix length: 0..32 or 0..128 */
    uint8_t addr[16];
};

/* Parses block S into *OUT: 0, or -1 with a reason in WHY (SIZE bytes). */
int cidr_parse(const char *s, struct cidr *out, char *why, size_t size);
/* Writes *C in its normal form ("10.0.0.0/8", "2001:db8::/32") into BUF (CIDR_TEXT_MAX). */
void cidr_format(const struct cidr *c, char buf[CIDR_TEXT_MAX]);
/* True when the textual address ADDR (IPv4 or IPv6; not a block) is in one of the N blocks
 * of LIST. False for an address that does not parse. */
bool cidr_list_match(const struct cidr *list, size_t n, const char *addr);

#endif
