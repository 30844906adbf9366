/*
 * store/services — services, their status and its history (service_status_log).
 * SERVICE JSON: {"id","name","description","group_id","position","hidden","status",
 * "created_at","updated_at"} (SPEC §9).
 */
#ifndef PHAROS_STORE_SERVICES_H
#define PHAROS_STORE_SERVICES_H
#include "store/db.h"

struct service_fields {
    int64_t group_id; /* 0: none */
    const char *name, *description, *status;
    int64_t position;
    bool hidden;
    bool show_response_time; /* the public page charts its monitors' latency (SPEC §14) */
};

/* One service of PAGE_ID, or NULL (E->code ERR_OK when it does not exist). */
json_t *store_service_get(struct db *db, int64_t page_id, int64_t id, struct err *e);
/* store_service_get, with the row locked until the transaction ends (db_begin_shared's
 * use cases: no other writer changes it meanwhile). */
json_t *store_service_lock(struct db *db, int64_t page_id, int64_t id, struct err *e);
/* store_service_lock for the holder of an API token, in one statement (the eStatus PUT's
 * token check and row lock in one round trip): the service ID of the page HOST names
 * (NULL: the default page), locked only if the token whose hash is HASH is live and
 * belongs to that page. The row has three more members: "page_id", "token_id" and
 * "token_used" (the token's last_used_at, 0 if never). NULL with E->code ERR_OK when
 * either check fails (the caller tells which the usual way). */
json_t *store_service_lock_for_token(struct db *db, const char *hash, const char *host, int64_t id,
                                     struct err *e);
/* Up to LIMIT services from OFFSET in the order of services (store/service_order.h:
 * ungrouped first, then by group position, position, id). */
json_t *store_services_list(struct db *db, int64_t page_id, int64_t offset, int limit,
                            struct err *e);
/* Inserts a service and its first status-log row. Returns the id or -1. */
int64_t store_service_insert(struct db *db, int64_t page_id, const struct service_fields *f,
                             struct err *e);
/* Writes every field of F (status changes also go to the log); a service that is not
 * PAGE_ID's is left alone. */
int store_service_update(struct db *db, int64_t page_id, int64_t id, const struct service_fields *f,
                         struct err *e);
/* Sets the status and logs it when it changed, inside a transaction where no one else
 * writes the row meanwhile (the write lock, or the row read with store_service_lock). */
int store_service_set_status(struct db *db, int64_t id, const char *status, int64_t now,
                             struct err *e);
/* Deletes; 1 deleted, 0 no such service, -1 error. */
int store_service_delete(struct db *db, int64_t page_id, int64_t id, struct err *e);
/* Next free position at the end of a group (or of ungrouped services). */
int64_t store_service_next_position(struct db *db, int64_t page_id, int64_t group_id,
                                    struct err *e);

#endif
