/*
 * web/lang — the language a public request is answered in (SPEC §16): "?lang=" (which
 * also sets the language cookie), then the cookie, then Accept-Language, else the page's
 * default; only languages the page offers count, so a tag it does not offer falls through
 * to the next source.
 *
 * Caches: a URL with a valid ?lang= names its language, so its answer varies with nothing
 * else (a CDN may keep one copy per URL); without it the answer of a page offering more
 * than one language varies with Cookie and Accept-Language, which web_lang() reports so the
 * caller says so in Vary. The cookie is sent only when it changes, so the answer to a
 * returning reader's ?lang= URL carries no Set-Cookie a shared cache would refuse.
 */
#include "core/urlform.h"
#include "http/form.h"
#include "public/snapshot.h"
#include "render/i18n.h"
#include "web/web.h"
#include <string.h>

enum { LANG_COOKIE_AGE = 365 * 86400 };

const char *web_lang(struct req *r, struct snapshot *s, bool set_cookie, bool *vary)
{
    const char *tags[I18N_COUNT];
    size_t n = snapshot_languages(s, tags, I18N_COUNT);
    const char *def = snapshot_default_lang(s);
    if (vary) *vary = false;
    if (n < 2) return def; /* one language: nothing to choose */
    char buf[16];
    const char *cookie = snapshot_offered(s, req_cookie(r, WEB_LANG_COOKIE, buf, sizeof buf));
    const char *q = snapshot_offered(s, req_query(r, "lang"));
    if (q) {
        if (set_cookie && q != cookie) reply_cookie(r, WEB_LANG_COOKIE, q, LANG_COOKIE_AGE);
        return q;
    }
    if (vary) *vary = true;
    if (cookie) return cookie;
    const char *al = i18n_negotiate(req_header(r, "Accept-Language"), tags, n);
    return al ? al : def;
}
