/*
 * store/settings — SQL of the settings table. See settings.h.
 */
#include "store/settings.h"
#include <stdio.h>

int store_setting_get(struct db *db, const char *name, char *buf, size_t size, struct err *e)
{
    struct db_rows r;
    if (db_rows_open(&r, db, e, "read a setting", "SELECT value FROM settings WHERE name = ?", "s",
                     name) != 0)
        return -1;
    int found = db_rows_next(&r, e);
    if (found == 1) snprintf(buf, size, "%s", db_rows_text(&r, 0));
    db_rows_close(&r);
    return found;
}

int store_setting_add(struct db *db, const char *name, const char *value, struct err *e)
{
    return db_exec(db, e, NULL,
                   "INSERT INTO settings (name, value) VALUES (?, ?) ON CONFLICT (name) DO NOTHING",
                   "ss", name, value);
}

int store_anything_sealed(struct db *db, struct err *e)
{
    int64_t n = 0;
    int rc = db_query_int(db, e, &n,
                          "SELECT (SELECT COUNT(*) FROM integrations WHERE secret IS NOT NULL) + "
                          "(SELECT COUNT(*) FROM oauth_requests WHERE secret IS NOT NULL)",
                          NULL);
    return rc < 0 ? -1 : n > 0;
}
