/*
 * admin/team — the Team screen (SPEC §8): members and their roles, pending
 * invitations with the state of their e-mail, invite by e-mail (the link goes
 * to the invited address only: the inviter never sees it), change a role,
 * remove a member, withdraw an invitation. Needs PERM_TEAM; the rules about owners are
 * app/team.c's.
 */
#include "app/team.h"
#include "admin/admin.h"
#include <stdlib.h>

static const struct field fields[] = {{"email", F_TEXT}, {"role", F_TEXT}, {NULL, 0}};

static json_t *role_options(enum role actor, const char *current)
{
    static const char *const v[] = {"viewer", "editor", "admin", "owner", NULL};
    static const char *const l[] = {"Viewer", "Editor", "Admin", "Owner", NULL};
    static const char *const v3[] = {"viewer", "editor", "admin", NULL};
    return admin_options(role_allows(actor, PERM_OWNERS) ? v : v3, l, current);
}

static void show(struct admin *a, int status, json_t *m)
{
    struct err e = {0};
    json_t *out = NULL, *mem;
    size_t i;
    if (app_team_list(&a->c, &out, &e) != 0) {
        json_decref(m);
        admin_error(a, &e);
        return;
    }
    json_array_foreach(json_object_get(out, "members"), i, mem)
    {
        const char *role = json_string_value(json_object_get(mem, "role"));
        bool owner = role && role[0] == 'o';
        json_object_set_new(mem, "role_options", role_options(a->s.role, role));
        json_object_set_new(
            mem, "me",
            json_boolean(json_integer_value(json_object_get(mem, "id")) == a->s.user_id));
        json_object_set_new(mem, "locked",
                            json_boolean(owner && !role_allows(a->s.role, PERM_OWNERS)));
    }
    json_object_set(m, "members", json_object_get(out, "members"));
    json_object_set(m, "invitations", json_object_get(out, "invitations"));
    json_decref(out);
    json_t *form = json_object_get(m, "form");
    json_object_set_new(m, "invite_role_options",
                        role_options(a->s.role, form ? form_str(form, "role") : "editor"));
    admin_render(a, status, "team.html", "Team", "team", m);
}

static void list(struct req *r)
{
    admin_show(r, PERM_TEAM, show);
}

static void invite(struct req *r)
{
    struct admin a;
    struct err e = {0};
    int64_t id;
    if (admin_begin(r, &a, PERM_TEAM) != 0) return;
    if (app_invite_create(&a.c, form_str(a.form, "email"), form_str(a.form, "role"), &id, &e) !=
        0) {
        json_t *m = json_object();
        show(&a, admin_form_errors(m, a.form, fields, &e), m);
    } else {
        admin_redirect(r, "/admin/team?notice=invited");
    }
    admin_end(&a);
}

static void set_role(struct req *r)
{
    struct admin a;
    struct err e = {0};
    if (admin_begin(r, &a, PERM_TEAM) != 0) return;
    int64_t id = admin_id(&a, 0);
    if (id)
        admin_done(&a, app_member_set_role(&a.c, id, form_str(a.form, "role"), &e), &e,
                   "/admin/team", "role");
    admin_end(&a);
}

static void remove_member(struct req *r)
{
    admin_post_id(r, PERM_TEAM, app_member_remove, "/admin/team", "removed");
}

static void withdraw(struct req *r)
{
    admin_post_id(r, PERM_TEAM, app_invite_delete, "/admin/team", "withdrawn");
}

const struct route admin_team_routes[] = {
    {M_GET, "/admin/team", list},
    {M_POST, "/admin/team/invite", invite},
    {M_POST, "/admin/team/{id}/role", set_role},
    {M_POST, "/admin/team/{id}/remove", remove_member},
    {M_POST, "/admin/invitations/{id}/delete", withdraw},
    {0, NULL, NULL},
};
