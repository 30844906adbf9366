/*
 * notify/twitter_oauth — OAuth 1.0a token requests. See twitter_oauth.h.
 */
#include "notify/twitter_oauth.h"
#include "notify/transfer.h"
#include "core/buf.h"
#include "core/timeutil.h"
#include "http/form.h"
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>

static size_t on_write(char *p, size_t size, size_t n, void *arg)
{
    struct buf *b = arg;
    buf_append(b, p, size * n); /* past the buffer's limit the answer is cut (then refused) */
    return size * n;
}

int twitter_oauth_post(const struct config *cfg, const char *endpoint, const struct kv *params,
                       size_t n, const char *token, const char *token_secret, json_t **out,
                       struct err *e)
{
    char url[1024], nonce[33], ts[24], *auth = NULL, *hdr = NULL;
    struct curl_slist *headers = NULL;
    struct transfer_guard g = {.allow_private = cfg->allow_private_targets};
    struct buf resp;
    int rc = -1;
    long status = 0;
    buf_init(&resp, 64 << 10);
    buf_puts(&resp, "");
    CURL *easy = curl_easy_init();
    if (!easy)
        return err_set(e, ERR_INTERNAL, "cannot create a transfer");
    snprintf(url, sizeof url, "%s/oauth/%s", cfg->twitter_api_base, endpoint);
    sign_nonce(nonce);
    snprintf(ts, sizeof ts, "%" PRId64, time_now());
    auth = sign_oauth1_header("POST", url, params, n, cfg->twitter_consumer_key,
                              cfg->twitter_consumer_secret, token, token_secret, nonce, ts);
    if (asprintf(&hdr, "Authorization: %s", auth) < 0)
        abort();
    headers = curl_slist_append(headers, hdr);
    transfer_setup(easy, &g);
    curl_easy_setopt(easy, CURLOPT_URL, url);
    curl_easy_setopt(easy, CURLOPT_HTTPHEADER, headers);
    curl_easy_setopt(easy, CURLOPT_POSTFIELDS, "");
    curl_easy_setopt(easy, CURLOPT_WRITEFUNCTION, on_write);
    curl_easy_setopt(easy, CURLOPT_WRITEDATA, &resp);
    CURLcode cc = transfer_blocking(easy);
    curl_easy_getinfo(easy, CURLINFO_RESPONSE_CODE, &status);
    if (g.refused)
        err_set(e, ERR_UNAVAILABLE, "Twitter (%s) is a private address and "
                                    "security.allow_private_targets is false", url);
    else if (cc != CURLE_OK)
        err_set(e, ERR_UNAVAILABLE, "cannot reach Twitter: %s", curl_easy_strerror(cc));
    else if (status != 200 || buf_full(&resp))
        err_set(e, ERR_UNAVAILABLE, "Twitter refused the sign-in (HTTP %ld): %.200s", status,
                resp.data);
    else if ((*out = form_decode(resp.data, resp.len, e)))
        rc = 0;
    curl_slist_free_all(headers);
    curl_easy_cleanup(easy);
    buf_free(&resp);
    free(auth);
    free(hdr);
    return rc;
}
