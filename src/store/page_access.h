/*
 * store/page_access — who may see a page (SPEC §16; migration 0022): its visibility, the
 * Argon2id hash of its password, its allowed address blocks and its read key. Kept apart
 * from store/pages.h's page JSON so that neither the hash nor the key travels with the
 * page's other settings by accident; app/page_access.h decides who sees what.
 */
#ifndef PHAROS_STORE_PAGE_ACCESS_H
#define PHAROS_STORE_PAGE_ACCESS_H
#include "store/db.h"

/* {"visibility","access_password" (hash or null),"ip_allow":[CIDR…],"read_key" (or null)}
 * of PAGE_ID, or NULL with E filled (ERR_NOT_FOUND when there is no such page). */
json_t *store_page_access_get(struct db *db, int64_t page_id, struct err *e);

/* Sets the visibility (a name of domain/visibility.h), the password hash (NULL: none)
 * and the blocks (IP_ALLOW: JSON text of an array of normal-form CIDR strings) of PAGE_ID,
 * in the caller's transaction. 0, or -1 with E filled. */
int store_page_access_set(struct db *db, int64_t page_id, const char *visibility,
                          const char *password_hash, const char *ip_allow, struct err *e);

/* Replaces the read key of PAGE_ID with KEY. 0, or -1 with E filled. */
int store_page_read_key_set(struct db *db, int64_t page_id, const char *key, struct err *e);

#endif
