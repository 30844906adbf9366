/*
 * translations — an update's "translations" (SPEC §16): {"de":{"title":…,"message":…}},
 * the update's texts in other languages the page offers. Read from the input of a new
 * incident or maintenance and of an update, checked, and stored with the update as JSON
 * text (store_update_translations_set); the public pages show them to readers of that
 * language (public/view_lang.h), others get the update's own text.
 *
 * Each language must be one the page offers and not its default (whose text is the
 * update's own); each entry has a "title" (at most 200 characters, one line) or a
 * "message" (Markdown, at most 20,000 characters) or both, and nothing else.
 */
#ifndef PHAROS_APP_TRANSLATIONS_H
#define PHAROS_APP_TRANSLATIONS_H
#include "app/app.h"

/*
 * IN's optional "translations" checked for C's page: *OUT gets the canonical JSON text
 * (malloc'd; tags spelt as render/i18n.h spells them), or NULL when IN has none (or an
 * empty object, or null). 0, or -1 with E (400 saying what was wrong).
 */
int app_translations_read(struct app_ctx *c, json_t *in, char **out, struct err *e);

#endif
