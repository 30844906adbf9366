/*
 * store/tokens — API tokens, stored as SHA-256 hashes (core/secret.h).
 * TOKEN JSON: {"id","name","prefix","created_at","last_used_at","revoked_at"}.
 */
#ifndef PHAROS_STORE_TOKENS_H
#define PHAROS_STORE_TOKENS_H
#include "store/db.h"

int64_t store_token_insert(struct db *db, int64_t page_id, const char *name, const char *prefix,
                           const char *hash, int64_t created_by, struct err *e);
struct token_found {
    int64_t id, page_id, last_used;
    int64_t host_page; /* the page HOST names (store/page_for_host.h), 0: none */
};
/* The live (unrevoked) token with HASH, and in the same round trip the page HOST (NULL:
 * the default page's) names: 1 found (fills *OUT), 0 not, -1 error. */
int store_token_find(struct db *db, const char *hash, const char *host, struct token_found *out,
                     struct err *e);
int store_token_touch(struct db *db, int64_t id, int64_t now, struct err *e);
json_t *store_tokens_list(struct db *db, int64_t page_id, struct err *e);
/* 1 revoked, 0 no such live token, -1 error. */
int store_token_revoke(struct db *db, int64_t page_id, int64_t id, struct err *e);

#endif
