/*
 * i18n — the message catalogues of the public surface (SPEC §16: en, de, fr, es,
 * pt-BR, ja), one JSON file per language under locales/, embedded in the binary and
 * parsed once. A catalogue is a flat object {"key": "text"}; every catalogue has
 * every key of en's (tests/unit/test_render_i18n.c), so a lookup never misses.
 * Templates read a catalogue injected into their model as "t" ({{t.services}});
 * code asks i18n_get() and fills "{name}" placeholders with i18n_fill().
 *
 * Also here: choosing a visitor's language from an Accept-Language header (q-values,
 * "de-AT" matching "de", "pt" matching "pt-BR"), and dates and percentages in a
 * language's forms (the catalogue's date_months, date_time, date_day, num_decimal,
 * num_percent): "Dec 7, 2026 14:05 UTC", "7. Dez. 2026, 14:05 UTC", "99,95 %".
 */
#ifndef PHAROS_I18N_H
#define PHAROS_I18N_H
#include "core/tz.h"
#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum { I18N_COUNT = 6 };

/* The languages, "en" first, as their tags are spelt (NULL-terminated). */
extern const char *const i18n_langs[];

/* The canonical tag of TAG ("pt-br" → "pt-BR"; compared without case), or NULL when
 * TAG is none of i18n_langs. The result is one of i18n_langs' pointers. */
const char *i18n_canon(const char *tag);
/* The catalogue of LANG (canonical; NULL or unknown: en's). Borrowed, for ever. */
const json_t *i18n_catalogue(const char *lang);
/* The text of KEY in LANG, never NULL: the key itself when even en has none (a bug the
 * completeness test catches). */
const char *i18n_get(const char *lang, const char *key);
/* How LANG (canonical; NULL or unknown: en) writes dates in a zone (core/tz.h): its
 * date_weekdays, date_months, msg_date and msg_day. Borrowed, for ever. */
const struct tz_lang *i18n_tz_lang(const char *lang);
/*
 * FMT with each "{NAME}" replaced by the value following NAME in the NULL-terminated
 * list of (name, value) pairs, into BUF (truncated to SIZE). Returns BUF.
 */
char *i18n_fill(char *buf, size_t size, const char *fmt, ...);
/*
 * The language to answer with for the Accept-Language header HDR (may be NULL): the
 * offered language (OFFERED, N canonical tags) of the highest q, ties in the header's
 * order; a range "de-CH" matches "de", "pt" matches "pt-BR"; "*" the first offered.
 * NULL when nothing offered is acceptable.
 */
const char *i18n_negotiate(const char *hdr, const char *const *offered, size_t n);
/* Time T (Unix seconds) as LANG writes a date and time in UTC ("Dec 7, 2026 14:05 UTC"),
 * or with DAY_ONLY the day alone ("Dec 7"). Returns BUF. */
char *i18n_date(const char *lang, int64_t t, bool day_only, char *buf, size_t size);
/* V (≥ 0) with LANG's digit grouping (num_group: "1,234", "1.234"). Returns BUF. */
char *i18n_group(const char *lang, int64_t v, char *buf, size_t size);
/* The percentage PCT as uptime_format() writes it ("99.95%", or "—") in LANG's form
 * ("99,95 %"). Returns BUF. */
char *i18n_percent(const char *lang, const char *pct, char *buf, size_t size);

#endif
