/*
 * store/tokens — API tokens, stored as SHA-256 hashes (core/secret.h).
 * TOKEN JSON: {"id","name","prefix","created_at","last_used_at","revoked_at"}.
 */
#ifndef PHAROS_STORE_TOKENS_H
#define PHAROS_STORE_TOKENS_H
#include "store/db.h"

int64_t store_token_insert(struct db *db, int64_t page_id, const char *name, const char *prefix,
                           const char *hash, int64_t created_by, struct err *e);
/* The live (unrevoked) token with HASH: 1 found (fills ids and last use), 0 not, -1 error. */
int store_token_find(struct db *db, const char *hash, int64_t *id, int64_t *page_id,
                     int64_t *last_used, struct err *e);
int store_token_touch(struct db *db, int64_t id, int64_t now, struct err *e);
json_t *store_tokens_list(struct db *db, int64_t page_id, struct err *e);
/* 1 revoked, 0 no such live token, -1 error. */
int store_token_revoke(struct db *db, int64_t page_id, int64_t id, struct err *e);

#endif
