/*
 * Unit tests for app/team against a real database: invitations (one use,
 * existing accounts must prove their password), role rules (only owners touch
 * owners, a page keeps an owner, viewers and editors manage nobody).
 */
#include "app/pages.h"
#include "app/team.h"
#include "app/users.h"
#include "core/timeutil.h"
#include "testutil.h"

struct fx {
    char dir[64];
    struct db *db;
    struct config cfg;
    struct app app;
    struct app_ctx owner;
    int64_t owner_id;
};

static int setup(void **state)
{
    struct fx *f = calloc(1, sizeof *f);
    struct err e = {0};
    secret_init();
    f->db = test_db_open(f->dir);
    config_init(&f->cfg);
    f->app.cfg = &f->cfg;
    struct app_ctx c = {
        .app = &f->app, .db = f->db, .actor = {.kind = ACTOR_CLI, .role = ROLE_OWNER}};
    if (!f->db || app_page_ensure_default(&c, &e) != 0 ||
        app_page_resolve(&f->app, f->db, "", &c.page_id, &e) != 0 ||
        app_user_add(&c, "owner@example.com", "", "owner", "password-1", &f->owner_id, &e) != 0)
        return -1;
    f->owner = c;
    f->owner.actor = (struct actor){.kind = ACTOR_USER, .id = f->owner_id, .role = ROLE_OWNER};
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    struct fx *f = *state;
    time_set_offset(0);
    test_db_close(f->db, f->dir);
    config_free(&f->cfg);
    free(f);
    return 0;
}

static int64_t member(struct fx *f, const char *email, const char *role)
{
    struct err e = {0};
    int64_t id = 0;
    assert_int_equal(app_user_add(&f->owner, email, "", role, "password-9", &id, &e), 0);
    return id;
}

static void an_invitation_works_once(void **state)
{
    struct fx *f = *state;
    struct err e = {0};
    char *tok = NULL;
    json_t *inv = NULL;
    int64_t uid, pid;
    assert_int_equal(app_invite_create(&f->owner, "owner@example.com", "editor", &tok, &e), -1);
    assert_int_equal(e.code, ERR_CONFLICT); /* already a member */
    assert_int_equal(app_invite_create(&f->owner, "New@Example.com", "editor", &tok, &e), 0);
    assert_int_equal(app_invite_get(f->db, tok, &inv, &e), 0);
    assert_string_equal(json_string_value(json_object_get(inv, "email")), "new@example.com");
    assert_false(json_is_true(json_object_get(inv, "existing")));
    json_decref(inv);
    assert_int_equal(app_invite_accept(&f->app, f->db, tok, "New", "short", &uid, &pid, &e), -1);
    assert_int_equal(e.code, ERR_INVALID);
    assert_int_equal(app_invite_accept(&f->app, f->db, tok, "New", "password-3", &uid, &pid, &e),
                     0);
    assert_int_equal(pid, f->owner.page_id);
    assert_int_equal(app_invite_accept(&f->app, f->db, tok, "New", "password-3", &uid, &pid, &e),
                     -1);
    assert_int_equal(e.code, ERR_NOT_FOUND);
    assert_int_equal(app_invite_get(f->db, "inv_nothing", &inv, &e), -1);
    free(tok);
}

static void invitations_expire_and_existing_accounts_prove_their_password(void **state)
{
    struct fx *f = *state;
    struct err e = {0};
    char *tok = NULL;
    int64_t uid, pid;
    assert_int_equal(app_invite_create(&f->owner, "late@example.com", "viewer", &tok, &e), 0);
    time_set_offset(INVITE_TTL_S + 1);
    assert_int_equal(app_invite_accept(&f->app, f->db, tok, "", "password-3", &uid, &pid, &e), -1);
    assert_int_equal(e.code, ERR_NOT_FOUND);
    time_set_offset(0);
    free(tok);

    /* an account of another page joins with its own password only */
    struct app_ctx other = f->owner;
    int64_t other_page = 0;
    struct app_ctx cli = {
        .app = &f->app, .db = f->db, .actor = {.kind = ACTOR_CLI, .role = ROLE_OWNER}};
    assert_int_equal(app_page_create(&cli, "other", "Other", NULL, &other_page, &e), 0);
    other.page_id = other_page;
    assert_int_equal(app_invite_create(&other, "owner@example.com", "admin", &tok, &e), 0);
    assert_int_equal(app_invite_accept(&f->app, f->db, tok, "", "not-my-password", &uid, &pid, &e),
                     -1);
    assert_int_equal(app_invite_accept(&f->app, f->db, tok, "", "password-1", &uid, &pid, &e), 0);
    assert_int_equal(uid, f->owner_id);
    assert_int_equal(pid, other_page);
    free(tok);
}

static void owners_are_protected(void **state)
{
    struct fx *f = *state;
    struct err e = {0};
    char *tok = NULL;
    int64_t admin = member(f, "admin@example.com", "admin");
    int64_t editor = member(f, "editor@example.com", "editor");
    struct app_ctx as_admin = f->owner, as_editor = f->owner;
    as_admin.actor = (struct actor){.kind = ACTOR_USER, .id = admin, .role = ROLE_ADMIN};
    as_editor.actor = (struct actor){.kind = ACTOR_USER, .id = editor, .role = ROLE_EDITOR};

    assert_int_equal(app_member_set_role(&as_admin, f->owner_id, "viewer", &e), -1);
    assert_int_equal(e.code, ERR_FORBIDDEN);
    assert_int_equal(app_member_remove(&as_admin, f->owner_id, &e), -1);
    assert_int_equal(e.code, ERR_FORBIDDEN);
    assert_int_equal(app_member_set_role(&as_admin, editor, "owner", &e), -1);
    assert_int_equal(app_invite_create(&as_admin, "x@example.com", "owner", &tok, &e), -1);
    assert_int_equal(app_member_set_role(&as_admin, editor, "viewer", &e), 0);
    assert_int_equal(app_member_set_role(&as_editor, admin, "viewer", &e), -1);
    assert_int_equal(e.code, ERR_FORBIDDEN);
    assert_int_equal(app_member_set_role(&f->owner, f->owner_id, "admin", &e), -1);
    assert_int_equal(e.code, ERR_CONFLICT); /* the last owner */
    assert_int_equal(app_member_set_role(&f->owner, admin, "owner", &e), 0);
    assert_int_equal(app_member_set_role(&f->owner, f->owner_id, "admin", &e), 0);
    assert_int_equal(app_member_remove(&as_admin, 999, &e), -1);
    assert_int_equal(e.code, ERR_NOT_FOUND);
    json_t *team = NULL;
    assert_int_equal(app_team_list(&as_editor, &team, &e), -1);
    assert_int_equal(app_team_list(&f->owner, &team, &e), 0);
    assert_int_equal(json_array_size(json_object_get(team, "members")), 3);
    json_decref(team);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(an_invitation_works_once, setup, teardown),
        cmocka_unit_test_setup_teardown(
            invitations_expire_and_existing_accounts_prove_their_password, setup, teardown),
        cmocka_unit_test_setup_teardown(owners_are_protected, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
