/*
 * app/groups — service groups (SPEC §8, §9): what the console's "services and
 * groups" screen and /admin/api/v1/groups do. Reads need PERM_READ, writes
 * PERM_CONTENT. GROUP JSON: see store/groups.h.
 */
#ifndef PHAROS_APP_GROUPS_H
#define PHAROS_APP_GROUPS_H
#include "app/app.h"
#include "app/input.h"

/* {"groups":[GROUP…],"next_cursor":…} ordered by position, then id. */
int app_groups_list(struct app_ctx *c, const struct paging *pg, json_t **out, struct err *e);
/* One group, or 404. */
int app_group_get(struct app_ctx *c, int64_t id, json_t **out, struct err *e);
/* IN: name (required, ≤ 100), description, position (default: after the last), hidden. */
int app_group_create(struct app_ctx *c, json_t *in, json_t **out, struct err *e);
/* IN: any of the create fields; absent fields keep their value. */
int app_group_update(struct app_ctx *c, int64_t id, json_t *in, json_t **out, struct err *e);
/* Deletes the group; its services stay, ungrouped. */
int app_group_delete(struct app_ctx *c, int64_t id, struct err *e);

#endif
