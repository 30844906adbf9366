/*
 * sign — OAuth 1.0a, Twilio and webhook signatures. See sign.h.
 */
#include "core/sign.h"
#include "core/buf.h"
#include "core/urlform.h"
#include "core/xalloc.h"
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <sodium.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

static char *b64(const unsigned char *d, size_t n)
{
    size_t len = sodium_base64_ENCODED_LEN(n, sodium_base64_VARIANT_ORIGINAL);
    char *out = xmalloc(len);
    sodium_bin2base64(out, len, d, n, sodium_base64_VARIANT_ORIGINAL);
    return out;
}

struct enc_kv {
    char *k, *v;
};

static int cmp_enc(const void *a, const void *b)
{
    const struct enc_kv *x = a, *y = b;
    int c = strcmp(x->k, y->k);
    return c ? c : strcmp(x->v, y->v);
}

char *sign_oauth1(const char *method, const char *url, const struct kv *params, size_t n,
                  const char *consumer_secret, const char *token_secret)
{
    struct enc_kv *e = xcalloc(n ? n : 1, sizeof *e);
    struct buf ps, base, key;
    buf_init(&ps, SIZE_MAX / 2);
    buf_init(&base, SIZE_MAX / 2);
    buf_init(&key, SIZE_MAX / 2);
    buf_puts(&ps, "");
    for (size_t i = 0; i < n; i++)
        e[i] = (struct enc_kv){url_pct_encode(params[i].k), url_pct_encode(params[i].v)};
    qsort(e, n, sizeof *e, cmp_enc);
    for (size_t i = 0; i < n; i++) {
        buf_printf(&ps, "%s%s=%s", i ? "&" : "", e[i].k, e[i].v);
        free(e[i].k), free(e[i].v);
    }
    free(e);
    char *m = url_pct_encode(method), *u = url_pct_encode(url), *p = url_pct_encode(ps.data);
    char *cs = url_pct_encode(consumer_secret),
         *ts = url_pct_encode(token_secret ? token_secret : "");
    buf_printf(&base, "%s&%s&%s", m, u, p);
    buf_printf(&key, "%s&%s", cs, ts);
    unsigned char mac[EVP_MAX_MD_SIZE];
    unsigned int len = 0;
    HMAC(EVP_sha1(), key.data, (int)key.len, (const unsigned char *)base.data, base.len, mac, &len);
    free(m), free(u), free(p), free(cs), free(ts);
    buf_free(&ps), buf_free(&base), buf_free(&key);
    return b64(mac, len);
}

void sign_nonce(char out[33])
{
    static const char an[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
    for (int i = 0; i < 32; i++)
        out[i] = an[randombytes_uniform(sizeof an - 1)];
    out[32] = '\0';
}

char *sign_oauth1_header(const char *method, const char *url, const struct kv *extra, size_t n,
                         const char *consumer_key, const char *consumer_secret, const char *token,
                         const char *token_secret, const char *nonce, const char *timestamp)
{
    struct kv *all = xcalloc(n + 7, sizeof *all);
    size_t k = 0;
    for (size_t i = 0; i < n; i++)
        all[k++] = extra[i];
    size_t first_oauth = k;
    all[k++] = (struct kv){"oauth_consumer_key", consumer_key};
    all[k++] = (struct kv){"oauth_nonce", nonce};
    all[k++] = (struct kv){"oauth_signature_method", "HMAC-SHA1"};
    all[k++] = (struct kv){"oauth_timestamp", timestamp};
    if (token) all[k++] = (struct kv){"oauth_token", token};
    all[k++] = (struct kv){"oauth_version", "1.0"};
    char *sig = sign_oauth1(method, url, all, k, consumer_secret, token_secret);
    struct buf h;
    buf_init(&h, SIZE_MAX / 2);
    buf_puts(&h, "OAuth ");
    bool first = true;
    for (size_t i = 0; i <= k; i++) {
        struct kv p = i < k ? all[i] : (struct kv){"oauth_signature", sig};
        if (i < first_oauth && strncmp(p.k, "oauth_", 6) != 0) continue;
        char *ek = url_pct_encode(p.k), *ev = url_pct_encode(p.v);
        buf_printf(&h, "%s%s=\"%s\"", first ? "" : ", ", ek, ev);
        first = false;
        free(ek), free(ev);
    }
    free(sig);
    free(all);
    return buf_steal(&h);
}

static int cmp_kv(const void *a, const void *b)
{
    const struct kv *x = a, *y = b;
    int c = strcmp(x->k, y->k);
    return c ? c : strcmp(x->v, y->v);
}

char *sign_twilio(const char *auth_token, const char *url, const struct kv *params, size_t n)
{
    struct kv *sorted = xcalloc(n ? n : 1, sizeof *sorted);
    memcpy(sorted, params, n * sizeof *params);
    qsort(sorted, n, sizeof *sorted, cmp_kv);
    struct buf s;
    buf_init(&s, SIZE_MAX / 2);
    buf_puts(&s, url);
    for (size_t i = 0; i < n; i++) {
        buf_puts(&s, sorted[i].k);
        buf_puts(&s, sorted[i].v);
    }
    unsigned char mac[EVP_MAX_MD_SIZE];
    unsigned int len = 0;
    HMAC(EVP_sha1(), auth_token, (int)strlen(auth_token), (const unsigned char *)s.data, s.len, mac,
         &len);
    buf_free(&s);
    free(sorted);
    return b64(mac, len);
}

char *sign_webhook(const char *secret, const char *body, size_t len)
{
    unsigned char mac[EVP_MAX_MD_SIZE];
    unsigned int n = 0;
    HMAC(EVP_sha256(), secret, (int)strlen(secret), (const unsigned char *)body, len, mac, &n);
    char *out = xmalloc(7 + 2 * n + 1);
    memcpy(out, "sha256=", 7);
    sodium_bin2hex(out + 7, 2 * n + 1, mac, n);
    return out;
}
