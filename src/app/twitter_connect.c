/*
 * app/twitter_connect — "Sign in with Twitter". See twitter_connect.h.
 *
 * The request token's secret is needed again to sign oauth/access_token, so it
 * is kept between the two legs in oauth_requests, sealed with the secret key,
 * for 15 minutes; finishing takes it (one use).
 */
#include "app/twitter_connect.h"
#include "app/integrations.h"
#include "core/timeutil.h"
#include "http/form.h"
#include "notify/twitter_oauth.h"
#include "store/outbox.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum { REQUEST_TTL_S = 15 * 60 };

static int configured(struct app_ctx *c, struct err *e)
{
    const struct config *cfg = c->app->cfg;
    if (app_require(c, PERM_SETTINGS, e) != 0)
        return -1;
    if (!cfg->twitter_consumer_key || !*cfg->twitter_consumer_key ||
        !cfg->twitter_consumer_secret || !*cfg->twitter_consumer_secret)
        return err_set(e, ERR_INVALID, "Twitter is not configured: set twitter.consumer_key and "
                                       "twitter.consumer_secret (the operator's Twitter app)");
    return 0;
}

int app_twitter_connect_start(struct app_ctx *c, const char *callback_url, char **authorize_url,
                              struct err *e)
{
    json_t *ans = NULL;
    int rc = -1;
    if (configured(c, e) != 0)
        return -1;
    struct kv p = {"oauth_callback", callback_url};
    if (twitter_oauth_post(c->app->cfg, "request_token", &p, 1, NULL, NULL, &ans, e) != 0)
        return -1;
    const char *tok = form_str(ans, "oauth_token"), *sec = form_str(ans, "oauth_token_secret");
    if (!tok || !sec || !*tok || strlen(tok) > 200) {
        err_set(e, ERR_UNAVAILABLE, "Twitter's answer has no request token");
        goto out;
    }
    char *sealed = secret_seal(c->app->key, sec);
    if (db_begin(c->db, e) != 0 ||
        store_oauth_request_put(c->db, tok, c->page_id, sealed, time_now(), e) != 0 ||
        app_commit(c, false, e) != 0) {
        db_rollback(c->db);
        free(sealed);
        goto out;
    }
    free(sealed);
    char *enc = sign_pct_encode(tok);
    if (asprintf(authorize_url, "%s/oauth/authorize?oauth_token=%s", c->app->cfg->twitter_api_base,
                 enc) < 0)
        abort();
    free(enc);
    rc = 0;
out:
    json_decref(ans);
    return rc;
}

int app_twitter_connect_finish(struct app_ctx *c, const char *oauth_token,
                               const char *oauth_verifier, struct err *e)
{
    json_t *row = NULL, *ans = NULL, *in = NULL;
    char *secret = NULL;
    int rc = -1;
    if (configured(c, e) != 0)
        return -1;
    if (!oauth_token || !oauth_verifier || !*oauth_token || !*oauth_verifier)
        return err_set(e, ERR_INVALID, "oauth_token and oauth_verifier are required");
    row = store_oauth_request_take(c->db, oauth_token, time_now() - REQUEST_TTL_S, e);
    if (!row || json_integer_value(json_object_get(row, "page_id")) != c->page_id ||
        json_integer_value(json_object_get(row, "created")) < time_now() - REQUEST_TTL_S ||
        !(secret = secret_open(c->app->key, json_string_value(json_object_get(row, "secret"))))) {
        if (!e->code || e->code == ERR_OK)
            err_set(e, ERR_INVALID,
                    "this Twitter sign-in is unknown or expired: start it again");
        goto out;
    }
    struct kv p = {"oauth_verifier", oauth_verifier};
    if (twitter_oauth_post(c->app->cfg, "access_token", &p, 1, oauth_token, secret, &ans, e) != 0)
        goto out;
    const char *tok = form_str(ans, "oauth_token"), *sec = form_str(ans, "oauth_token_secret");
    const char *name = form_str(ans, "screen_name");
    if (!tok || !sec || !*tok || !*sec) {
        err_set(e, ERR_UNAVAILABLE, "Twitter's answer has no access token");
        goto out;
    }
    in = json_pack("{s:s, s:s, s:s}", "access_token", tok, "access_token_secret", sec,
                   "screen_name", name ? name : "");
    rc = app_integration_connect(c, "twitter", in, e);
out:
    free(secret);
    json_decref(row);
    json_decref(ans);
    json_decref(in);
    return rc;
}
