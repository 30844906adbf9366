/*
 * tmpl_set — a thread-safe set of named templates, compiled on first use and
 * kept until the set is freed; it is also the loader that resolves {{> name}}.
 *
 * The usual set reads the templates embedded in the binary:
 *
 *     struct tmpl_set *set = tmpl_set_new_embedded("templates/");
 *     const struct tmpl *page = tmpl_set_get(set, "public/index.html", &e);
 *     struct tmpl_loader ld = tmpl_set_loader(set);
 *     char *html = tmpl_render(page, model, &ld, TMPL_HTML, &e);
 *
 * where public/index.html may say {{> public/_service.html}}. A partial name
 * is the same name tmpl_set_get() takes. A missing partial is an error here
 * (ERR_INTERNAL naming it), not the Mustache empty string, so a misspelt
 * partial fails the tests instead of vanishing from the page.
 *
 * Lookups and compilation are serialised by one mutex; compiled templates are
 * immutable, so renders run in parallel. A template that fails to compile is
 * not cached: each tmpl_set_get() reports the error again.
 */
#ifndef PHAROS_TMPL_SET_H
#define PHAROS_TMPL_SET_H
#include "render/tmpl.h"

struct tmpl_set;

/* Returns the NUL-terminated source of the template called NAME, valid at least
 * until the call that asked for it returns, or NULL when there is none. */
typedef const char *(*tmpl_on_source)(void *ctx, const char *name);

/* A set reading sources through ON_SOURCE(CTX, name). Free with tmpl_set_free(). */
struct tmpl_set *tmpl_set_new(tmpl_on_source on_source, void *ctx);

/* A set reading the embedded file PREFIX + name (PREFIX is copied). */
struct tmpl_set *tmpl_set_new_embedded(const char *prefix);

/* Frees S and every template it compiled; NULL is a no-op. No render may be using them. */
void tmpl_set_free(struct tmpl_set *s);

/*
 * The template called NAME, compiled on first use and owned by S. Returns NULL
 * with E filled when there is no such template (ERR_NOT_FOUND) or it does not
 * compile (ERR_INVALID, "NAME: line N: …").
 */
const struct tmpl *tmpl_set_get(struct tmpl_set *s, const char *name, struct err *e);

/* A loader resolving partials with tmpl_set_get() on S; valid as long as S. */
struct tmpl_loader tmpl_set_loader(struct tmpl_set *s);

#endif
