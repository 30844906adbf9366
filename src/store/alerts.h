/*
 * store/alerts — alert sources and the alerts they sent (SPEC §14; migration 0013).
 *
 * ALERT SOURCE JSON (the API's, without its url): {"id","kind","name","incident",
 * "created_at"}. ALERT (a locked row): {"id","service_id","state","status","set_status",
 * "incident_id"}.
 */
#ifndef PHAROS_STORE_ALERTS_H
#define PHAROS_STORE_ALERTS_H
#include "store/db.h"

/* Inserts a source whose secret hashes to SECRET_HASH. Returns its id or -1. */
int64_t store_alert_source_insert(struct db *db, int64_t page_id, const char *kind,
                                  const char *name, const char *incident, const char *secret_hash,
                                  int64_t now, struct err *e);
json_t *store_alert_source_get(struct db *db, int64_t page_id, int64_t id, struct err *e);
/* Up to LIMIT sources of PAGE_ID from OFFSET, by id. */
json_t *store_alert_sources_list(struct db *db, int64_t page_id, int64_t offset, int limit,
                                 struct err *e);
/* 1 deleted, 0 no such source, -1 error. */
int store_alert_source_delete(struct db *db, int64_t page_id, int64_t id, struct err *e);
/* The source whose secret hashes to SECRET_HASH, with its "page_id"; NULL when none
 * (E->code ERR_OK). */
json_t *store_alert_source_by_secret(struct db *db, const char *secret_hash, struct err *e);

/* Source SOURCE_ID's alert FINGERPRINT, locked until the transaction ends; NULL when it
 * never sent it (E->code ERR_OK). */
json_t *store_alert_lock(struct db *db, int64_t source_id, const char *fingerprint, struct err *e);
/* What an alert is now. */
struct alert_row {
    int64_t source_id, service_id, incident_id; /* incident_id 0: none */
    const char *fingerprint, *state, *status;   /* state "firing" or "resolved" */
    const char *set_status;                     /* what its firing set; NULL: nothing */
};
/* Writes A (inserted the first time its fingerprint comes, updated after). */
int store_alert_save(struct db *db, const struct alert_row *a, int64_t now, struct err *e);
/* Sets the incident of source SOURCE_ID's alert FINGERPRINT (0: none). */
int store_alert_set_incident(struct db *db, int64_t source_id, const char *fingerprint,
                             int64_t incident_id, struct err *e);
/* The alerts other than source SOURCE_ID's FINGERPRINT that fire on SERVICE_ID (any
 * source), as [{"status"}]; NULL on error. */
json_t *store_alerts_firing_on(struct db *db, int64_t service_id, int64_t source_id,
                               const char *fingerprint, struct err *e);
/* Hands SET (the status they now stand for) to those alerts: the last to resolve puts
 * the service back. */
int store_alerts_hand_over(struct db *db, int64_t service_id, int64_t source_id,
                           const char *fingerprint, const char *set, struct err *e);

#endif
