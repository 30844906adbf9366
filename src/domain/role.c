/*
 * role — role names and the permission table. See role.h.
 */
#include "domain/role.h"
#include <string.h>

static const char *names[] = {"viewer", "editor", "admin", "owner"};

int role_parse(const char *s, enum role *out)
{
    for (int i = 0; i < 4; i++)
        if (strcmp(s, names[i]) == 0) {
            *out = (enum role)i;
            return 0;
        }
    return -1;
}

const char *role_name(enum role r)
{
    return (unsigned)r < 4 ? names[r] : "viewer";
}

bool role_allows(enum role r, enum perm p)
{
    switch (p) {
    case PERM_READ:
        return true;
    case PERM_CONTENT:
        return r >= ROLE_EDITOR;
    case PERM_SUBSCRIBERS:
    case PERM_SETTINGS:
    case PERM_TEAM:
        return r >= ROLE_ADMIN;
    case PERM_OWNERS:
        return r == ROLE_OWNER;
    }
    return false;
}
