/*
 * Unit tests for app/team against a real database: invitations (e-mailed only,
 * one use, existing accounts prove their password under the sign-in limits, the
 * invitation says nothing about whether an account exists), `user add` on an
 * existing account, role rules (only owners touch owners, a page keeps an owner,
 * viewers and editors manage nobody).
 */
#include "app/pages.h"
#include "app/sessions.h"
#include "app/team.h"
#include "app/users.h"
#include "core/timeutil.h"
#include "store/team.h"
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
    f->cfg.smtp_url = strdup("smtp://127.0.0.1:1");
    f->app.cfg = &f->cfg;
    struct app_ctx c = {
        .app = &f->app, .db = f->db, .actor = {.kind = ACTOR_CLI, .role = ROLE_OWNER}};
    if (!f->db || app_page_ensure_default(&c, &e) != 0 ||
        app_page_resolve(&f->app, f->db, "", &c.page_id, &e) != 0 ||
        app_user_add(&c, "owner@example.com", "", "owner", "password-1", false, &f->owner_id, &e) !=
            0)
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
    assert_int_equal(app_user_add(&f->owner, email, "", role, "password-9", false, &id, &e), 0);
    return id;
}

/* The link token of invitation ID, as the mailer derives it (caller frees). */
static char *token_of(struct fx *f, int64_t id)
{
    struct err e = {0};
    json_t *inv = store_invitation_mail(f->db, id, &e);
    assert_non_null(inv);
    char *out = malloc(INVITE_TOKEN_MAX);
    app_invite_token(f->app.key, json_integer_value(json_object_get(inv, "page_id")), id,
                     json_integer_value(json_object_get(inv, "expires")), out);
    json_decref(inv);
    return out;
}

/* Invites EMAIL as ROLE on AS's page; returns the link token (caller frees). */
static char *invite(struct fx *f, struct app_ctx *as, const char *email, const char *role)
{
    struct err e = {0};
    int64_t id = 0;
    assert_int_equal(app_invite_create(as, email, role, &id, &e), 0);
    return token_of(f, id);
}

static int64_t count(struct fx *f, const char *sql)
{
    struct err e = {0};
    int64_t n = -1;
    assert_true(db_query_int(f->db, &e, &n, sql, NULL) >= 0);
    return n;
}

static void an_invitation_works_once(void **state)
{
    struct fx *f = *state;
    struct err e = {0};
    json_t *inv = NULL;
    int64_t uid, pid, id;
    assert_int_equal(app_invite_create(&f->owner, "owner@example.com", "editor", &id, &e), -1);
    assert_int_equal(e.code, ERR_CONFLICT); /* already a member */
    char *tok = invite(f, &f->owner, "New@Example.com", "editor");
    assert_int_equal(count(f, "SELECT COUNT(*) FROM deliveries WHERE kind = 'invitation'"), 1);
    assert_int_equal(app_invite_get(f->db, tok, &inv, &e), 0);
    assert_string_equal(json_string_value(json_object_get(inv, "email")), "new@example.com");
    json_decref(inv);
    assert_int_equal(
        app_invite_accept(&f->app, f->db, tok, "New", "short", "1.1.1.1", &uid, &pid, &e), -1);
    assert_int_equal(e.code, ERR_INVALID);
    assert_int_equal(
        app_invite_accept(&f->app, f->db, tok, "New", "password-3", "1.1.1.1", &uid, &pid, &e), 0);
    assert_int_equal(pid, f->owner.page_id);
    assert_int_equal(
        app_invite_accept(&f->app, f->db, tok, "New", "password-3", "1.1.1.1", &uid, &pid, &e), -1);
    assert_int_equal(e.code, ERR_NOT_FOUND);
    assert_int_equal(app_invite_get(f->db, "inv_nothing", &inv, &e), -1);
    /* a token of another id, or of the same id under another key, opens nothing */
    tok[4] = tok[4] == '9' ? '8' : '9';
    assert_int_equal(app_invite_get(f->db, tok, &inv, &e), -1);
    free(tok);
}

static void invitations_need_email_and_say_nothing_of_accounts(void **state)
{
    struct fx *f = *state;
    struct err e = {0};
    int64_t id;
    char *url = f->cfg.smtp_url;
    f->cfg.smtp_url = NULL;
    assert_int_equal(app_invite_create(&f->owner, "x@example.com", "viewer", &id, &e), -1);
    assert_int_equal(e.code, ERR_CONFLICT);
    assert_non_null(strstr(e.msg, "email.smtp_url"));
    f->cfg.smtp_url = url;
    assert_int_equal(count(f, "SELECT COUNT(*) FROM invitations"), 0);

    /* the invitation of an existing account and of a new one have the same keys */
    struct app_ctx cli = {
        .app = &f->app, .db = f->db, .actor = {.kind = ACTOR_CLI, .role = ROLE_OWNER}};
    struct app_ctx other = f->owner;
    assert_int_equal(app_page_create(&cli, "other", "Other", NULL, &other.page_id, &e), 0);
    char *t1 = invite(f, &other, "owner@example.com", "admin");
    char *t2 = invite(f, &other, "fresh@example.com", "admin");
    json_t *a = NULL, *b = NULL;
    assert_int_equal(app_invite_get(f->db, t1, &a, &e), 0);
    assert_int_equal(app_invite_get(f->db, t2, &b, &e), 0);
    assert_int_equal(json_object_size(a), json_object_size(b));
    const char *k;
    json_t *v;
    json_object_foreach(a, k, v) assert_non_null(json_object_get(b, k));
    assert_null(json_object_get(a, "existing"));
    json_decref(a);
    json_decref(b);
    free(t1);
    free(t2);
}

static void invitations_expire_and_existing_accounts_prove_their_password(void **state)
{
    struct fx *f = *state;
    struct err e = {0};
    int64_t uid, pid;
    char *tok = invite(f, &f->owner, "late@example.com", "viewer");
    time_set_offset(INVITE_TTL_S + 1);
    assert_int_equal(
        app_invite_accept(&f->app, f->db, tok, "", "password-3", "1.1.1.1", &uid, &pid, &e), -1);
    assert_int_equal(e.code, ERR_NOT_FOUND);
    time_set_offset(0);
    free(tok);

    /* an account of another page joins with its own password only, and guessing it is
     * throttled like a sign-in: past the limit even the right password is refused */
    struct app_ctx other = f->owner;
    int64_t other_page = 0;
    struct app_ctx cli = {
        .app = &f->app, .db = f->db, .actor = {.kind = ACTOR_CLI, .role = ROLE_OWNER}};
    assert_int_equal(app_page_create(&cli, "other", "Other", NULL, &other_page, &e), 0);
    other.page_id = other_page;
    tok = invite(f, &other, "owner@example.com", "admin");
    for (int i = 0; i < LOGIN_PER_ACCOUNT; i++) {
        e = (struct err){0};
        assert_int_equal(app_invite_accept(&f->app, f->db, tok, "", "not-my-password", "2.2.2.2",
                                           &uid, &pid, &e),
                         -1);
        assert_int_equal(e.code, ERR_INVALID);
    }
    assert_int_equal(
        app_invite_accept(&f->app, f->db, tok, "", "password-1", "3.3.3.3", &uid, &pid, &e), -1);
    assert_int_equal(e.code, ERR_RATE_LIMITED);
    /* the same budget as the sign-in form */
    char *cookie = NULL;
    assert_int_equal(app_login(&f->app, f->db, f->owner.page_id, "owner@example.com", "password-1",
                               "4.4.4.4", &cookie, &e),
                     -1);
    assert_int_equal(e.code, ERR_RATE_LIMITED);
    time_set_offset(LOGIN_WINDOW_S + 1);
    assert_int_equal(
        app_invite_accept(&f->app, f->db, tok, "", "password-1", "3.3.3.3", &uid, &pid, &e), 0);
    assert_int_equal(uid, f->owner_id);
    assert_int_equal(pid, other_page);
    free(tok);
}

static void user_add_never_keeps_a_password_silently(void **state)
{
    struct fx *f = *state;
    struct err e = {0};
    int64_t id = 0;
    struct app_ctx cli = {
        .app = &f->app, .db = f->db, .actor = {.kind = ACTOR_CLI, .role = ROLE_OWNER}};
    assert_int_equal(app_page_create(&cli, "b", "B", NULL, &cli.page_id, &e), 0);
    /* an account that someone else set up, e.g. from an invitation of another page */
    assert_int_equal(
        app_user_add(&cli, "owner@example.com", "", "owner", "operator-pw", false, &id, &e), -1);
    assert_int_equal(e.code, ERR_CONFLICT);
    assert_non_null(strstr(e.msg, "--reset-password"));
    assert_int_equal(count(f, "SELECT COUNT(*) FROM memberships"), 1);
    char *cookie = NULL;
    assert_int_equal(app_login(&f->app, f->db, cli.page_id, "owner@example.com", "password-1",
                               "5.5.5.5", &cookie, &e),
                     0);
    free(cookie);
    assert_int_equal(
        app_user_add(&cli, "owner@example.com", "", "owner", "operator-pw", true, &id, &e), 0);
    assert_int_equal(id, f->owner_id);
    assert_int_equal(count(f, "SELECT COUNT(*) FROM sessions"), 0); /* signed out */
    assert_int_equal(app_login(&f->app, f->db, cli.page_id, "owner@example.com", "password-1",
                               "5.5.5.5", &cookie, &e),
                     -1);
    assert_int_equal(app_login(&f->app, f->db, cli.page_id, "owner@example.com", "operator-pw",
                               "5.5.5.5", &cookie, &e),
                     0);
    free(cookie);
}

static void owners_are_protected(void **state)
{
    struct fx *f = *state;
    struct err e = {0};
    int64_t admin = member(f, "admin@example.com", "admin"), inv_id;
    int64_t editor = member(f, "editor@example.com", "editor");
    struct app_ctx as_admin = f->owner, as_editor = f->owner;
    as_admin.actor = (struct actor){.kind = ACTOR_USER, .id = admin, .role = ROLE_ADMIN};
    as_editor.actor = (struct actor){.kind = ACTOR_USER, .id = editor, .role = ROLE_EDITOR};

    assert_int_equal(app_member_set_role(&as_admin, f->owner_id, "viewer", &e), -1);
    assert_int_equal(e.code, ERR_FORBIDDEN);
    assert_int_equal(app_member_remove(&as_admin, f->owner_id, &e), -1);
    assert_int_equal(e.code, ERR_FORBIDDEN);
    assert_int_equal(app_member_set_role(&as_admin, editor, "owner", &e), -1);
    assert_int_equal(app_invite_create(&as_admin, "x@example.com", "owner", &inv_id, &e), -1);
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
        cmocka_unit_test_setup_teardown(invitations_need_email_and_say_nothing_of_accounts, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(user_add_never_keeps_a_password_silently, setup, teardown),
        cmocka_unit_test_setup_teardown(
            invitations_expire_and_existing_accounts_prove_their_password, setup, teardown),
        cmocka_unit_test_setup_teardown(owners_are_protected, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
