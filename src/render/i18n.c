/*
 * i18n — catalogues, language negotiation, dates and numbers. See i18n.h.
 *
 * The catalogues are parsed on first use (pthread_once) from the embedded
 * locales/<tag>.json and kept for the life of the process; a catalogue that does not
 * parse is a build defect and aborts (the unit test parses every one).
 */
#include "render/i18n.h"
#include "core/embedded.h"
#include <assert.h>
#include <ctype.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

const char *const i18n_langs[] = {"en", "de", "fr", "es", "pt-BR", "ja", NULL};

static json_t *catalogues[I18N_COUNT];
static struct tz_lang tz_langs[I18N_COUNT]; /* pointers into names[] and the catalogue */
static char names[I18N_COUNT][2][256];      /* date_weekdays, date_months, split at ' ' */
static pthread_once_t once = PTHREAD_ONCE_INIT;

/* Splits catalogue C's KEY (N names separated by one space) into BUF, pointed to by OUT. */
static void split_names(const json_t *c, const char *key, char *buf, size_t size, const char **out,
                        int n)
{
    snprintf(buf, size, "%s", json_string_value(json_object_get(c, key)) ?: "");
    char *p = buf;
    for (int i = 0; i < n; i++) {
        out[i] = p;
        char *sp = strchr(p, ' ');
        if (sp)
            *sp = '\0', p = sp + 1;
        else
            p += strlen(p); /* too few: the rest are empty (the unit test catches it) */
    }
}

static void load(void)
{
    for (int i = 0; i < I18N_COUNT; i++) {
        char name[64];
        snprintf(name, sizeof name, "locales/%s.json", i18n_langs[i]);
        const struct embedded_file *f = embedded_find(name);
        json_error_t je;
        catalogues[i] = f ? json_loadb(f->data, f->len, 0, &je) : NULL;
        if (!json_is_object(catalogues[i])) {
            fprintf(stderr, "i18n: %s is missing or not a JSON object\n", name);
            abort();
        }
        struct tz_lang *l = &tz_langs[i];
        split_names(catalogues[i], "date_weekdays", names[i][0], sizeof names[i][0], l->wday, 7);
        split_names(catalogues[i], "date_months", names[i][1], sizeof names[i][1], l->mon, 12);
        l->date = json_string_value(json_object_get(catalogues[i], "msg_date"));
        l->day = json_string_value(json_object_get(catalogues[i], "msg_day"));
        if (!l->date || !l->day) {
            fprintf(stderr, "i18n: %s has no msg_date or msg_day\n", name);
            abort();
        }
    }
}

const char *i18n_canon(const char *tag)
{
    for (int i = 0; tag && i18n_langs[i]; i++)
        if (strcasecmp(tag, i18n_langs[i]) == 0) return i18n_langs[i];
    return NULL;
}

static int index_of(const char *lang)
{
    for (int i = 0; lang && i18n_langs[i]; i++)
        if (strcmp(lang, i18n_langs[i]) == 0) return i;
    return 0;
}

const json_t *i18n_catalogue(const char *lang)
{
    pthread_once(&once, load);
    return catalogues[index_of(lang)];
}

const struct tz_lang *i18n_tz_lang(const char *lang)
{
    pthread_once(&once, load);
    return &tz_langs[index_of(lang)];
}

const char *i18n_get(const char *lang, const char *key)
{
    const char *s = json_string_value(json_object_get(i18n_catalogue(lang), key));
    if (!s) s = json_string_value(json_object_get(i18n_catalogue("en"), key));
    return s ? s : key;
}

char *i18n_fill(char *buf, size_t size, const char *fmt, ...)
{
    assert(size > 0);
    size_t n = 0;
    const char *p = fmt;
    while (*p && n + 1 < size) {
        const char *close = *p == '{' ? strchr(p, '}') : NULL;
        const char *val = NULL;
        if (close) {
            va_list ap;
            va_start(ap, fmt);
            const char *name;
            while ((name = va_arg(ap, const char *))) {
                const char *v = va_arg(ap, const char *);
                if (strlen(name) == (size_t)(close - p - 1) &&
                    strncmp(name, p + 1, close - p - 1) == 0) {
                    val = v;
                    break;
                }
            }
            va_end(ap);
        }
        if (val) {
            n += (size_t)snprintf(buf + n, size - n, "%s", val);
            if (n >= size) n = size - 1;
            p = close + 1;
        } else {
            buf[n++] = *p++;
        }
    }
    buf[n] = '\0';
    return buf;
}

/* The offered language range R (LEN bytes, no q) matches, or NULL. */
static const char *match_range(const char *r, size_t len, const char *const *offered, size_t n)
{
    if (len == 1 && r[0] == '*') return n ? offered[0] : NULL;
    for (size_t i = 0; i < n; i++) /* exact, then the primary subtag */
        if (strlen(offered[i]) == len && strncasecmp(offered[i], r, len) == 0) return offered[i];
    size_t primary = strcspn(r, "-");
    if (primary > len) primary = len;
    for (size_t i = 0; i < n; i++) {
        size_t op = strcspn(offered[i], "-");
        if (op == primary && strncasecmp(offered[i], r, primary) == 0) return offered[i];
    }
    return NULL;
}

const char *i18n_negotiate(const char *hdr, const char *const *offered, size_t n)
{
    const char *best = NULL;
    double best_q = 0;
    int items = 0;
    for (const char *p = hdr; p && *p && items < 32; items++) {
        while (*p == ' ' || *p == '\t' || *p == ',')
            p++;
        if (!*p) break;
        size_t len = strcspn(p, ";, \t");
        const char *range = p;
        p += len;
        double q = 1;
        while (*p && *p != ',') { /* parameters: only q counts */
            while (*p == ' ' || *p == '\t' || *p == ';')
                p++;
            if ((p[0] == 'q' || p[0] == 'Q') && p[1] == '=') {
                char *end;
                q = strtod(p + 2, &end);
                if (end == p + 2 || q < 0 || q > 1) q = 0;
                p = end;
            }
            p += strcspn(p, ";,");
        }
        if (len == 0 || len > 35 || q <= 0) continue;
        const char *m = match_range(range, len, offered, n);
        if (m && q > best_q) best = m, best_q = q;
    }
    return best;
}

char *i18n_date(const char *lang, int64_t t, bool day_only, char *buf, size_t size)
{
    time_t tt = (time_t)t;
    struct tm tm;
    if (!gmtime_r(&tt, &tm)) {
        snprintf(buf, size, "%s", "");
        return buf;
    }
    const char *months = i18n_get(lang, "date_months");
    char mon[32] = "";
    const char *p = months;
    for (int i = 0; i < tm.tm_mon && p; i++) {
        p = strchr(p, ' ');
        if (p) p++;
    }
    if (p) snprintf(mon, sizeof mon, "%.*s", (int)strcspn(p, " "), p);
    char d[16], y[16], h[16], m[16];
    snprintf(d, sizeof d, "%d", tm.tm_mday);
    snprintf(y, sizeof y, "%d", tm.tm_year + 1900);
    snprintf(h, sizeof h, "%02d", tm.tm_hour);
    snprintf(m, sizeof m, "%02d", tm.tm_min);
    return i18n_fill(buf, size, i18n_get(lang, day_only ? "date_day" : "date_time"), "mon", mon,
                     "d", d, "y", y, "H", h, "M", m, NULL);
}

char *i18n_group(const char *lang, int64_t v, char *buf, size_t size)
{
    assert(size > 0);
    char raw[24];
    const char *sep = i18n_get(lang, "num_group");
    int n = snprintf(raw, sizeof raw, "%lld", (long long)v);
    size_t o = 0;
    buf[0] = '\0';
    for (int i = 0; i < n && o + strlen(sep) + 2 < size; i++) {
        if (i && raw[i - 1] != '-' && (n - i) % 3 == 0)
            o += (size_t)snprintf(buf + o, size - o, "%s", sep);
        buf[o++] = raw[i];
        buf[o] = '\0';
    }
    return buf;
}

char *i18n_percent(const char *lang, const char *pct, char *buf, size_t size)
{
    char n[32];
    size_t len = strcspn(pct, "%");
    if (len == strlen(pct) || len >= sizeof n) { /* "—": no figure */
        snprintf(buf, size, "%s", pct);
        return buf;
    }
    snprintf(n, sizeof n, "%.*s", (int)len, pct);
    char *dot = strchr(n, '.');
    const char *dec = i18n_get(lang, "num_decimal");
    char num[40];
    if (dot && strcmp(dec, ".") != 0) {
        *dot = '\0';
        snprintf(num, sizeof num, "%s%s%s", n, dec, dot + 1);
    } else {
        snprintf(num, sizeof num, "%s", n);
    }
    return i18n_fill(buf, size, i18n_get(lang, "num_percent"), "n", num, NULL);
}
