/*
 * netaddr — where outbound requests may go (SPEC §10: "outbound targets on
 * loopback or private networks are refused unless security.allow_private_targets").
 * The targets checked are the URLs page admins or visitors supply (Slack's
 * webhook_url, the webhook's url); the operator's own addresses (email.smtp_url,
 * sms.api_base, twitter.api_base) are trusted (notify/transfer.h).
 *
 * Two checks, for the two moments a target is known:
 *  - when a URL is configured (integrations), its host as written: a literal
 *    address in any form the resolver accepts (127.1, 0x7f000001, [::1], with a
 *    zone id…) or "localhost" / "*.localhost";
 *  - when a request is sent, every address the host name resolved to
 *    (netaddr_sockaddr_is_private from curl's socket callback), which also
 *    catches DNS names that point inside.
 *
 * "Private" means not a public unicast address: 0/8, 10/8, 100.64/10 (CGNAT),
 * 127/8, 169.254/16, 172.16/12, 192.168/16, 224/4 (multicast), 240/4 (reserved,
 * broadcast); ::, ::1, fc00::/7, fe80::/10, fec0::/10, ff00::/8, and IPv6 forms
 * that embed an IPv4 address (::ffff:a.b.c.d, ::a.b.c.d, 64:ff9b::/96, 2002::/16)
 * when the embedded address is private. Pure functions, no I/O, thread-safe.
 */
#ifndef PHAROS_NETADDR_H
#define PHAROS_NETADDR_H
#include "core/err.h"
#include <stdbool.h>
#include <stddef.h>
#include <sys/socket.h>

/* True if SA (AF_INET or AF_INET6; other families count as private) is not a public address. */
bool netaddr_sockaddr_is_private(const struct sockaddr *sa);

/*
 * True if HOST, as written in a URL (brackets and an IPv6 zone id allowed, any
 * case, trailing dot allowed), is "localhost", a name under .localhost, or a
 * literal address that is private. A DNS name is false: check its resolved
 * addresses at send time.
 */
bool netaddr_host_is_private(const char *host);

/*
 * Splits an absolute http:// or https:// URL. HOST (SIZE bytes) gets its host in
 * lower case, an IPv6 literal without brackets; *PORT (may be NULL) its port,
 * 80 or 443 by default. Refuses other schemes, user names or passwords in the
 * URL, spaces and control characters, an empty or over-long host and bad ports.
 * Returns 0, or -1 with E filled (a 400 naming FIELD).
 */
int netaddr_url_host(const char *field, const char *url, char *host, size_t size, int *port,
                     struct err *e);

/*
 * netaddr_url_host, then refuses a private host (see above) unless
 * ALLOW_PRIVATE, naming security.allow_private_targets. Returns 0 or -1 with E.
 */
int netaddr_check_url(const char *field, const char *url, bool allow_private, struct err *e);

#endif
