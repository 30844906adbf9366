/*
 * page_url — the public URL of a page (SPEC §6: "Each page has its own public
 * URL"), the one prefix of every absolute link made for it: JSON page.url and
 * shortlinks, feed links and ids, e-mails, SMS, posts, webhooks. Pure
 * functions, no I/O, thread-safe.
 *
 * The rule, first match wins:
 *  1. the page's own base_url setting, when set;
 *  2. the default page: server.base_url itself, path included (the host of
 *     server.base_url always serves the default page: app/pages.h), whatever
 *     hosts the default page also has;
 *  3. any other page: the scheme and port of server.base_url with the page's
 *     first host (in the order given: the store sorts them) that is not the
 *     host of server.base_url (which serves the default page even where an
 *     older database lists it for another page). No path: a page is served at
 *     the root of its host, and its own links are root-relative;
 *  4. a page with neither (no base_url, no host of its own): server.base_url.
 *     No host reaches such a page, so there is no better answer; it needs a
 *     host or a base_url.
 *
 * A base_url setting is kept in a normal form (page_url_setting): an absolute
 * http:// or https:// URL with a host and no user name, password, query or
 * fragment, scheme and host in lower case, without trailing '/'. A path is
 * allowed and kept (links are the URL + "/incidents/7"); the pages' own links
 * stay root-relative, so such a proxy must map those too.
 */
#ifndef PHAROS_DOMAIN_PAGE_URL_H
#define PHAROS_DOMAIN_PAGE_URL_H
#include "core/err.h"
#include <stdbool.h>
#include <stddef.h>

enum { PAGE_URL_MAX = 500 }; /* bytes of a base_url setting, as the API's short texts */

/*
 * The public URL of a page by the rule above. OWN: its base_url setting in normal form
 * ("" or NULL when unset); SERVER_BASE: server.base_url as core/config.h leaves it
 * (http:// or https://, a host, no trailing '/'); IS_DEFAULT: it is the default page;
 * HOSTS: its N_HOSTS hosts in normal form (core/host.h). Returns a malloc'd string the
 * caller frees.
 */
char *page_url_public(const char *own, const char *server_base, bool is_default,
                      const char *const *hosts, size_t n_hosts);

/*
 * The normal form of the base_url setting IN into OUT (SIZE ≥ PAGE_URL_MAX + 1 bytes):
 * "" stays "" (unset). Returns 0, or -1 with E filled (ERR_INVALID, a message naming
 * base_url and what is accepted); OUT is then "".
 */
int page_url_setting(const char *in, char *out, size_t size, struct err *e);

#endif
