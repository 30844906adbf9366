/*
 * view_lang — a view model in another language. See view_lang.h.
 *
 * One walk over the JSON: each object is recognised by the keys it has (a "stage" with
 * a "stage_label", a "status" with a "label", "X" with "X_human", "bar_days"), so
 * the model's parts need no schema here and a new list of events is covered as it
 * comes. Texts are replaced only where the catalogue has the key: an unknown status
 * keeps its English label rather than showing a key.
 */
#include "public/view_lang.h"
#include "core/timeutil.h"
#include "render/i18n.h"
#include "render/markdown.h"
#include <assert.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Sets O's KEY to the catalogue's PREFIX + VALUE of O's VKEY, when both exist. */
static void relabel(json_t *o, const char *key, const char *prefix, const char *vkey,
                    const char *lang)
{
    const char *v = json_string_value(json_object_get(o, vkey));
    if (!v || !json_is_string(json_object_get(o, key))) return;
    char k[96];
    snprintf(k, sizeof k, "%s%s", prefix, v);
    const char *text = json_string_value(json_object_get(i18n_catalogue(lang), k));
    if (text) json_object_set_new(o, key, json_string(text));
}

/* Every "X_human" of O from its "X" (an RFC 3339 time). */
static void redate(json_t *o, const char *lang)
{
    const char *key;
    json_t *v;
    void *tmp;
    json_object_foreach_safe(o, tmp, key, v)
    {
        size_t n = strlen(key);
        if (n <= 6 || strcmp(key + n - 6, "_human") != 0 || !json_is_string(v)) continue;
        char base[64];
        snprintf(base, sizeof base, "%.*s", (int)(n - 6), key);
        int64_t t = 0;
        const char *iso = json_string_value(json_object_get(o, base));
        if (!iso || time_parse(iso, &t) != 0) continue;
        char buf[96];
        json_object_set_new(o, key, json_string(i18n_date(lang, t, false, buf, sizeof buf)));
    }
}

/* A service's uptime figure, period and bars from its "bar_days" and "uptime_since". */
static void uptime(json_t *svc, const char *lang, struct tmpl_set *tmpls)
{
    const json_t *raw = json_object_get(svc, "bar_days");
    char buf[160], pct[48], day[48];
    const char *u = json_string_value(json_object_get(svc, "uptime"));
    if (u) json_object_set_new(svc, "uptime", json_string(i18n_percent(lang, u, pct, sizeof pct)));
    int64_t since = json_integer_value(json_object_get(svc, "uptime_since"));
    if (since == 0)
        i18n_fill(buf, sizeof buf, i18n_get(lang, "period_days"), "n", "90", NULL);
    else if (since < 0)
        snprintf(buf, sizeof buf, "%s", i18n_get(lang, "period_today"));
    else
        i18n_fill(buf, sizeof buf, i18n_get(lang, "period_since"), "date",
                  i18n_date(lang, since, true, day, sizeof day), NULL);
    json_object_set_new(svc, "uptime_period", json_string(buf));
    static const char cls[] = "omdpx"; /* enum svc_status order (domain/status.h) */
    static const char *const status_keys[] = {"no_incidents", "status_under_maintenance",
                                              "status_degraded_performance",
                                              "status_partial_outage", "status_major_outage"};
    json_t *days = json_array();
    size_t i;
    json_t *d;
    json_array_foreach(raw, i, d)
    {
        int worst = (int)json_integer_value(json_array_get(d, 1));
        i18n_date(lang, json_integer_value(json_array_get(d, 0)), true, day, sizeof day);
        char c[2] = {worst >= 0 && worst < 5 ? cls[worst] : 'n', 0};
        if (worst < 0 || worst >= 5) {
            i18n_fill(buf, sizeof buf, i18n_get(lang, "bar_no_data"), "day", day, NULL);
        } else {
            i18n_percent(lang, json_string_value(json_array_get(d, 2)), pct, sizeof pct);
            i18n_fill(buf, sizeof buf, i18n_get(lang, "bar_day"), "day", day, "status",
                      i18n_get(lang, status_keys[worst]), "pct", pct, NULL);
        }
        json_array_append_new(days, json_pack("{s:s,s:s}", "c", c, "t", buf));
    }
    struct err e = {0};
    const struct tmpl *t = tmpl_set_get(tmpls, "public/_bars.html", &e);
    json_t *m = json_pack("{s:o}", "days", days);
    struct tmpl_loader ld = tmpl_set_loader(tmpls);
    char *html = t ? tmpl_render(t, m, &ld, TMPL_HTML, &e) : NULL;
    json_decref(m);
    if (!html) return; /* keeps the English bars */
    size_t len = strlen(html);
    while (len && html[len - 1] == '\n')
        len--;
    json_object_set_new(svc, "bars", json_stringn(html, len));
    free(html);
}

/* An update's message in LANG from its translations. */
static void translate_update(json_t *u, const char *lang)
{
    const char *msg = json_string_value(
        json_object_get(json_object_get(json_object_get(u, "translations"), lang), "message"));
    if (!msg || !*msg) return;
    json_object_set_new(u, "message", json_string(msg));
    char *html = markdown_to_html(msg);
    json_object_set_new(u, "html", json_string(html));
    free(html);
}

/* An event's title from its newest update with a title in LANG (updates newest first). */
static void translate_event(json_t *ev, const char *lang)
{
    size_t i;
    json_t *u;
    json_array_foreach(json_object_get(ev, "updates"), i, u)
    {
        const char *title = json_string_value(
            json_object_get(json_object_get(json_object_get(u, "translations"), lang), "title"));
        if (title && *title) {
            json_object_set_new(ev, "title", json_string(title));
            return;
        }
    }
}

/* A response-time chart's title, description and ticks from its "words"
 * (public/view_checks.c). */
static void chart(json_t *ch, const char *lang)
{
    const json_t *w = json_object_get(ch, "words");
    const char *which = json_string_value(json_object_get(w, "chart"));
    char key[64], span[96], desc[512], checks[32], pct[48];
    snprintf(key, sizeof key, "chart_%s_title", which);
    json_object_set_new(ch, "title", json_string(i18n_get(lang, key)));
    snprintf(key, sizeof key, "chart_%s_span", which);
    snprintf(span, sizeof span, "%s", i18n_get(lang, key));
    json_int_t n = json_integer_value(json_object_get(w, "checks"));
    i18n_group(lang, n, checks, sizeof checks);
    i18n_percent(lang, json_string_value(json_object_get(w, "ok")), pct, sizeof pct);
    if (!n)
        i18n_fill(desc, sizeof desc, i18n_get(lang, "chart_none"), "span", span, NULL);
    else if (json_is_true(json_object_get(w, "failed")))
        i18n_fill(desc, sizeof desc, i18n_get(lang, "chart_failed"), "checks", checks, "span", span,
                  NULL);
    else
        i18n_fill(desc, sizeof desc, i18n_get(lang, "chart_summary"), "p50",
                  json_string_value(json_object_get(w, "p50")), "p95",
                  json_string_value(json_object_get(w, "p95")), "span", span, "checks", checks,
                  "pct", pct, NULL);
    json_object_set_new(ch, "desc", json_string(desc));
    size_t i;
    json_t *t;
    json_array_foreach(json_object_get(ch, "ticks"), i, t)
    {
        snprintf(key, sizeof key, "chart_%s_tick%zu", which, i);
        json_object_set_new(t, "label", json_string(i18n_get(lang, key)));
    }
}

static void walk(json_t *v, const char *lang, bool translate, struct tmpl_set *tmpls, int depth)
{
    assert(depth < 32);
    if (json_is_array(v)) {
        size_t i;
        json_t *x;
        json_array_foreach(v, i, x) walk(x, lang, translate, tmpls, depth + 1);
        return;
    }
    if (!json_is_object(v)) return;
    relabel(v, "stage_label", "stage_", "stage", lang);
    if (json_object_get(v, "indicator")) { /* the overall status */
        const char *st = json_string_value(json_object_get(v, "status"));
        relabel(v, "label", st && strcmp(st, "operational") == 0 ? "overall_" : "status_", "status",
                lang);
    } else {
        relabel(v, "label", "status_", "status", lang);
    }
    relabel(v, "impact_label", "impact_", "impact", lang);
    redate(v, lang);
    if (json_object_get(v, "bar_days")) uptime(v, lang, tmpls);
    if (json_is_object(json_object_get(v, "words")) && json_object_get(v, "ticks")) chart(v, lang);
    if (translate && json_object_get(v, "translations")) translate_update(v, lang);
    if (translate && json_is_array(json_object_get(v, "updates"))) {
        walk(json_object_get(v, "updates"), lang, translate, tmpls, depth + 1);
        translate_event(v, lang);
    }
    const char *key;
    json_t *x;
    json_object_foreach(v, key, x)
    {
        if (json_is_object(x) || (json_is_array(x) && strcmp(key, "bar_days") != 0 &&
                                  !(translate && strcmp(key, "updates") == 0)))
            walk(x, lang, translate, tmpls, depth + 1);
    }
}

void view_lang_apply(json_t *v, const char *lang, bool translate, struct tmpl_set *tmpls)
{
    assert(i18n_canon(lang) == lang);
    walk(v, lang, translate, tmpls, 0);
}
