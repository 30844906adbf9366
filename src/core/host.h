/*
 * host — host names as pages own them (SPEC §4) and as requests name them.
 *
 * The normal form: lower case, no trailing dot, no port; a Unicode name becomes
 * its A-labels (IDNA2008 with the UTS #46 mapping, non-transitional, through
 * libidn2: "Bücher.Example." → "xn--bcher-kva.example"); then every label is
 * 1–63 letters, digits and hyphens, neither starting nor ending with '-', an
 * "xn--" label must decode, and the whole is at most 253 characters. An IPv4
 * address passes as written (its labels are digits). A stored host and a
 * request's host are equal as strings exactly when they name the same host.
 *
 * Two entry points, for the two moments a host is seen:
 *  - host_normalize(): a host someone assigns to a page (API, console, CLI);
 *    refuses what is not a host name with a 400 quoting it.
 *  - host_from_header(): a request's Host header, or the authority of
 *    server.base_url: the port goes, then the name is normalised; what is not
 *    a host name becomes "" (which selects the default page). An IPv6 literal
 *    keeps its brackets, in lower case. ASCII names take a fast path (no libidn2).
 * Pure functions of their input, thread-safe.
 */
#ifndef PHAROS_HOST_H
#define PHAROS_HOST_H
#include "core/err.h"
#include <stddef.h>

enum { HOST_MAX = 256 }; /* the size of a buffer for a host in normal form */

/* The normal form of the host name IN into OUT (SIZE ≥ HOST_MAX bytes). Returns 0, or -1 with
 * E filled (ERR_INVALID naming IN and what is wrong); OUT is then "". */
int host_normalize(const char *in, char *out, size_t size, struct err *e);

/* The normal form of the host in the Host header VALUE (may be NULL; a port is dropped) into
 * OUT (SIZE ≥ HOST_MAX bytes): "" when there is none or it is not a host name. */
void host_from_header(const char *value, char *out, size_t size);

#endif
