/*
 * public/access — who may read a page's snapshot (SPEC §16), as the snapshot carries it:
 * read once per build from store/page_access.h, so checking a request needs no database
 * (except for `members`, whose console session is looked up). A settings change is a
 * public change, so the next snapshot has the new rules.
 *
 * It holds no secret that a visitor could use: the password as a fingerprint of its hash
 * (domain/access_grant.h), the read key as its SHA-256.
 */
#ifndef PHAROS_PUBLIC_ACCESS_H
#define PHAROS_PUBLIC_ACCESS_H
#include "domain/access_grant.h"
#include "domain/visibility.h"
#include "store/db.h"

struct public_access {
    int64_t page_id;
    enum visibility mode;
    struct cidr blocks[CIDR_LIST_MAX]; /* mode ip */
    size_t nblocks;
    char grant[PAGE_ACCESS_FP_MAX];     /* mode password: the cookies' grant ("": none) */
    char read_key_hash[TOKEN_HASH_HEX]; /* "" when the page has no read key */
};

/* Loads the rules of PAGE_ID from DB into *OUT. 0, or -1 with E filled. */
int public_access_load(struct db *db, int64_t page_id, struct public_access *out, struct err *e);

/* True when KEY (a ?key= value; may be NULL) is the page's read key. */
bool public_access_key_ok(const struct public_access *a, const char *key);

#endif
