/*
 * store/groups — service groups.
 * GROUP JSON: {"id","name","description","position","hidden","created_at","updated_at"}.
 */
#ifndef PHAROS_STORE_GROUPS_H
#define PHAROS_STORE_GROUPS_H
#include "store/db.h"

/* One group of PAGE_ID, or NULL (E->code ERR_OK when it does not exist). */
json_t *store_group_get(struct db *db, int64_t page_id, int64_t id, struct err *e);

#endif
