/*
 * store/audit — the audit log (table audit_log): who did what to which object of
 * which page, appended in the transaction of the change it records.
 */
#ifndef PHAROS_STORE_AUDIT_H
#define PHAROS_STORE_AUDIT_H
#include "store/db.h"

/* Appends a record of ACTOR doing ACTION to OBJECT_ID (0: none) of PAGE_ID (0: none) with
 * DETAIL (may be NULL) at NOW. Returns 0, or -1 with E. */
int store_audit_insert(struct db *db, int64_t page_id, const char *actor, const char *action,
                       int64_t object_id, const char *detail, int64_t now, struct err *e);

#endif
