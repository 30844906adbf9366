/*
 * app/twitter_connect — "Sign in with Twitter". See twitter_connect.h.
 *
 * The request token's secret is needed again to sign oauth/access_token, so it
 * is kept between the two legs in oauth_requests, sealed with the secret key,
 * and dropped when the row leaves state ready; rows are forgotten 15 minutes
 * after they were created (store/outbox.h). Connecting the account and marking
 * the row done are two transactions: if the second fails, the lease runs out,
 * the dispatcher tries the (now used) verifier again and Twitter's refusal marks
 * the row failed, while the account stays connected.
 */
#include "app/twitter_connect.h"
#include "app/integrations.h"
#include "core/timeutil.h"
#include "core/urlform.h"
#include "core/xalloc.h"
#include "store/outbox.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum { TOKEN_MAX = 200 };

bool app_twitter_configured(const struct config *cfg)
{
    return cfg->twitter_consumer_key && *cfg->twitter_consumer_key &&
           cfg->twitter_consumer_secret && *cfg->twitter_consumer_secret;
}

static int configured(struct app_ctx *c, struct err *e)
{
    if (app_require(c, PERM_SETTINGS, e) != 0) return -1;
    if (!app_twitter_configured(c->app->cfg))
        return err_set(e, ERR_INVALID,
                       "Twitter is not configured: set twitter.consumer_key and "
                       "twitter.consumer_secret (the operator's Twitter app)");
    return 0;
}

/* Commits the open transaction and wakes the dispatcher. */
static int commit_and_wake(struct app_ctx *c, struct err *e)
{
    if (app_commit(c, false, e) != 0) return -1;
    if (c->app->on_work) c->app->on_work(c->app);
    return 0;
}

int64_t app_twitter_connect_request(struct app_ctx *c, const char *callback_url, struct err *e)
{
    int64_t id;
    if (configured(c, e) != 0 || db_begin(c->db, e) != 0) return -1;
    if ((id = store_oauth_request_add(c->db, c->page_id, callback_url, time_now(), e)) < 0 ||
        commit_and_wake(c, e) != 0) {
        db_rollback(c->db);
        return -1;
    }
    return id;
}

int app_twitter_connect_poll(struct app_ctx *c, int64_t id, enum twitter_connect_step *step,
                             char **text, struct err *e)
{
    json_t *row;
    *text = NULL;
    if (app_require(c, PERM_SETTINGS, e) != 0) return -1;
    if (!(row = store_oauth_request_get(c->db, c->page_id, id, e)))
        return e->code ? -1
                       : err_set(e, ERR_NOT_FOUND,
                                 "this Twitter sign-in is unknown or expired: start it again");
    const char *state = json_string_value(json_object_get(row, "state"));
    const char *token = json_string_value(json_object_get(row, "token"));
    const char *error = json_string_value(json_object_get(row, "error"));
    if (strcmp(state, "ready") == 0 && token) {
        char *enc = url_pct_encode(token);
        if (asprintf(text, "%s/oauth/authorize?oauth_token=%s", c->app->cfg->twitter_api_base,
                     enc) < 0)
            abort();
        free(enc);
        *step = TWITTER_CONNECT_AUTHORIZE;
    } else if (strcmp(state, "done") == 0) {
        *step = TWITTER_CONNECT_DONE;
    } else if (strcmp(state, "failed") == 0) {
        *text = xstrdup(error ? error : "Twitter refused the sign-in");
        *step = TWITTER_CONNECT_FAILED;
    } else if (json_integer_value(json_object_get(row, "updated")) <
               time_now() - TWITTER_CONNECT_WAIT_S) {
        *text = xstrdup("Twitter did not answer in time; nothing was connected. Try again.");
        *step = TWITTER_CONNECT_FAILED;
    } else {
        *step = TWITTER_CONNECT_WAIT;
    }
    json_decref(row);
    return 0;
}

int64_t app_twitter_connect_callback(struct app_ctx *c, const char *oauth_token,
                                     const char *oauth_verifier, struct err *e)
{
    int64_t id;
    if (configured(c, e) != 0) return -1;
    if (!oauth_token || !oauth_verifier || !*oauth_token || !*oauth_verifier ||
        strlen(oauth_verifier) > TOKEN_MAX)
        return err_set(e, ERR_INVALID, "oauth_token and oauth_verifier are required");
    if (db_begin(c->db, e) != 0) return -1;
    id = store_oauth_request_verify(c->db, c->page_id, oauth_token, oauth_verifier, time_now(), e);
    if (id == 0)
        err_set(e, ERR_INVALID, "this Twitter sign-in is unknown or expired: start it again");
    if (id <= 0 || commit_and_wake(c, e) != 0) {
        db_rollback(c->db);
        return -1;
    }
    return id;
}

/* Stores the account of access-token ANSWER in C's twitter integration; NULL, or the
 * reason it cannot. */
static const char *connect_account(struct app_ctx *c, json_t *answer, struct err *e)
{
    const char *tok = form_str(answer, "oauth_token"),
               *sec = form_str(answer, "oauth_token_secret");
    const char *name = form_str(answer, "screen_name");
    if (!tok || !sec || !*tok || !*sec) return "Twitter's answer has no access token";
    json_t *in = json_pack("{s:s, s:s, s:s}", "access_token", tok, "access_token_secret", sec,
                           "screen_name", name ? name : "");
    int rc = app_integration_connect(c, "twitter", in, e);
    json_decref(in);
    return rc == 0 ? NULL : e->msg;
}

int app_twitter_connect_record(struct app_ctx *c, json_t *row, json_t *answer, const char *error,
                               struct err *e)
{
    int64_t id = json_integer_value(json_object_get(row, "id"));
    const char *state = json_string_value(json_object_get(row, "state"));
    const char *tok = NULL, *next = "failed";
    char *sealed = NULL;
    struct err ce = {0};
    if (!error && strcmp(state, "requested") == 0) {
        tok = form_str(answer, "oauth_token");
        const char *sec = form_str(answer, "oauth_token_secret");
        if (!tok || !sec || !*tok || strlen(tok) > TOKEN_MAX) {
            error = "Twitter's answer has no request token";
            tok = NULL;
        } else {
            sealed = secret_seal(c->app->key, sec);
            next = "ready";
        }
    } else if (!error) {
        if (!(error = connect_account(c, answer, &ce))) next = "done";
    }
    int rc = -1;
    if (db_begin(c->db, e) == 0 &&
        store_oauth_request_finish(c->db, id, next, tok, sealed, error, time_now(), e) == 0 &&
        app_commit(c, false, e) == 0)
        rc = 0;
    else
        db_rollback(c->db);
    free(sealed);
    return rc;
}
