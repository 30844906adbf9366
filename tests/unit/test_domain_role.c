/*
 * Unit tests for domain/role (SPEC §8): role names parse and print, unknown
 * roles are refused, and the whole permission table — owner: everything;
 * admin: everything but removing or demoting owners; editor: reading and
 * content (services, groups, incidents, maintenance, templates); viewer: read
 * only — checked cell by cell, plus that the roles are ordered by power.
 */
#include "domain/role.h"
#include "testutil.h"

static void role_names_round_trip(void **state)
{
    (void)state;
    static const struct {
        enum role r;
        const char *name;
    } all[] = {{ROLE_VIEWER, "viewer"},
               {ROLE_EDITOR, "editor"},
               {ROLE_ADMIN, "admin"},
               {ROLE_OWNER, "owner"}};
    for (size_t i = 0; i < sizeof all / sizeof all[0]; i++) {
        enum role r = (enum role) - 1;
        assert_int_equal(role_parse(all[i].name, &r), 0);
        assert_int_equal(r, all[i].r);
        assert_string_equal(role_name(all[i].r), all[i].name);
    }
}

static void unknown_roles_are_refused(void **state)
{
    (void)state;
    enum role r = ROLE_EDITOR;
    assert_int_equal(role_parse("", &r), -1);
    assert_int_equal(role_parse("root", &r), -1);
    assert_int_equal(role_parse("superadmin", &r), -1);
    assert_int_equal(role_parse("owners", &r), -1);
    assert_int_equal(r, ROLE_EDITOR);
    assert_string_equal(role_name((enum role)42), "viewer");
}

enum { NPERM = PERM_OWNERS + 1 };

static const char *perm_names[NPERM] = {"read",     "content", "subscribers",
                                        "settings", "team",    "owners"};

static void check(enum role r, const bool want[NPERM])
{
    for (int p = 0; p < NPERM; p++)
        if (role_allows(r, (enum perm)p) != want[p])
            fail_msg("%s should %s %s", role_name(r), want[p] ? "have" : "not have", perm_names[p]);
}

static void owner_may_do_everything(void **state)
{
    (void)state;
    static const bool want[NPERM] = {1, 1, 1, 1, 1, 1};
    check(ROLE_OWNER, want);
}

static void admin_may_do_all_but_remove_owners(void **state)
{
    (void)state;
    static const bool want[NPERM] = {1, 1, 1, 1, 1, 0};
    check(ROLE_ADMIN, want);
}

static void editor_may_read_and_edit_content_only(void **state)
{
    (void)state;
    static const bool want[NPERM] = {1, 1, 0, 0, 0, 0};
    check(ROLE_EDITOR, want);
}

static void viewer_may_only_read(void **state)
{
    (void)state;
    static const bool want[NPERM] = {1, 0, 0, 0, 0, 0};
    check(ROLE_VIEWER, want);
}

static void a_stronger_role_has_every_permission_of_a_weaker_one(void **state)
{
    (void)state;
    for (int weak = ROLE_VIEWER; weak <= ROLE_OWNER; weak++)
        for (int strong = weak; strong <= ROLE_OWNER; strong++)
            for (int p = 0; p < NPERM; p++)
                if (role_allows((enum role)weak, (enum perm)p))
                    assert_true(role_allows((enum role)strong, (enum perm)p));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(role_names_round_trip),
        cmocka_unit_test(unknown_roles_are_refused),
        cmocka_unit_test(owner_may_do_everything),
        cmocka_unit_test(admin_may_do_all_but_remove_owners),
        cmocka_unit_test(editor_may_read_and_edit_content_only),
        cmocka_unit_test(viewer_may_only_read),
        cmocka_unit_test(a_stronger_role_has_every_permission_of_a_weaker_one),
    };
    return cmocka_run_group_tests_name("domain/role", tests, NULL, NULL);
}
