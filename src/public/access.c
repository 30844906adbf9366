/*
 * public/access — a page's access rules for its snapshot. See the header.
 */
#include "public/access.h"
#include "store/page_access.h"
#include <stdio.h>
#include <string.h>

int public_access_load(struct db *db, int64_t page_id, struct public_access *out, struct err *e)
{
    json_t *a = store_page_access_get(db, page_id, e);
    if (!a) return -1;
    memset(out, 0, sizeof *out);
    out->page_id = page_id;
    if (visibility_parse(json_string_value(json_object_get(a, "visibility")), &out->mode) != 0)
        out->mode = VIS_PUBLIC; /* the CHECK constraint keeps other names out */
    const char *hash = json_string_value(json_object_get(a, "access_password"));
    if (hash) page_access_fingerprint(hash, out->grant);
    const char *key = json_string_value(json_object_get(a, "read_key"));
    if (key) secret_token_hash(key, out->read_key_hash);
    size_t i;
    json_t *v;
    json_array_foreach(json_object_get(a, "ip_allow"), i, v)
    {
        char why[160];
        const char *s = json_string_value(v);
        if (out->nblocks < CIDR_LIST_MAX && s &&
            cidr_parse(s, &out->blocks[out->nblocks], why, sizeof why) == 0)
            out->nblocks++;
    }
    json_decref(a);
    return 0;
}

bool public_access_key_ok(const struct public_access *a, const char *key)
{
    if (!key || !*key || !a->read_key_hash[0]) return false;
    char h[TOKEN_HASH_HEX];
    secret_token_hash(key, h);
    return secret_equal(h, a->read_key_hash);
}
