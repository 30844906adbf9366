/*
 * Unit tests for app/page_access against a real database (SPEC §16): PATCH page's
 * visibility, password and ip_allow — bad input is a 400 saying what is wrong and changes
 * nothing; the password is stored as an Argon2id hash, never as given; blocks are kept in
 * normal form; leaving "public" makes a read key, shown to admins and not to editors, and
 * a rotation replaces it. Visitors: the right page password gives an access cookie that
 * checks against the page's fingerprint, a wrong one is a 401, five wrong ones from one
 * address make even the right one a 429 for that address only, and a page that asks for
 * no password is a 409; a console session opens a page only to members of that page.
 */
#include "app/page_access.h"
#include "app/pages.h"
#include "app/sessions.h"
#include "app/users.h"
#include "core/log.h"
#include "core/timeutil.h"
#include "store/page_access.h"
#include "store/pages.h"
#include "testutil.h"
#include <string.h>

struct fx {
    char dir[64];
    struct db *db;
    struct config cfg;
    struct app app;
    struct app_ctx cli, admin, editor;
    int64_t def, b;
    int64_t editor_uid;
};

static int setup(void **state)
{
    struct fx *f = calloc(1, sizeof *f);
    struct err e = {0};
    log_set_level(LOG_WARN);
    secret_init();
    f->db = test_db_open(f->dir);
    config_init(&f->cfg);
    f->cfg.base_url = strdup("https://status.example.com");
    f->app.cfg = &f->cfg;
    f->cli = (struct app_ctx){.app = &f->app, .db = f->db, .actor = {.kind = ACTOR_CLI}};
    if (!f->db || app_page_ensure_default(&f->cli, &e) != 0) return -1;
    f->def = store_page_default(f->db, &e);
    json_t *none = json_array();
    if (app_page_create(&f->cli, "b", "Bee", none, &f->b, &e) != 0) return -1;
    json_decref(none);
    f->cli.page_id = f->def;
    f->admin = f->cli;
    f->admin.actor = (struct actor){.kind = ACTOR_TOKEN, .id = 1, .role = ROLE_ADMIN};
    if (app_user_add(&f->cli, "ed@example.com", "Ed", "editor", "password-1", false, &f->editor_uid,
                     &e) != 0)
        fail_msg("user: %s", e.msg);
    f->editor = f->cli;
    f->editor.actor = (struct actor){.kind = ACTOR_USER, .id = f->editor_uid, .role = ROLE_EDITOR};
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

/* PATCH page with the JSON text BODY as C: the result, E filled. */
static int patch(struct app_ctx *c, const char *body, struct err *e)
{
    json_t *in = json_loads(body, 0, NULL), *out = NULL;
    assert_non_null(in);
    int rc = app_page_update(c, in, &out, e);
    json_decref(in);
    json_decref(out);
    return rc;
}

static json_t *access_of(struct fx *f, int64_t page)
{
    struct err e = {0};
    json_t *a = store_page_access_get(f->db, page, &e);
    assert_non_null(a);
    return a;
}

static void bad_settings_are_400s_that_change_nothing(void **state)
{
    struct fx *f = *state;
    static const struct {
        const char *body, *says;
    } bad[] = {
        {"{\"visibility\":\"secret\"}", "unknown visibility \"secret\""},
        {"{\"visibility\":\"password\"}", "needs a password"},
        {"{\"visibility\":\"password\",\"password\":\"1234567\"}", "at least 8 characters"},
        {"{\"visibility\":\"ip\"}", "needs the address blocks"},
        {"{\"visibility\":\"ip\",\"ip_allow\":[\"10.0.0.1/8\"]}", "did you mean 10.0.0.0/8?"},
        {"{\"visibility\":\"ip\",\"ip_allow\":[7]}", "ip_allow entries must be strings"},
        {"{\"ip_allow\":{}}", "ip_allow must be an array"},
        {"{\"visibility\":\"sso\"}", "needs OpenID Connect"},
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        struct err e = {0};
        assert_int_equal(patch(&f->admin, bad[i].body, &e), -1);
        assert_int_equal(e.code, ERR_INVALID);
        if (!strstr(e.msg, bad[i].says)) fail_msg("%s: %s", bad[i].body, e.msg);
    }
    json_t *a = access_of(f, f->def);
    assert_string_equal(json_string_value(json_object_get(a, "visibility")), "public");
    assert_true(json_is_null(json_object_get(a, "access_password")));
    assert_true(json_is_null(json_object_get(a, "read_key")));
    json_decref(a);
    struct err e = {0};
    assert_int_equal(patch(&f->editor, "{\"visibility\":\"members\"}", &e), -1);
    assert_int_equal(e.code, ERR_FORBIDDEN);
}

static void settings_are_stored_hashed_and_normalised_with_a_read_key(void **state)
{
    struct fx *f = *state;
    struct err e = {0};
    assert_int_equal(patch(&f->admin,
                           "{\"visibility\":\"password\",\"password\":\"correct horse\","
                           "\"ip_allow\":[\"2001:DB8:0::/32\",\"192.0.2.9\"]}",
                           &e),
                     0);
    json_t *a = access_of(f, f->def);
    char hash[256];
    assert_non_null(json_string_value(json_object_get(a, "access_password")));
    snprintf(hash, sizeof hash, "%s", json_string_value(json_object_get(a, "access_password")));
    assert_null(strstr(hash, "correct horse"));
    assert_true(secret_password_verify(hash, "correct horse"));
    char *blocks = json_dumps(json_object_get(a, "ip_allow"), JSON_COMPACT);
    assert_string_equal(blocks, "[\"2001:db8::/32\",\"192.0.2.9/32\"]");
    free(blocks);
    const char *key = json_string_value(json_object_get(a, "read_key"));
    assert_non_null(key);
    assert_int_equal(strncmp(key, "rk_", 3), 0);
    char first[READ_KEY_MAX];
    snprintf(first, sizeof first, "%s", key);

    /* the page JSON: admins see the key, editors do not; nobody sees the hash */
    json_t *p = NULL;
    assert_int_equal(app_page_get(&f->admin, &p, &e), 0);
    assert_string_equal(json_string_value(json_object_get(p, "read_key")), first);
    assert_true(json_is_true(json_object_get(p, "has_password")));
    assert_null(json_object_get(p, "access_password"));
    json_decref(p);
    assert_int_equal(app_page_get(&f->editor, &p, &e), 0);
    assert_null(json_object_get(p, "read_key"));
    assert_string_equal(json_string_value(json_object_get(p, "visibility")), "password");
    json_decref(p);

    /* another visibility keeps the password and the key; a rotation replaces the key */
    assert_int_equal(patch(&f->admin, "{\"visibility\":\"members\"}", &e), 0);
    json_decref(a);
    a = access_of(f, f->def);
    assert_string_equal(json_string_value(json_object_get(a, "access_password")), hash);
    assert_string_equal(json_string_value(json_object_get(a, "read_key")), first);
    json_t *out = NULL;
    assert_int_equal(app_page_read_key_rotate(&f->editor, &out, &e), -1);
    assert_int_equal(e.code, ERR_FORBIDDEN);
    assert_int_equal(app_page_read_key_rotate(&f->admin, &out, &e), 0);
    assert_string_not_equal(json_string_value(json_object_get(out, "read_key")), first);
    json_decref(out);
    json_decref(a);
}

static void the_page_password_opens_with_a_cookie_under_the_limits(void **state)
{
    struct fx *f = *state;
    struct err e = {0};
    char cookie[PAGE_ACCESS_COOKIE_MAX], fp[PAGE_ACCESS_FP_MAX];
    assert_int_equal(app_page_password_enter(&f->app, f->db, f->def, "x", "192.0.2.1", cookie, &e),
                     -1);
    assert_int_equal(e.code, ERR_CONFLICT);
    assert_int_equal(
        patch(&f->admin, "{\"visibility\":\"password\",\"password\":\"open sesame\"}", &e), 0);
    json_t *a = access_of(f, f->def);
    page_access_fingerprint(json_string_value(json_object_get(a, "access_password")), fp);
    json_decref(a);
    assert_int_equal(
        app_page_password_enter(&f->app, f->db, f->def, "open sesame", "192.0.2.1", cookie, &e), 0);
    assert_true(page_access_cookie_ok(f->app.key, f->def, fp, cookie, time_now()));
    assert_false(page_access_cookie_ok(f->app.key, f->b, fp, cookie, time_now()));

    for (int i = 0; i < LOGIN_PER_ACCOUNT; i++) {
        struct err w = {0};
        assert_int_equal(
            app_page_password_enter(&f->app, f->db, f->def, "guess", "192.0.2.66", cookie, &w), -1);
        assert_int_equal(w.code, ERR_UNAUTHORIZED);
        assert_string_equal(w.msg, "wrong password");
    }
    struct err late = {0};
    assert_int_equal(
        app_page_password_enter(&f->app, f->db, f->def, "open sesame", "192.0.2.66", cookie, &late),
        -1);
    assert_int_equal(late.code, ERR_RATE_LIMITED);
    assert_int_equal(
        app_page_password_enter(&f->app, f->db, f->def, "open sesame", "192.0.2.2", cookie, &e), 0);
}

static void only_members_of_the_page_are_members(void **state)
{
    struct fx *f = *state;
    struct err e = {0};
    char *session = NULL;
    bool yes = true;
    assert_int_equal(app_page_member(&f->app, f->db, NULL, f->def, &yes, &e), 0);
    assert_false(yes);
    assert_int_equal(app_page_member(&f->app, f->db, "ses_nonsense", f->def, &yes, &e), 0);
    assert_false(yes);
    assert_int_equal(app_session_create(&f->app, f->db, f->editor_uid, f->def, &session, &e), 0);
    assert_int_equal(app_page_member(&f->app, f->db, session, f->def, &yes, &e), 0);
    assert_true(yes);
    assert_int_equal(app_page_member(&f->app, f->db, session, f->b, &yes, &e), 0);
    assert_false(yes);
    free(session);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(bad_settings_are_400s_that_change_nothing, setup, teardown),
        cmocka_unit_test_setup_teardown(settings_are_stored_hashed_and_normalised_with_a_read_key,
                                        setup, teardown),
        cmocka_unit_test_setup_teardown(the_page_password_opens_with_a_cookie_under_the_limits,
                                        setup, teardown),
        cmocka_unit_test_setup_teardown(only_members_of_the_page_are_members, setup, teardown),
    };
    return cmocka_run_group_tests_name("app/page_access", tests, NULL, NULL);
}
