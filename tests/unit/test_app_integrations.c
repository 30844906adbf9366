/*
 * Unit tests for app/integrations against a real database: the kinds are the channels
 * of domain/channel.h's table with a form, listed in its order, each unconfigured at
 * first; the chat services (Slack, Teams, Discord, Google Chat) keep their webhook URL
 * sealed (never in the view, never in clear in the row) and hand it to the dispatcher;
 * enabling one needs its URL; a private URL is refused unless
 * security.allow_private_targets; an unknown kind is a 404 naming the kinds; a
 * refused write changes nothing; only PERM_SETTINGS may read or write.
 */
#include "app/integrations.h"
#include "core/timeutil.h"
#include "domain/channel.h"
#include "store/pages.h"
#include "testutil.h"
#include <sodium.h>

struct fx {
    char dir[64];
    struct db *db;
    struct config cfg;
    struct app app;
    struct app_ctx c;
};

static int setup(void **state)
{
    struct fx *f = calloc(1, sizeof *f);
    struct err e = {0};
    if (sodium_init() < 0 || !(f->db = test_db_open(f->dir))) return -1;
    randombytes_buf(f->app.key, sizeof f->app.key);
    f->app.cfg = &f->cfg;
    int64_t page = store_page_insert(f->db, "default", "Status", &e);
    if (page <= 0) return -1;
    f->c = (struct app_ctx){.app = &f->app,
                            .db = f->db,
                            .page_id = page,
                            .actor = {.kind = ACTOR_USER, .id = 1, .role = ROLE_OWNER}};
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    struct fx *f = *state;
    test_db_close(f->db, f->dir);
    free(f);
    return 0;
}

static const char *str(json_t *o, const char *k)
{
    const char *s = json_string_value(json_object_get(o, k));
    return s ? s : "";
}

static void every_kind_is_listed_in_table_order(void **state)
{
    struct fx *f = *state;
    struct err e = {0};
    json_t *out = NULL;
    static const char *const want[] = {"slack", "twitter", "webhook",
                                       "teams", "discord", "googlechat"};
    assert_int_equal(app_integrations_list(&f->c, &out, &e), 0);
    json_t *list = json_object_get(out, "integrations");
    assert_int_equal(json_array_size(list), sizeof want / sizeof want[0]);
    for (size_t i = 0; i < sizeof want / sizeof want[0]; i++) {
        json_t *it = json_array_get(list, i);
        assert_string_equal(str(it, "kind"), want[i]);
        assert_false(json_is_true(json_object_get(it, "enabled")));
        assert_false(json_is_true(json_object_get(it, "configured")));
    }
    json_decref(out);
}

static void a_chat_service_keeps_its_url_sealed(void **state)
{
    struct fx *f = *state;
    static const char *const kinds[] = {"teams", "discord", "googlechat"};
    for (size_t i = 0; i < 3; i++) {
        struct err e = {0};
        json_t *out = NULL, *cfg = NULL;
        char url[160];
        bool enabled = false;
        snprintf(url, sizeof url, "https://chat.example.com/hook/%s/TOKEN-secret-42", kinds[i]);
        json_t *in = json_pack("{s:b, s:s}", "enabled", 1, "webhook_url", url);
        assert_int_equal(app_integration_put(&f->c, kinds[i], in, &out, &e), 0);
        json_decref(in);
        assert_true(json_is_true(json_object_get(out, "enabled")));
        assert_true(json_is_true(json_object_get(out, "configured")));
        assert_true(json_is_true(json_object_get(out, "webhook_url_set")));
        char *view = json_dumps(out, 0);
        assert_null(strstr(view, "TOKEN-secret"));
        free(view);
        json_decref(out);
        int64_t sealed = -1, clear = -1;
        assert_true(db_query_int(f->db, &e, &sealed,
                                 "SELECT COUNT(*) FROM integrations WHERE page_id = ? AND kind = ? "
                                 "AND secret IS NOT NULL AND config = '{}'",
                                 "is", f->c.page_id, kinds[i]) >= 0);
        assert_true(db_query_int(f->db, &e, &clear,
                                 "SELECT COUNT(*) FROM integrations WHERE config || secret "
                                 "LIKE '%TOKEN-secret%'",
                                 NULL) >= 0);
        assert_int_equal(sealed, 1);
        assert_int_equal(clear, 0);
        struct app_ctx sys = f->c;
        sys.actor = (struct actor){.kind = ACTOR_SYSTEM};
        assert_int_equal(app_integration_load(&sys, kinds[i], &enabled, &cfg, &e), 0);
        assert_true(enabled);
        assert_string_equal(str(cfg, "webhook_url"), url);
        json_decref(cfg);
    }
}

static void enabling_needs_a_url_and_refusals_change_nothing(void **state)
{
    struct fx *f = *state;
    struct err e = {0};
    json_t *out = NULL;
    json_t *in = json_pack("{s:b}", "enabled", 1);
    assert_int_equal(app_integration_put(&f->c, "discord", in, &out, &e), -1);
    assert_int_equal(e.code, ERR_INVALID);
    assert_non_null(strstr(e.msg, "webhook_url is required while the discord integration"));
    json_decref(in);
    memset(&e, 0, sizeof e);
    in = json_pack("{s:b, s:s}", "enabled", 1, "webhook_url", "http://10.0.0.7/hook");
    assert_int_equal(app_integration_put(&f->c, "googlechat", in, &out, &e), -1);
    assert_int_equal(e.code, ERR_INVALID);
    assert_non_null(strstr(e.msg, "allow_private_targets"));
    json_decref(in);
    memset(&e, 0, sizeof e);
    in = json_pack("{s:b, s:s}", "enabled", 1, "webhook_url", "ftp://chat.example.com/");
    assert_int_equal(app_integration_put(&f->c, "teams", in, &out, &e), -1);
    json_decref(in);
    memset(&e, 0, sizeof e);
    in = json_pack("{s:b, s:s}", "enabled", 1, "url", "https://chat.example.com/");
    assert_int_equal(app_integration_put(&f->c, "teams", in, &out, &e), -1); /* not its field */
    json_decref(in);
    int64_t n = -1;
    memset(&e, 0, sizeof e);
    assert_int_equal(db_query_int(f->db, &e, &n, "SELECT COUNT(*) FROM integrations", NULL), 1);
    assert_int_equal(n, 0);
    /* with private targets allowed, the same URL is taken */
    f->cfg.allow_private_targets = true;
    in = json_pack("{s:b, s:s}", "enabled", 1, "webhook_url", "http://10.0.0.7/hook");
    assert_int_equal(app_integration_put(&f->c, "googlechat", in, &out, &e), 0);
    json_decref(in);
    json_decref(out);
}

static void unknown_kinds_are_a_404_naming_the_kinds(void **state)
{
    struct fx *f = *state;
    struct err e = {0};
    json_t *out = NULL;
    assert_int_equal(app_integration_get(&f->c, "email", &out, &e), -1);
    assert_int_equal(e.code, ERR_NOT_FOUND);
    assert_string_equal(e.msg, "no integration \"email\"; the integrations are slack, twitter, "
                               "webhook, teams, discord and googlechat");
    memset(&e, 0, sizeof e);
    json_t *in = json_pack("{s:b}", "enabled", 0);
    assert_int_equal(app_integration_put(&f->c, "msteams", in, &out, &e), -1);
    assert_int_equal(e.code, ERR_NOT_FOUND);
    json_decref(in);
}

static void only_settings_may_touch_them(void **state)
{
    struct fx *f = *state;
    struct err e = {0};
    json_t *out = NULL;
    struct app_ctx viewer = f->c;
    viewer.actor.role = ROLE_VIEWER;
    assert_int_equal(app_integrations_list(&viewer, &out, &e), -1);
    assert_int_equal(e.code, ERR_FORBIDDEN);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(every_kind_is_listed_in_table_order, setup, teardown),
        cmocka_unit_test_setup_teardown(a_chat_service_keeps_its_url_sealed, setup, teardown),
        cmocka_unit_test_setup_teardown(enabling_needs_a_url_and_refusals_change_nothing, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(unknown_kinds_are_a_404_naming_the_kinds, setup, teardown),
        cmocka_unit_test_setup_teardown(only_settings_may_touch_them, setup, teardown),
    };
    return cmocka_run_group_tests_name("app/integrations", tests, NULL, NULL);
}
