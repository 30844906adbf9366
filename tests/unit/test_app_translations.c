/*
 * Unit tests for app/translations against a real database (SQLite, and PostgreSQL under
 * scripts/run-unit.sh): a page offering en (default), de and ja takes translations into de
 * and ja (tags in any case, stored as spelt, sorted; empty texts dropped); none, null and
 * {} are no translations; the default language, a language not offered, a non-object, an
 * entry without text or with another field, a title over 200 characters or of two lines,
 * a message over 20,000 characters are each a 400 saying so. Through app/incidents a new
 * incident and an update store them, shown by GET as objects; a bad one creates nothing.
 */
#include "app/incidents.h"
#include "app/translations.h"
#include "core/log.h"
#include "store/pages.h"
#include "testutil.h"

struct fx {
    char dir[64];
    struct config cfg;
    struct db *db;
    struct app app;
    int64_t page;
};

static int setup(void **state)
{
    log_set_level(LOG_WARN);
    struct fx *f = calloc(1, sizeof *f);
    struct err e = {0};
    f->db = test_db_open(f->dir);
    if (!f->db) return -1;
    f->app.cfg = &f->cfg;
    f->page = store_page_insert(f->db, "default", "Status", &e);
    *state = f;
    if (f->page <= 0 || db_exec(f->db, &e, NULL, "UPDATE pages SET languages = ? WHERE id = ?",
                                "si", "[\"en\",\"de\",\"ja\"]", f->page) != 0)
        return -1;
    return 0;
}

static int teardown(void **state)
{
    struct fx *f = *state;
    test_db_close(f->db, f->dir);
    free(f);
    return 0;
}

static struct app_ctx ctx(struct fx *f)
{
    return (struct app_ctx){
        .app = &f->app, .db = f->db, .page_id = f->page, .actor = {.kind = ACTOR_CLI}};
}

/* app_translations_read of {"translations": TR} (JSON text): its result, *OUT and E. */
static int read_tr(struct fx *f, const char *tr, char **out, struct err *e)
{
    char buf[30000];
    snprintf(buf, sizeof buf, "{\"translations\":%s}", tr);
    json_error_t je;
    json_t *in = json_loads(buf, 0, &je);
    if (!in) fail_msg("%s: %s", buf, je.text);
    struct app_ctx c = ctx(f);
    memset(e, 0, sizeof *e);
    int rc = app_translations_read(&c, in, out, e);
    json_decref(in);
    return rc;
}

static void good_translations_are_kept(void **state)
{
    struct fx *f = *state;
    struct err e;
    char *out = NULL;
    assert_int_equal(read_tr(f,
                             "{\"JA\":{\"title\":\"遅延\"},\"de\":{\"title\":\"Langsam\","
                             "\"message\":\"Wir **prüfen** das.\\nZeile zwei.\"}}",
                             &out, &e),
                     0);
    assert_string_equal(out, "{\"de\":{\"message\":\"Wir **prüfen** das.\\nZeile "
                             "zwei.\",\"title\":\"Langsam\"},\"ja\":{\"title\":\"遅延\"}}");
    free(out);
    assert_int_equal(read_tr(f, "{\"de\":{\"title\":\"\",\"message\":\"Nur Text.\"}}", &out, &e),
                     0);
    assert_string_equal(out, "{\"de\":{\"message\":\"Nur Text.\"}}");
    free(out);
    for (const char *const *none = (const char *const[]){"null", "{}", NULL}; *none; none++) {
        out = (char *)"x";
        assert_int_equal(read_tr(f, *none, &out, &e), 0);
        assert_null(out);
    }
}

static void bad_translations_are_refused(void **state)
{
    struct fx *f = *state;
    char long_title[300], *long_msg = malloc(20100);
    memset(long_title, 'a', 201);
    long_title[201] = 0;
    memset(long_msg, 'b', 20001);
    long_msg[20001] = 0;
    char t1[400], t2[20200];
    snprintf(t1, sizeof t1, "{\"de\":{\"title\":\"%s\"}}", long_title);
    snprintf(t2, sizeof t2, "{\"de\":{\"message\":\"%s\"}}", long_msg);
    free(long_msg);
    const struct {
        const char *in, *msg;
    } bad[] = {
        {"[]", "translations must be an object of languages, as in "
               "{\"de\":{\"title\":\"…\",\"message\":\"…\"}}"},
        {"{\"en\":{\"title\":\"x\"}}", "translations: en is the page's default language (the "
                                       "update's own text); the page's other languages: de, ja"},
        {"{\"fr\":{\"title\":\"x\"}}", "translations: \"fr\" is not a language this page offers; "
                                       "its other languages: de, ja"},
        {"{\"xx\":{\"title\":\"x\"}}", "translations: \"xx\" is not a language this page offers; "
                                       "its other languages: de, ja"},
        {"{\"de\":\"Hallo\"}", "translations.de must be an object with a title, a message or both"},
        {"{\"de\":{}}", "translations.de has neither a title nor a message"},
        {"{\"de\":{\"title\":\"\"}}", "translations.de has neither a title nor a message"},
        {"{\"de\":{\"title\":\"x\",\"body\":\"y\"}}",
         "translations.de: unknown field \"body\"; accepted fields: title, message"},
        {"{\"de\":{\"title\":7}}", "translations.de.title must be a string"},
        {"{\"de\":{\"title\":\"a\\nb\"}}",
         "translations.de.title contains a control character (line breaks are not accepted here)"},
        {t1, "translations.de.title is 201 characters long; at most 200 are accepted"},
        {t2, "translations.de.message is 20001 characters long; at most 20000 are accepted"},
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        struct err e;
        char *out = NULL;
        assert_int_equal(read_tr(f, bad[i].in, &out, &e), -1);
        assert_null(out);
        assert_int_equal(e.code, ERR_INVALID);
        assert_string_equal(e.msg, bad[i].msg);
    }
}

static void incidents_and_updates_store_them(void **state)
{
    struct fx *f = *state;
    struct err e = {0};
    struct app_ctx c = ctx(f);
    json_t *in = json_loads("{\"title\":\"Slow\",\"message\":\"Looking.\",\"translations\":"
                            "{\"de\":{\"title\":\"Langsam\",\"message\":\"Wir sehen nach.\"}}}",
                            0, NULL),
           *out = NULL;
    assert_int_equal(app_incident_create(&c, in, &out, &e), 0);
    json_decref(in);
    int64_t id = json_integer_value(json_object_get(json_object_get(out, "incident"), "id"));
    if (!id) id = json_integer_value(json_object_get(out, "id"));
    json_decref(out);
    in = json_loads("{\"message\":\"Found.\",\"translations\":{\"ja\":{\"message\":\"原因を特定"
                    "しました。\"}}}",
                    0, NULL);
    assert_int_equal(app_incident_post_update(&c, id, in, &out, &e), 0);
    json_decref(in);
    json_decref(out);
    assert_int_equal(app_incident_get(&c, id, &out, &e), 0);
    json_t *ev = json_object_get(out, "incident") ? json_object_get(out, "incident") : out;
    json_t *ups = json_object_get(ev, "updates");
    assert_int_equal(json_array_size(ups), 2);
    char *a = json_dumps(json_object_get(json_array_get(ups, 0), "translations"), JSON_COMPACT);
    char *b = json_dumps(json_object_get(json_array_get(ups, 1), "translations"), JSON_COMPACT);
    assert_string_equal(a, "{\"de\":{\"message\":\"Wir sehen nach.\",\"title\":\"Langsam\"}}");
    assert_string_equal(b, "{\"ja\":{\"message\":\"原因を特定しました。\"}}");
    free(a);
    free(b);
    json_decref(out);
    /* a bad translation creates nothing */
    int64_t before = -1;
    assert_true(db_query_int(f->db, &e, &before, "SELECT COUNT(*) FROM events", NULL) >= 0);
    in = json_loads(
        "{\"title\":\"X\",\"message\":\"Y\",\"translations\":{\"fr\":{\"title\":\"Z\"}}}", 0, NULL);
    memset(&e, 0, sizeof e);
    assert_int_equal(app_incident_create(&c, in, &out, &e), -1);
    assert_int_equal(e.code, ERR_INVALID);
    json_decref(in);
    int64_t after = -1;
    assert_true(db_query_int(f->db, &e, &after, "SELECT COUNT(*) FROM events", NULL) >= 0);
    assert_int_equal(before, after);
}

#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)

int main(void)
{
    const struct CMUnitTest tests[] = {
        T(good_translations_are_kept),
        T(bad_translations_are_refused),
        T(incidents_and_updates_store_them),
    };
    return cmocka_run_group_tests_name("app/translations", tests, NULL, NULL);
}
