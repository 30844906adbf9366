/*
 * notify/twitter_oauth — the two legs of "Sign in with Twitter" that talk to
 * Twitter (oauth/request_token and oauth/access_token), for app/twitter_connect.
 * Blocking on purpose: the console request that starts them needs the answer.
 * Same outbound rules as every delivery (notify/transfer.h: private targets,
 * no redirects, 10 s to connect, 30 s in all).
 */
#ifndef PHAROS_NOTIFY_TWITTER_OAUTH_H
#define PHAROS_NOTIFY_TWITTER_OAUTH_H
#include <jansson.h>
#include "core/config.h"
#include "core/err.h"
#include "notify/sign.h"

/*
 * POSTs {twitter.api_base}/oauth/ENDPOINT with an OAuth 1.0a header signed by the
 * consumer key and TOKEN / TOKEN_SECRET (NULL for request_token) that carries the
 * oauth_* PARAMS (N). *OUT gets Twitter's form answer as a JSON object of strings.
 * Returns 0, or -1 with E: 503 when Twitter cannot be reached or refuses.
 */
int twitter_oauth_post(const struct config *cfg, const char *endpoint, const struct kv *params,
                       size_t n, const char *token, const char *token_secret, json_t **out,
                       struct err *e);

#endif
