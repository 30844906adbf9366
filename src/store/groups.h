/*
 * store/groups — service groups.
 * GROUP JSON: {"id","name","description","position","hidden","created_at","updated_at"}.
 * Deleting a group leaves its services ungrouped (services.group_id is ON DELETE SET NULL).
 */
#ifndef PHAROS_STORE_GROUPS_H
#define PHAROS_STORE_GROUPS_H
#include "store/db.h"

struct group_fields {
    const char *name, *description;
    int64_t position;
    bool hidden;
};

/* One group of PAGE_ID, or NULL (E->code ERR_OK when it does not exist). */
json_t *store_group_get(struct db *db, int64_t page_id, int64_t id, struct err *e);
/* Up to LIMIT groups from OFFSET, ordered by position, then id. NULL on error. */
json_t *store_groups_list(struct db *db, int64_t page_id, int64_t offset, int limit, struct err *e);
/* Returns the new id, or -1. */
int64_t store_group_insert(struct db *db, int64_t page_id, const struct group_fields *f,
                           struct err *e);
/* Writes every field of F. */
int store_group_update(struct db *db, int64_t page_id, int64_t id, const struct group_fields *f,
                       struct err *e);
/* Deletes; 1 deleted, 0 no such group, -1 error. */
int store_group_delete(struct db *db, int64_t page_id, int64_t id, struct err *e);
/* The position after the last group of PAGE_ID, or -1. */
int64_t store_group_next_position(struct db *db, int64_t page_id, struct err *e);

#endif
