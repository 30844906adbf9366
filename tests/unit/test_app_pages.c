/*
 * Unit tests for app/pages against a real database: hosts are stored in normal
 * form; only the operator (the CLI, an owner of the default page) changes them,
 * while an API token or an owner of another page gets 403 and may only send the
 * same hosts back; the host of server.base_url is refused for any page but the
 * default one and always resolves to the default page. base_url follows the
 * same rule (403 for a change by anyone but the operator, the same value in
 * another spelling is no change, a bad one from the operator is a 400 naming
 * it), and the page JSON carries the public URL in use. reminder_min (default 60) is a
 * page setting from 0 to a week: anything else is a 400 saying so that changes nothing,
 * and a change wakes the background workers.
 */
#include "app/pages.h"
#include "app/users.h"
#include "core/log.h"
#include "store/pages.h"
#include "testutil.h"

#define BASE "status.operator.example"

struct fx {
    char dir[64];
    struct db *db;
    struct config cfg;
    struct app app;
    struct app_ctx cli;
    int64_t def, b;
    struct app_ctx operator, b_owner, b_token; /* acting on page b */
};

static json_t *hosts_json(const char *text)
{
    json_t *h = json_loads(text, 0, NULL);
    assert_non_null(h);
    return h;
}

static int64_t add_page(struct fx *f, const char *slug, const char *hosts)
{
    struct err e = {0};
    json_t *h = hosts_json(hosts);
    int64_t id = 0;
    if (app_page_create(&f->cli, slug, slug, h, &id, &e) != 0) fail_msg("page %s: %s", slug, e.msg);
    json_decref(h);
    return id;
}

static struct app_ctx as_user(struct fx *f, int64_t page, const char *email, const char *role)
{
    struct err e = {0};
    struct app_ctx c = f->cli;
    int64_t uid = 0;
    c.page_id = page;
    /* an existing account (the operator on a second page) is given the role explicitly */
    if (app_user_add(&c, email, "", role, "password-1", true, &uid, &e) != 0)
        fail_msg("user %s: %s", email, e.msg);
    c.actor = (struct actor){.kind = ACTOR_USER, .id = uid, .role = ROLE_OWNER};
    return c;
}

static int setup(void **state)
{
    struct fx *f = calloc(1, sizeof *f);
    struct err e = {0};
    log_set_level(LOG_WARN);
    f->db = test_db_open(f->dir);
    config_init(&f->cfg);
    f->cfg.base_url = strdup("https://" BASE ":8443");
    strcpy(f->cfg.base_host, BASE);
    f->app.cfg = &f->cfg;
    f->cli = (struct app_ctx){.app = &f->app, .db = f->db, .actor = {.kind = ACTOR_CLI}};
    if (!f->db || app_page_ensure_default(&f->cli, &e) != 0) return -1;
    f->def = store_page_default(f->db, &e);
    f->b = add_page(f, "b", "[\"b.test\"]");
    as_user(f, f->def, "operator@example.com", "owner");
    f->operator= as_user(f, f->b, "operator@example.com", "owner"); /* the same user, on b too */
    f->b_owner = as_user(f, f->b, "bee@example.com", "owner");
    f->b_token = f->cli;
    f->b_token.page_id = f->b;
    f->b_token.actor = (struct actor){.kind = ACTOR_TOKEN, .id = 1, .role = ROLE_ADMIN};
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    struct fx *f = *state;
    test_db_close(f->db, f->dir);
    config_free(&f->cfg);
    free(f);
    return 0;
}

/* PATCH page {"hosts": HOSTS} as C; returns the use case's result with E. */
static int set_hosts(struct app_ctx *c, const char *hosts, struct err *e)
{
    json_t *in = json_pack("{s:o}", "hosts", hosts_json(hosts)), *out = NULL;
    int rc = app_page_update(c, in, &out, e);
    json_decref(in);
    json_decref(out);
    return rc;
}

static char *hosts_of(struct fx *f, int64_t page)
{
    struct err e = {0};
    json_t *p = store_page_get(f->db, page, &e);
    assert_non_null(p);
    char *s = json_dumps(json_object_get(p, "hosts"), JSON_COMPACT);
    json_decref(p);
    return s;
}

static void assert_hosts(struct fx *f, int64_t page, const char *want)
{
    char *got = hosts_of(f, page);
    assert_string_equal(got, want);
    free(got);
}

static void hosts_are_stored_in_normal_form(void **state)
{
    struct fx *f = *state;
    int64_t id = add_page(f, "idn",
                          "[\"Bücher.Example.\", \"WWW.B\\u00fccher.example\", "
                          "\"bücher.example\"]");
    assert_hosts(f, id, "[\"www.xn--bcher-kva.example\",\"xn--bcher-kva.example\"]");
    struct err e = {0};
    int64_t none = 0;
    json_t *bad = hosts_json("[\"ok.example\", \"bad_host.example\"]");
    assert_int_equal(app_page_create(&f->cli, "bad", "Bad", bad, &none, &e), -1);
    json_decref(bad);
    assert_int_equal(e.code, ERR_INVALID);
    assert_non_null(strstr(e.msg, "host \"bad_host.example\""));
    assert_int_equal(store_page_id_by_slug(f->db, "bad", &none, &e), 0);
}

static void only_the_operator_changes_hosts(void **state)
{
    struct fx *f = *state;
    struct err e = {0};
    bool yes = true;
    assert_int_equal(app_page_hosts_editable(&f->b_token, &yes, &e), 0);
    assert_false(yes);
    assert_int_equal(app_page_hosts_editable(&f->b_owner, &yes, &e), 0);
    assert_false(yes);
    assert_int_equal(app_page_hosts_editable(&f->operator, & yes, &e), 0);
    assert_true(yes);
    assert_int_equal(app_page_hosts_editable(&f->cli, &yes, &e), 0);
    assert_true(yes);

    struct app_ctx *others[] = {&f->b_token, &f->b_owner};
    for (int i = 0; i < 2; i++) {
        memset(&e, 0, sizeof e);
        assert_int_equal(set_hosts(others[i], "[\"b.test\", \"new.test\"]", &e), -1);
        assert_int_equal(e.code, ERR_FORBIDDEN);
        assert_non_null(strstr(e.msg, "only the operator assigns hosts"));
        assert_int_equal(set_hosts(others[i], "[]", &e), -1);
        assert_int_equal(set_hosts(others[i], "[\"no good\"]", &e), -1);
        assert_int_equal(e.code, ERR_FORBIDDEN);
        /* the same hosts, in another spelling, are no change */
        assert_int_equal(set_hosts(others[i], "[\"B.TEST.\", \"b.test\"]", &e), 0);
    }
    assert_hosts(f, f->b, "[\"b.test\"]");
    assert_int_equal(set_hosts(&f->operator, "[\"b.test\", \"New.Test\"]", &e), 0);
    assert_hosts(f, f->b, "[\"b.test\",\"new.test\"]");
    assert_int_equal(set_hosts(&f->operator, "[\"no good\"]", &e), -1);
    assert_int_equal(e.code, ERR_INVALID);
    json_t *many = json_array();
    for (int i = 0; i < 101; i++)
        json_array_append_new(many, json_sprintf("h%d.test", i));
    char *text = json_dumps(many, JSON_COMPACT);
    assert_int_equal(set_hosts(&f->operator, text, &e), -1);
    assert_int_equal(e.code, ERR_INVALID);
    assert_string_equal(e.msg, "hosts: a page has at most 100 hosts");
    free(text);
    json_decref(many);
    assert_hosts(f, f->b, "[\"b.test\",\"new.test\"]");
}

static void a_taken_host_is_a_conflict_naming_its_page(void **state)
{
    struct fx *f = *state;
    struct err e = {0};
    int64_t c = add_page(f, "c", "[\"c.test\"]");
    struct app_ctx op_c = f->operator;
    op_c.page_id = c;
    assert_int_equal(set_hosts(&op_c, "[\"c.test\", \"B.Test.\"]", &e), -1);
    assert_int_equal(e.code, ERR_CONFLICT);
    assert_string_equal(e.msg, "host b.test already belongs to page \"b\"");
    assert_hosts(f, c, "[\"c.test\"]");
}

static void the_base_url_host_belongs_to_the_default_page(void **state)
{
    struct fx *f = *state;
    struct err e = {0};
    int64_t id = 0;
    json_t *h = hosts_json("[\"" BASE ".\"]");
    assert_int_equal(app_page_create(&f->cli, "taker", "Taker", h, &id, &e), -1);
    json_decref(h);
    assert_int_equal(e.code, ERR_CONFLICT);
    assert_non_null(strstr(e.msg, "host " BASE " is the host of server.base_url"));
    assert_int_equal(store_page_id_by_slug(f->db, "taker", &id, &e), 0);
    memset(&e, 0, sizeof e);
    assert_int_equal(set_hosts(&f->operator, "[\"b.test\", \"STATUS.operator.example\"]", &e), -1);
    assert_int_equal(e.code, ERR_CONFLICT);
    assert_hosts(f, f->b, "[\"b.test\"]");
    struct app_ctx op_def = f->operator;
    op_def.page_id = f->def;
    assert_int_equal(set_hosts(&op_def, "[\"" BASE "\"]", &e), 0); /* the default page's own */
    assert_hosts(f, f->def, "[\"" BASE "\"]");

    /* A database from before the rule lists it on page b: it still serves the default page. */
    assert_int_equal(db_exec(f->db, &e, NULL, "UPDATE page_hosts SET page_id = ? WHERE host = ?",
                             "is", f->b, BASE),
                     0);
    int64_t got = 0;
    assert_int_equal(app_page_resolve(&f->app, f->db, BASE, &got, &e), 0);
    assert_int_equal(got, f->def);
    assert_int_equal(app_page_resolve(&f->app, f->db, "b.test", &got, &e), 0);
    assert_int_equal(got, f->b);
    assert_int_equal(app_page_resolve(NULL, f->db, BASE, &got, &e), 0);
    assert_int_equal(got, f->b); /* without a configuration there is no base_url host */
}

/* PATCH page {"base_url": URL} as C (URL a JSON value's text); returns the result with E. */
static int set_base_url(struct app_ctx *c, const char *url, struct err *e)
{
    json_t *in = json_pack("{s:o}", "base_url", json_loads(url, JSON_DECODE_ANY, NULL)),
           *out = NULL;
    int rc = app_page_update(c, in, &out, e);
    json_decref(in);
    json_decref(out);
    return rc;
}

/* GET page as C: its KEY ("base_url" or "url"), malloc'd. */
static char *page_str(struct app_ctx *c, const char *key)
{
    struct err e = {0};
    json_t *p = NULL;
    if (app_page_get(c, &p, &e) != 0) fail_msg("get page: %s", e.msg);
    char *s = strdup(json_string_value(json_object_get(p, key)));
    json_decref(p);
    return s;
}

static void assert_page_str(struct app_ctx *c, const char *key, const char *want)
{
    char *got = page_str(c, key);
    assert_string_equal(got, want);
    free(got);
}

static void only_the_operator_sets_base_url(void **state)
{
    struct fx *f = *state;
    struct err e = {0};
    assert_page_str(&f->b_token, "base_url", "");
    assert_page_str(&f->b_token, "url", "https://b.test:8443");
    struct app_ctx *others[] = {&f->b_token, &f->b_owner};
    for (int i = 0; i < 2; i++) {
        for (const char *const *v =
                 (const char *const[]){"\"https://status.b.example\"", "\"no good\"", "7", NULL};
             *v; v++) {
            memset(&e, 0, sizeof e);
            assert_int_equal(set_base_url(others[i], *v, &e), -1);
            assert_int_equal(e.code, ERR_FORBIDDEN);
            assert_non_null(strstr(e.msg, "only the operator sets base_url"));
        }
        assert_int_equal(set_base_url(others[i], "\"\"", &e), 0); /* the same: no change */
        assert_int_equal(set_base_url(others[i], "null", &e), 0);
    }
    assert_page_str(&f->b_token, "base_url", "");
    memset(&e, 0, sizeof e);
    assert_int_equal(set_base_url(&f->operator, "\"https://status.b.example/?a=1\"", &e), -1);
    assert_int_equal(e.code, ERR_INVALID);
    assert_non_null(strstr(e.msg, "base_url may not have a query"));
    assert_int_equal(set_base_url(&f->operator, "7", &e), -1);
    assert_int_equal(e.code, ERR_INVALID);
    assert_string_equal(e.msg, "base_url must be a string");
    assert_int_equal(set_base_url(&f->operator, "\"HTTPS://Status.B.Example/\"", &e), 0);
    assert_page_str(&f->b_token, "base_url", "https://status.b.example");
    assert_page_str(&f->b_token, "url", "https://status.b.example");
    /* now others may send it back in any spelling, not clear or change it */
    assert_int_equal(set_base_url(&f->b_owner, "\"https://status.b.example//\"", &e), 0);
    memset(&e, 0, sizeof e);
    assert_int_equal(set_base_url(&f->b_token, "\"\"", &e), -1);
    assert_int_equal(e.code, ERR_FORBIDDEN);
    assert_int_equal(set_base_url(&f->cli, "\"\"", &e), 0);
    assert_page_str(&f->b_token, "url", "https://b.test:8443");
    /* the default page: server.base_url itself, whatever its hosts */
    struct app_ctx op_def = f->operator;
    op_def.page_id = f->def;
    assert_int_equal(set_hosts(&op_def, "[\"a.status.example\"]", &e), 0);
    assert_page_str(&op_def, "url", "https://" BASE ":8443");
}

static int woken;
static void on_work(struct app *app)
{
    (void)app;
    woken++;
}

/* PATCH page {"reminder_min": V} as C (V a JSON value's text); returns the result with E. */
static int set_reminder_min(struct app_ctx *c, const char *v, struct err *e)
{
    json_t *value = json_loads(v, JSON_DECODE_ANY, NULL), *out = NULL;
    assert_non_null(value);
    json_t *in = json_pack("{s:O}", "reminder_min", value);
    int rc = app_page_update(c, in, &out, e);
    if (rc == 0) /* the answer shows it */
        assert_int_equal(json_integer_value(json_object_get(out, "reminder_min")),
                         json_integer_value(value));
    json_decref(value);
    json_decref(in);
    json_decref(out);
    return rc;
}

static int64_t reminder_min_of(struct fx *f, int64_t page)
{
    struct err e = {0};
    json_t *p = store_page_get(f->db, page, &e);
    assert_non_null(p);
    int64_t v = json_integer_value(json_object_get(p, "reminder_min"));
    json_decref(p);
    return v;
}

static void reminder_min_is_a_page_setting(void **state)
{
    struct fx *f = *state;
    struct err e = {0};
    assert_int_equal(reminder_min_of(f, f->b), 60); /* the default */
    f->app.on_work = on_work;
    woken = 0;
    assert_int_equal(set_reminder_min(&f->b_token, "0", &e), 0);
    assert_int_equal(reminder_min_of(f, f->b), 0);
    assert_int_equal(woken, 1); /* the scheduler looks at the reminders' times again */
    assert_int_equal(set_reminder_min(&f->b_owner, "10080", &e), 0);
    assert_int_equal(reminder_min_of(f, f->b), 10080);
    assert_int_equal(reminder_min_of(f, f->def), 60); /* the other page keeps its own */
    for (const char *const *v =
             (const char *const[]){"-1", "10081", "1.5", "\"60\"", "null", "true", NULL};
         *v; v++) {
        memset(&e, 0, sizeof e);
        assert_int_equal(set_reminder_min(&f->b_token, *v, &e), -1);
        assert_int_equal(e.code, ERR_INVALID);
        assert_string_equal(e.msg, "reminder_min must be a whole number of minutes from 0 (no "
                                   "maintenance reminders) to 10080 (a week)");
    }
    assert_int_equal(reminder_min_of(f, f->b), 10080); /* refused: nothing changed */
    woken = 0;
    json_t *in = json_pack("{s:s}", "title", "B"), *out = NULL;
    assert_int_equal(app_page_update(&f->b_token, in, &out, &e), 0);
    json_decref(in);
    json_decref(out);
    assert_int_equal(reminder_min_of(f, f->b), 10080); /* another field keeps it */
    assert_int_equal(woken, 0);
}

/* PATCH page IN (JSON text) as C; returns the result with E. */
static int patch(struct app_ctx *c, const char *in_text, struct err *e)
{
    json_t *in = json_loads(in_text, 0, NULL), *out = NULL;
    assert_non_null(in);
    memset(e, 0, sizeof *e);
    int rc = app_page_update(c, in, &out, e);
    json_decref(in);
    json_decref(out);
    return rc;
}

/* The page's "default_language" and "languages" as "de [\"de\",\"en\"]". */
static void assert_languages(struct fx *f, int64_t page, const char *want)
{
    struct err e = {0};
    json_t *p = store_page_get(f->db, page, &e);
    assert_non_null(p);
    char *set = json_dumps(json_object_get(p, "languages"), JSON_COMPACT), got[256];
    snprintf(got, sizeof got, "%s %s", json_string_value(json_object_get(p, "default_language")),
             set);
    assert_string_equal(got, want);
    free(set);
    json_decref(p);
}

static void languages_are_page_settings(void **state)
{
    struct fx *f = *state;
    struct err e = {0};
    assert_languages(f, f->b, "en [\"en\"]"); /* the default */
    assert_int_equal(patch(&f->b_token, "{\"languages\":[\"en\",\"DE\",\"pt-br\",\"ja\"]}", &e), 0);
    assert_languages(f, f->b, "en [\"en\",\"de\",\"pt-BR\",\"ja\"]");
    assert_int_equal(patch(&f->b_token, "{\"default_language\":\"ja\"}", &e), 0);
    assert_languages(f, f->b, "ja [\"en\",\"de\",\"pt-BR\",\"ja\"]");
    /* a new default alone joins the offered set */
    assert_int_equal(patch(&f->b_token, "{\"default_language\":\"fr\"}", &e), 0);
    assert_languages(f, f->b, "fr [\"en\",\"de\",\"pt-BR\",\"ja\",\"fr\"]");
    assert_languages(f, f->def, "en [\"en\"]"); /* the other page keeps its own */
    static const struct {
        const char *in, *msg;
    } bad[] = {
        {"{\"default_language\":\"xx\"}",
         "default_language must be one of en, de, fr, es, pt-BR, ja"},
        {"{\"default_language\":7}", "default_language must be one of en, de, fr, es, pt-BR, ja"},
        {"{\"languages\":[]}",
         "languages must be a non-empty array of language tags (en, de, fr, es, "
         "pt-BR, ja)"},
        {"{\"languages\":\"de\"}", "languages must be a non-empty array of language tags (en, de, "
                                   "fr, es, pt-BR, ja)"},
        {"{\"languages\":[\"fr\",\"pt\"]}", "languages[1] is not one of en, de, fr, es, pt-BR, ja"},
        {"{\"languages\":[\"fr\",\"FR\"]}", "languages lists fr twice"},
        {"{\"languages\":[\"de\"]}", "languages must include the default_language (fr)"},
        {"{\"default_language\":\"de\",\"languages\":[\"en\"]}",
         "languages must include the default_language (de)"},
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        assert_int_equal(patch(&f->b_token, bad[i].in, &e), -1);
        assert_int_equal(e.code, ERR_INVALID);
        assert_string_equal(e.msg, bad[i].msg);
    }
    assert_languages(f, f->b, "fr [\"en\",\"de\",\"pt-BR\",\"ja\",\"fr\"]"); /* nothing changed */
    assert_int_equal(patch(&f->b_token, "{\"default_language\":\"de\",\"languages\":[\"de\"]}", &e),
                     0);
    assert_languages(f, f->b, "de [\"de\"]");
    assert_int_equal(patch(&f->b_token, "{\"title\":\"B\"}", &e), 0); /* another field keeps them */
    assert_languages(f, f->b, "de [\"de\"]");
}

#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)

int main(void)
{
    const struct CMUnitTest tests[] = {
        T(hosts_are_stored_in_normal_form),
        T(only_the_operator_changes_hosts),
        T(a_taken_host_is_a_conflict_naming_its_page),
        T(the_base_url_host_belongs_to_the_default_page),
        T(only_the_operator_sets_base_url),
        T(reminder_min_is_a_page_setting),
        T(languages_are_page_settings),
    };
    return cmocka_run_group_tests_name("app/pages", tests, NULL, NULL);
}
