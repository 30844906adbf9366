/*
 * app/twitter_connect — "Sign in with Twitter" (SPEC §10): the three-legged
 * OAuth 1.0a flow that connects the page's Twitter account. No request handler
 * waits on Twitter: the console records what it wants in oauth_requests and
 * wakes the dispatcher (app->on_work), which talks to Twitter on its own loop
 * (notify/twitter_oauth.h) and records the answers here; the console's
 * "connecting" page polls the row.
 *
 *   1. app_twitter_connect_request(): a row in state requested. The dispatcher
 *      POSTs oauth/request_token (oauth_callback = the console's callback URL) and
 *      app_twitter_connect_record() keeps the request token and its secret
 *      (sealed): state ready. app_twitter_connect_poll() then names the URL to
 *      send the browser to, {api_base}/oauth/authorize?oauth_token=….
 *   2. Twitter sends the browser back with oauth_token and oauth_verifier:
 *      app_twitter_connect_callback() records the verifier (state verifying).
 *      The dispatcher POSTs oauth/access_token signed with the request token and
 *      app_twitter_connect_record() stores the account's access token and secret
 *      (sealed) and screen_name in the page's twitter integration: state done.
 *   Any refusal or unreachable Twitter ends in state failed with the reason.
 *
 * The console functions need PERM_SETTINGS. Errors: 400 when Twitter is not
 * configured (twitter.consumer_key/secret) or for an unknown or expired
 * oauth_token, 404 for an unknown request id.
 */
#ifndef PHAROS_APP_TWITTER_CONNECT_H
#define PHAROS_APP_TWITTER_CONNECT_H
#include "app/app.h"

/* How long the console waits for the dispatcher before giving up on a step. */
enum { TWITTER_CONNECT_WAIT_S = 30 };

enum twitter_connect_step {
    TWITTER_CONNECT_WAIT,      /* the dispatcher has not answered yet */
    TWITTER_CONNECT_AUTHORIZE, /* send the browser to the authorize URL */
    TWITTER_CONNECT_DONE,      /* the account is connected */
    TWITTER_CONNECT_FAILED,    /* with the reason */
};

/* Whether CFG names the operator's Twitter app (twitter.consumer_key and _secret). */
bool app_twitter_configured(const struct config *cfg);

/* Records a sign-in of C's page that will come back to CALLBACK_URL and wakes the
 * dispatcher. Returns the request's id, or -1 with E. */
int64_t app_twitter_connect_request(struct app_ctx *c, const char *callback_url, struct err *e);

/* Where sign-in ID stands: *STEP, and *TEXT (caller frees; NULL for WAIT and DONE) the
 * authorize URL or the reason it failed. A step the dispatcher has not answered within
 * TWITTER_CONNECT_WAIT_S fails. Returns 0, or -1 with E (404: unknown or expired). */
int app_twitter_connect_poll(struct app_ctx *c, int64_t id, enum twitter_connect_step *step,
                             char **text, struct err *e);

/* Records Twitter's OAUTH_VERIFIER for request token OAUTH_TOKEN and wakes the
 * dispatcher. Returns the request's id, or -1 with E (400: unknown or expired). */
int64_t app_twitter_connect_callback(struct app_ctx *c, const char *oauth_token,
                                     const char *oauth_verifier, struct err *e);

/* For the dispatcher (C: the system actor on ROW's page): records the outcome of the call
 * it made for ROW (a row of store_oauth_requests_claim): Twitter's form ANSWER, or the
 * reason ERROR it failed (ANSWER NULL). Returns 0, or -1 with E (nothing recorded). */
int app_twitter_connect_record(struct app_ctx *c, json_t *row, json_t *answer, const char *error,
                               struct err *e);

#endif
