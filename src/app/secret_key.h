/*
 * app/secret_key — the secret key (security.secret_key_file) that seals stored
 * credentials and signs links must be the same on every node of a database
 * (SPEC §13). The database keeps a check value of it (settings "key_check": a MAC
 * of a fixed text made with the key): the first process to start with a key
 * records it, and a process whose key gives another value refuses to start. A
 * process with no key file where the database already has a check value (or
 * holds secrets sealed with a key) refuses too, instead of making a new key that
 * could open none of them.
 */
#ifndef PHAROS_APP_SECRET_KEY_H
#define PHAROS_APP_SECRET_KEY_H
#include "app/app.h"

/* Loads (or, on a database that needs no existing key, creates) the key at PATH into
 * KEY and checks it against C's database, recording the check value when there is none.
 * Returns 0, or -1 with E filled saying what to do. */
int app_secret_key_open(struct app_ctx *c, const char *path, unsigned char key[SECRET_KEY_BYTES],
                        struct err *e);

#endif
