/*
 * store/templates — incident and maintenance templates (prefilled title and message).
 * TEMPLATE JSON: {"id","kind","name","title","message","created_at","updated_at"}.
 */
#ifndef PHAROS_STORE_TEMPLATES_H
#define PHAROS_STORE_TEMPLATES_H
#include "store/db.h"

struct template_fields {
    const char *kind; /* "incident" or "maintenance" */
    const char *name, *title, *message;
};

/* One template of PAGE_ID, or NULL (E->code ERR_OK when it does not exist). */
json_t *store_template_get(struct db *db, int64_t page_id, int64_t id, struct err *e);
/* Up to LIMIT templates with ids above AFTER, by id; only of KIND unless it is NULL. */
json_t *store_templates_list(struct db *db, int64_t page_id, const char *kind, int64_t after,
                             int limit, struct err *e);
/* Returns the new id, or -1. */
int64_t store_template_insert(struct db *db, int64_t page_id, const struct template_fields *f,
                              struct err *e);
/* Writes every field of F. */
int store_template_update(struct db *db, int64_t page_id, int64_t id,
                          const struct template_fields *f, struct err *e);
/* Deletes; 1 deleted, 0 no such template, -1 error. */
int store_template_delete(struct db *db, int64_t page_id, int64_t id, struct err *e);

#endif
