/*
 * app/secret_key — the secret key checked against the database. See secret_key.h.
 */
#include "app/secret_key.h"
#include "store/settings.h"
#include <errno.h>
#include <string.h>
#include <unistd.h>

static const char CHECK_TEXT[] = "pharos secret key check";

int app_secret_key_open(struct app_ctx *c, const char *path, unsigned char key[SECRET_KEY_BYTES],
                        struct err *e)
{
    char want[64] = "", have[64];
    int found = store_setting_get(c->db, "key_check", want, sizeof want, e);
    if (found < 0) return -1;
    if (access(path, F_OK) != 0 && errno == ENOENT) {
        int sealed = found ? 1 : store_anything_sealed(c->db, e);
        if (sealed < 0) return -1;
        if (sealed)
            return err_set(e, ERR_INVALID,
                           "security.secret_key_file %s does not exist, but this database was "
                           "set up with a secret key: copy that key file (the one every other "
                           "node uses) to %s; a new key could open none of its secrets",
                           path, path);
    }
    if (secret_key_load(path, key, e) != 0) return -1;
    secret_mac_b64(key, CHECK_TEXT, have, sizeof have);
    if (found && strcmp(want, have) != 0)
        return err_set(e, ERR_INVALID,
                       "the secret key in %s (security.secret_key_file) is not the one this "
                       "database was set up with: every node of a database must use the same "
                       "key file",
                       path);
    if (found) return 0;
    if (db_begin(c->db, e) != 0) return -1;
    if (store_setting_add(c->db, "key_check", have, e) != 0 ||
        store_setting_get(c->db, "key_check", want, sizeof want, e) < 0) {
        db_rollback(c->db);
        return -1;
    }
    if (db_commit(c->db, e) != 0) return -1;
    /* another node may have recorded its key first, a moment ago */
    if (strcmp(want, have) != 0)
        return err_set(e, ERR_INVALID,
                       "the secret key in %s is not the one another node recorded a moment ago: "
                       "every node of a database must use the same key file",
                       path);
    return 0;
}
