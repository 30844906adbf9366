/*
 * Unit tests for render/i18n: every catalogue parses and has exactly en's keys, each
 * text non-empty and with the same {placeholders} as en's; every {{t.KEY}} of the
 * embedded templates is a key of en's; lookups and canonical tags; Accept-Language
 * negotiation (q-values, order of ties, primary subtags, "*", q=0, garbage); dates and
 * percentages in each language's form.
 */
#include "core/embedded.h"
#include "render/i18n.h"
#include "testutil.h"

/* The {names} of S, sorted and joined, into BUF. */
static void placeholders(const char *s, char *buf, size_t size)
{
    const char *names[16];
    size_t n = 0, lens[16];
    for (const char *p = strchr(s, '{'); p && n < 16; p = strchr(p + 1, '{')) {
        const char *c = strchr(p, '}');
        if (!c) break;
        names[n] = p + 1;
        lens[n++] = (size_t)(c - p - 1);
    }
    for (size_t i = 1; i < n; i++) /* insertion sort */
        for (size_t j = i; j > 0 && strncmp(names[j - 1], names[j], 16) > 0; j--) {
            const char *t = names[j];
            names[j] = names[j - 1], names[j - 1] = t;
            size_t l = lens[j];
            lens[j] = lens[j - 1], lens[j - 1] = l;
        }
    buf[0] = '\0';
    for (size_t i = 0; i < n; i++)
        snprintf(buf + strlen(buf), size - strlen(buf), "%.*s,", (int)lens[i], names[i]);
}

static void every_catalogue_has_every_key(void **state)
{
    (void)state;
    const json_t *en = i18n_catalogue("en");
    assert_true(json_object_size(en) > 50);
    for (int i = 0; i18n_langs[i]; i++) {
        const json_t *c = i18n_catalogue(i18n_langs[i]);
        const char *key;
        json_t *v;
        json_object_foreach((json_t *)en, key, v)
        {
            const char *s = json_string_value(json_object_get(c, key));
            if (!s || !*s) fail_msg("%s has no text for \"%s\"", i18n_langs[i], key);
            char a[256], b[256];
            placeholders(json_string_value(v), a, sizeof a);
            placeholders(s, b, sizeof b);
            if (strcmp(a, b) != 0)
                fail_msg("%s's \"%s\" has placeholders %s, en's %s", i18n_langs[i], key, b, a);
        }
        json_object_foreach((json_t *)c, key, v)
        {
            if (!json_object_get(en, key))
                fail_msg("%s has \"%s\", en has not", i18n_langs[i], key);
        }
        /* date_months: twelve names */
        const char *m = i18n_get(i18n_langs[i], "date_months");
        int words = 1;
        for (const char *p = m; *p; p++)
            words += *p == ' ';
        assert_int_equal(words, 12);
    }
    /* not English copied: the translations differ from en in most keys */
    for (int i = 1; i18n_langs[i]; i++) {
        int same = 0;
        const char *key;
        json_t *v;
        json_object_foreach((json_t *)en, key, v)
        {
            same += strcmp(json_string_value(v), i18n_get(i18n_langs[i], key)) == 0;
        }
        if (same * 5 > (int)json_object_size(en))
            fail_msg("%s: %d of %zu texts are en's", i18n_langs[i], same, json_object_size(en));
    }
}

static void every_template_key_exists(void **state)
{
    (void)state;
    const json_t *en = i18n_catalogue("en");
    int seen = 0;
    for (const struct embedded_file *f = embedded_files; f->name; f++) {
        if (strncmp(f->name, "templates/", 10) != 0) continue;
        for (const char *p = strstr(f->data, "{{t."); p; p = strstr(p + 1, "{{t.")) {
            size_t n = strcspn(p + 4, "}");
            char key[64];
            snprintf(key, sizeof key, "%.*s", (int)n, p + 4);
            if (!json_object_get(en, key))
                fail_msg("%s uses {{t.%s}}, no catalogue has it", f->name, key);
            seen++;
        }
    }
    assert_true(seen > 40);
}

/* How each language writes a date in a message (core/tz.h) and codes a text message. */
static void message_dates_and_texts(void **state)
{
    (void)state;
    for (int i = 0; i18n_langs[i]; i++) {
        const struct tz_lang *l = i18n_tz_lang(i18n_langs[i]);
        for (int k = 0; k < 7; k++)
            if (!*l->wday[k]) fail_msg("%s: date_weekdays has fewer than 7 names", i18n_langs[i]);
        for (int k = 0; k < 12; k++)
            assert_true(*l->mon[k]);
        assert_non_null(strstr(l->date, "{d}"));
        assert_non_null(strstr(l->day, "{mon}"));
        const char *a = i18n_get(i18n_langs[i], "sms_alphabet");
        assert_true(strcmp(a, "gsm7") == 0 || strcmp(a, "ucs2") == 0);
    }
    const struct tz_lang *de = i18n_tz_lang("de");
    assert_string_equal(de->wday[4], "Do.");
    assert_string_equal(de->mon[11], "Dez.");
    assert_ptr_equal(i18n_tz_lang("xx"), i18n_tz_lang("en"));
    char b[128];
    assert_string_equal(tz_format(i18n_tz_lang("ja"), "Asia/Tokyo", 1796893200, b, sizeof b),
                        "2026年12月10日(木) 18:00 GMT+9");
    assert_string_equal(tz_format(i18n_tz_lang("en"), "UTC", 1796893200, b, sizeof b),
                        "Thu 10 Dec 2026 09:00 UTC");
    assert_string_equal(i18n_get("ja", "sms_alphabet"), "ucs2");
    assert_string_equal(i18n_group("en", 1234567, b, sizeof b), "1,234,567");
    assert_string_equal(i18n_group("de", 8640, b, sizeof b), "8.640");
    assert_string_equal(i18n_group("de", 999, b, sizeof b), "999");
    assert_string_equal(i18n_group("fr", 8640, b, sizeof b), "8\u202f640");
}

static void lookups(void **state)
{
    (void)state;
    assert_string_equal(i18n_canon("pt-br"), "pt-BR");
    assert_string_equal(i18n_canon("DE"), "de");
    assert_null(i18n_canon("pt"));
    assert_null(i18n_canon("xx"));
    assert_null(i18n_canon(NULL));
    assert_string_equal(i18n_get("de", "services"), "Dienste");
    assert_string_equal(i18n_get("ja", "services"), "サービス");
    assert_string_equal(i18n_get(NULL, "services"), "Services");
    assert_string_equal(i18n_get("de", "no.such.key"), "no.such.key");
    char buf[64];
    assert_string_equal(i18n_fill(buf, sizeof buf, "{a}-{b}-{c}", "a", "1", "b", "two", NULL),
                        "1-two-{c}");
    assert_string_equal(i18n_fill(buf, 6, "{a}{a}", "a", "abcd", NULL), "abcda");
}

static void negotiation(void **state)
{
    (void)state;
    const char *all[] = {"en", "de", "fr", "es", "pt-BR", "ja"};
    const char *two[] = {"en", "de"};
    assert_string_equal(i18n_negotiate("de-DE,de;q=0.9,en;q=0.8", all, 6), "de");
    assert_string_equal(i18n_negotiate("fr;q=0.5, ja;q=0.7", all, 6), "ja");
    assert_string_equal(i18n_negotiate("pt", all, 6), "pt-BR");
    assert_string_equal(i18n_negotiate("PT-br;q=1", all, 6), "pt-BR");
    assert_string_equal(i18n_negotiate("ja, fr", all, 6), "ja"); /* ties: the first */
    assert_string_equal(i18n_negotiate("ja;q=0.9, fr", all, 6), "fr");
    assert_string_equal(i18n_negotiate("fr, de;q=0.1", two, 2), "de");
    assert_null(i18n_negotiate("fr, ja", two, 2));
    assert_null(i18n_negotiate("de;q=0", two, 2));
    assert_string_equal(i18n_negotiate("*", two, 2), "en");
    assert_string_equal(i18n_negotiate("xx, *;q=0.1", two, 2), "en");
    assert_null(i18n_negotiate("", two, 2));
    assert_null(i18n_negotiate(NULL, two, 2));
    assert_null(i18n_negotiate(";;;,,,q=;", two, 2));
    assert_null(i18n_negotiate("de;q=abc", two, 2));
}

static void dates_and_numbers(void **state)
{
    (void)state;
    char buf[96];
    int64_t t = 1796652300; /* 2026-12-07T14:05:00Z */
    assert_string_equal(i18n_date("en", t, false, buf, sizeof buf), "Dec 7, 2026 14:05 UTC");
    assert_string_equal(i18n_date("de", t, false, buf, sizeof buf), "7. Dez. 2026, 14:05 UTC");
    assert_string_equal(i18n_date("fr", t, false, buf, sizeof buf), "7 déc. 2026, 14:05 UTC");
    assert_string_equal(i18n_date("es", t, false, buf, sizeof buf), "7 dic 2026, 14:05 UTC");
    assert_string_equal(i18n_date("pt-BR", t, false, buf, sizeof buf),
                        "7 de dez. de 2026, 14:05 UTC");
    assert_string_equal(i18n_date("ja", t, false, buf, sizeof buf), "2026年12月7日 14:05 UTC");
    assert_string_equal(i18n_date("en", t, true, buf, sizeof buf), "Dec 7");
    assert_string_equal(i18n_date("ja", t, true, buf, sizeof buf), "12月7日");
    assert_string_equal(i18n_date("de", 1767225600, true, buf, sizeof buf), "1. Jan.");
    assert_string_equal(i18n_percent("en", "99.95%", buf, sizeof buf), "99.95%");
    assert_string_equal(i18n_percent("de", "99.95%", buf, sizeof buf), "99,95 %");
    assert_string_equal(i18n_percent("pt-BR", "100.00%", buf, sizeof buf), "100,00%");
    assert_string_equal(i18n_percent("ja", "12.50%", buf, sizeof buf), "12.50%");
    assert_string_equal(i18n_percent("fr", "—", buf, sizeof buf), "—");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(every_catalogue_has_every_key),
        cmocka_unit_test(every_template_key_exists),
        cmocka_unit_test(message_dates_and_texts),
        cmocka_unit_test(lookups),
        cmocka_unit_test(negotiation),
        cmocka_unit_test(dates_and_numbers),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
