/*
 * app/subscribe_token — the secrets in subscription links and SMS codes,
 * derived with HMAC-SHA256 from the server's secret key instead of stored:
 *
 *   manage token   "m<ID>-<MAC>"          MAC over ("manage", page, id):
 *                  preferences and unsubscribe links, valid while the
 *                  subscriber row exists (ids are never reused, so a deleted
 *                  and re-added address gets a new id and old links die with the row).
 *   confirm token  "c<ID>-<EXP>-<MAC>"    MAC over ("confirm", page, id, EXP): the
 *                  e-mail confirmation link, valid until EXP (sent + 7 days).
 *   SMS code       6 digits from the MAC over ("code", page, id, confirm_sent_at):
 *                  a new code with each confirmation sent.
 *
 *   csrf_token     "<TIME>.<MAC>"         MAC over ("csrf", time): optional hidden field
 *                  of the public forms, valid one day, needs no session.
 *
 * MACs are 128 bits in URL-safe base64. Nothing secret is kept in the database,
 * and the dispatcher recomputes the same values when it builds the message. A
 * new secret key invalidates every outstanding link. Pure functions.
 */
#ifndef PHAROS_APP_SUBSCRIBE_TOKEN_H
#define PHAROS_APP_SUBSCRIBE_TOKEN_H
#include "core/secret.h"
#include <stdbool.h>
#include <stdint.h>

enum { SUBSCRIBE_TOKEN_MAX = 80, SUBSCRIBE_CONFIRM_TTL_S = 7 * 24 * 3600 };

void subscribe_token_manage(const unsigned char key[SECRET_KEY_BYTES], int64_t page_id, int64_t id,
                            char out[SUBSCRIBE_TOKEN_MAX]);
void subscribe_token_confirm(const unsigned char key[SECRET_KEY_BYTES], int64_t page_id, int64_t id,
                             int64_t expires, char out[SUBSCRIBE_TOKEN_MAX]);
/* Reads the subscriber id (and for a confirm token the expiry) out of TOKEN without
 * checking it (compare with secret_equal()): 'm' or 'c' for the kind, 0 when TOKEN is malformed. */
char subscribe_token_parse(const char *token, int64_t *id, int64_t *expires);
/* A stateless CSRF token for the public forms, "<TIME>.<MAC>", into OUT. */
void subscribe_csrf_new(const unsigned char key[SECRET_KEY_BYTES], int64_t now,
                        char out[SUBSCRIBE_TOKEN_MAX]);
/* True when TOKEN came from subscribe_csrf_new() less than a day before NOW. */
bool subscribe_csrf_ok(const unsigned char key[SECRET_KEY_BYTES], const char *token, int64_t now);
void subscribe_sms_code(const unsigned char key[SECRET_KEY_BYTES], int64_t page_id, int64_t id,
                        int64_t sent_at, char out[7]);

#endif
