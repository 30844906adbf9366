/*
 * web — the HTML side of pharos that is not the admin console: the public
 * status page, its feeds and JSON, subscription pages, and static assets.
 * Each file exports a route table; web_register() adds them all.
 */
#ifndef PHAROS_WEB_H
#define PHAROS_WEB_H
#include "http/req.h"
#include "http/router.h"
#include <stdbool.h>
#include <stddef.h>

/* True when the request's If-None-Match lists ETAG (weak comparison) or "*". */
bool web_not_modified(struct req *r, const char *etag);

extern const struct route web_static_routes[];
extern const struct route web_public_routes[];
extern const struct route web_subscribe_routes[];     /* web/subscribe.c */
extern const struct route web_subscribe_sms_routes[]; /* web/subscribe_sms.c */
extern const struct route web_access_routes[];        /* web/access.c */
extern const struct route web_access_sso_routes[];    /* web/access_sso.c */

/* web/subscribe_hooks.c */
extern const struct route web_subscribe_hook_routes[];

struct snapshot;
struct snapshot_registry;
/* Serves the public pages from G's snapshots (web/public.c) and installs the HTML
 * error page renderer (the public layout). Call before serving. */
void web_public_init(struct snapshot_registry *g);
/* Serves from the snapshots of G (web/snapshots.c; web_public_init calls it). */
void web_snapshots_use(struct snapshot_registry *g);
/* The current snapshot of R's page (by Host), with a reference the caller drops with
 * snapshot_release(); NULL with E filled. For pages rendered in the public layout
 * (snapshot_render_html), e.g. the subscription screens. */
struct snapshot *web_public_snapshot(struct req *r, struct err *e);

/*
 * Whether R may read S's page (SPEC §16, web/access.c): 0, or -1 with E saying why (401
 * or 403; a 5xx when the members check could not be made). KEYED: a ?key= read key opens
 * it too (feeds, JSON, badge, calendar). Sets "X-Robots-Tag: noindex" on R for any page
 * that is not public.
 */
int web_access_check(struct req *r, struct snapshot *s, bool keyed, struct err *e);
/* The door of S's page for R, who may not read it because of WHY (web_access_check's
 * error), with ERROR (may be NULL) shown above the form: malloc'd HTML, or NULL. */
char *web_access_gate(struct req *r, struct snapshot *s, const struct err *why, const char *error);
/* The same with the keys of EXTRA (may be NULL) added to the door's model (e.g. "refresh":
 * seconds, "waiting": true while an SSO sign-in is checked). */
char *web_access_gate_with(struct req *r, struct snapshot *s, const struct err *why,
                           const char *error, const json_t *extra);

/* The language cookie (web/lang.c). */
#define WEB_LANG_COOKIE "pharos_lang"
/*
 * The language (a canonical tag) to answer R with for S's page (SPEC §16, web/lang.c):
 * ?lang=, the cookie, Accept-Language, the page's default; only offered ones. SET_COOKIE:
 * a ?lang= choice sets the cookie on R's answer. *VARY (may be NULL): the answer depends
 * on the Cookie and Accept-Language headers.
 */
const char *web_lang(struct req *r, struct snapshot *s, bool set_cookie, bool *vary);

/* GET /static/NAME for NAME "brand.<hash>.css": the brand stylesheet of R's page (its
 * /brand.css), immutable for a year when NAME is its current content-hashed name, else the
 * current bytes with no-cache; guarded like the page (web/public.c). */
void web_public_brand(struct req *r, const char *name);

/* Adds every web route to the router. */
void web_register(void);

#endif
