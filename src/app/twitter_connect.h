/*
 * app/twitter_connect — "Sign in with Twitter" (SPEC §10): the three-legged
 * OAuth 1.0a flow that connects the page's Twitter account, called by the
 * admin console's routes.
 *
 *   1. app_twitter_connect_start(): POST {twitter.api_base}/oauth/request_token
 *      (signed with the operator's consumer key, oauth_callback=CALLBACK_URL);
 *      the request token's secret is kept sealed in the database (table
 *      oauth_requests, 15 minutes) and the console redirects to *AUTHORIZE_URL.
 *   2. Twitter redirects back to the callback with oauth_token and oauth_verifier;
 *      app_twitter_connect_finish() POSTs oauth/access_token signed with the
 *      request token and stores the account's access token and secret (sealed)
 *      and screen_name in the page's twitter integration.
 *
 * Both need PERM_SETTINGS. They wait on the network (bounded: 10 s connect,
 * 20 s in all) because the console request needs the answer; the request goes
 * through notify/ (the only code that opens outbound connections) with the same
 * outbound safety rules as deliveries. Errors: 400 when Twitter is not
 * configured (twitter.consumer_key/secret), 400 for an unknown or expired
 * oauth_token, 503 when Twitter cannot be reached or refuses.
 */
#ifndef PHAROS_APP_TWITTER_CONNECT_H
#define PHAROS_APP_TWITTER_CONNECT_H
#include "app/app.h"

/* Sets *AUTHORIZE_URL (caller frees) to "{api_base}/oauth/authorize?oauth_token=…". */
int app_twitter_connect_start(struct app_ctx *c, const char *callback_url, char **authorize_url,
                              struct err *e);
/* Completes the flow for the request token OAUTH_TOKEN with OAUTH_VERIFIER. */
int app_twitter_connect_finish(struct app_ctx *c, const char *oauth_token,
                               const char *oauth_verifier, struct err *e);

#endif
