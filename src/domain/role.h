/*
 * role — team roles (SPEC §8) and what each may do. Pure functions.
 *   owner  everything
 *   admin  everything but removing or demoting owners
 *   editor services, groups, incidents, maintenance, templates
 *   viewer read only
 * API tokens act with the admin role on their page.
 */
#ifndef PHAROS_ROLE_H
#define PHAROS_ROLE_H
#include <stdbool.h>

enum role { ROLE_VIEWER, ROLE_EDITOR, ROLE_ADMIN, ROLE_OWNER };

enum perm {
    PERM_READ,        /* see anything of the page in the console or API */
    PERM_CONTENT,     /* services, groups, incidents, maintenance, templates */
    PERM_SUBSCRIBERS, /* add, remove, export subscribers */
    PERM_SETTINGS,    /* page settings, integrations, API tokens, notification log */
    PERM_TEAM,        /* invite, change roles, remove members */
    PERM_OWNERS,      /* remove or demote an owner */
};

int role_parse(const char *s, enum role *out);
const char *role_name(enum role r);
bool role_allows(enum role r, enum perm p);

#endif
