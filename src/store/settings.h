/*
 * store/settings — values an installation keeps in its database by name (table
 * settings), shared by every node: the secret key's check value (app/secret_key.h).
 */
#ifndef PHAROS_STORE_SETTINGS_H
#define PHAROS_STORE_SETTINGS_H
#include "store/db.h"

/* The value of NAME into BUF (SIZE bytes): 1 found, 0 none, -1 with E filled. */
int store_setting_get(struct db *db, const char *name, char *buf, size_t size, struct err *e);
/* Sets NAME to VALUE unless it has a value already (the first writer wins). 0 or -1. */
int store_setting_add(struct db *db, const char *name, const char *value, struct err *e);
/* Whether anything is sealed with the secret key (integration secrets, Twitter sign-ins in
 * flight): 1 yes, 0 no, -1 with E filled. */
int store_anything_sealed(struct db *db, struct err *e);

#endif
