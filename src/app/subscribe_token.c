/*
 * app/subscribe_token — HMAC-derived subscription tokens and codes. See the header.
 */
#include "app/subscribe_token.h"
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void subscribe_token_manage(const unsigned char key[SECRET_KEY_BYTES], int64_t page_id, int64_t id,
                            char out[SUBSCRIBE_TOKEN_MAX])
{
    char msg[96], m[32];
    snprintf(msg, sizeof msg, "manage:%" PRId64 ":%" PRId64, page_id, id);
    secret_mac_b64(key, msg, m, sizeof m);
    snprintf(out, SUBSCRIBE_TOKEN_MAX, "m%" PRId64 "-%s", id, m);
}

void subscribe_token_confirm(const unsigned char key[SECRET_KEY_BYTES], int64_t page_id, int64_t id,
                             int64_t expires, char out[SUBSCRIBE_TOKEN_MAX])
{
    char msg[96], m[32];
    snprintf(msg, sizeof msg, "confirm:%" PRId64 ":%" PRId64 ":%" PRId64, page_id, id, expires);
    secret_mac_b64(key, msg, m, sizeof m);
    snprintf(out, SUBSCRIBE_TOKEN_MAX, "c%" PRId64 "-%" PRId64 "-%s", id, expires, m);
}

/* A positive decimal number at *P followed by '-'; advances *P past the dash. */
static int64_t number(const char **p)
{
    char *end;
    if (**p < '1' || **p > '9') return 0;
    long long v = strtoll(*p, &end, 10);
    if (*end != '-' || end - *p > 18) return 0;
    *p = end + 1;
    return v;
}

char subscribe_token_parse(const char *token, int64_t *id, int64_t *expires)
{
    if (!token || (token[0] != 'm' && token[0] != 'c') || strlen(token) >= SUBSCRIBE_TOKEN_MAX)
        return 0;
    const char *p = token + 1;
    *id = number(&p);
    *expires = 0;
    if (!*id || (token[0] == 'c' && !(*expires = number(&p)))) return 0;
    return token[0];
}

void subscribe_sms_code(const unsigned char key[SECRET_KEY_BYTES], int64_t page_id, int64_t id,
                        int64_t sent_at, char out[7])
{
    char msg[96];
    unsigned char h[SECRET_MAC_BYTES];
    snprintf(msg, sizeof msg, "code:%" PRId64 ":%" PRId64 ":%" PRId64, page_id, id, sent_at);
    secret_mac(key, msg, h);
    uint32_t v = ((uint32_t)h[0] << 24 | (uint32_t)h[1] << 16 | (uint32_t)h[2] << 8 | h[3]);
    snprintf(out, 7, "%06u", (unsigned)(v % 1000000u));
}

void subscribe_csrf_new(const unsigned char key[SECRET_KEY_BYTES], int64_t now,
                        char out[SUBSCRIBE_TOKEN_MAX])
{
    char msg[64], m[32];
    snprintf(msg, sizeof msg, "csrf:%" PRId64, now);
    secret_mac_b64(key, msg, m, sizeof m);
    snprintf(out, SUBSCRIBE_TOKEN_MAX, "%" PRId64 ".%s", now, m);
}

bool subscribe_csrf_ok(const unsigned char key[SECRET_KEY_BYTES], const char *token, int64_t now)
{
    char *end, want[SUBSCRIBE_TOKEN_MAX];
    long long t = strtoll(token, &end, 10);
    if (*end != '.' || t > now || t < now - 86400) return false;
    subscribe_csrf_new(key, t, want);
    return secret_equal(token, want);
}
