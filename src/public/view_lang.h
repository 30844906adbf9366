/*
 * view_lang — a view model (public/view.h) said in another language (SPEC §16).
 *
 * The view model is built once per snapshot in English, with the raw values beside
 * every text made of them (a status beside its label, a time beside its "_human" form,
 * a service's day figures beside its bars: public/view_uptime.h). view_lang_apply
 * rewrites those texts in place in a language's words and forms (render/i18n.h):
 * status, overall and stage labels, impacts, dates, uptime figures and the bars'
 * titles (re-rendered with templates/public/_bars.html), the response-time charts' titles,
 * descriptions and ticks (from their "words": public/view_checks.c). It also puts in the reader's
 * language what the team wrote: an update's "translations" ({"de":{"title","message"}})
 * give its message (and HTML) in that language, and the newest update with a title in it
 * the event's title; a language with no translation keeps the page default's text.
 *
 * The snapshot applies it once per language to a copy of its model, and to the history
 * pages and events it reads beyond the model, so every language is rendered once per
 * snapshot, never per request.
 */
#ifndef PHAROS_VIEW_LANG_H
#define PHAROS_VIEW_LANG_H
#include "render/tmpl_set.h"
#include <jansson.h>
#include <stdbool.h>

/* Rewrites V (a whole model, or a part of one: an event, a history page) in place in LANG
 * (canonical, render/i18n.h); TRANSLATE: apply the updates' translations into LANG (the
 * reader's language is not the page's default). TMPLS renders the bars. */
void view_lang_apply(json_t *v, const char *lang, bool translate, struct tmpl_set *tmpls);

#endif
