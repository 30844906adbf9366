/*
 * notify/twitter_oauth — the two legs of "Sign in with Twitter" that talk to
 * Twitter (oauth/request_token and oauth/access_token), run by the dispatcher on
 * its loop and curl multi (app/twitter_connect.h has the flow). No request
 * handler waits on them: the console records a request in oauth_requests and
 * wakes the dispatcher, whose pump calls twitter_oauth_pump().
 *
 * Same outbound rules as every delivery (notify/transfer.h: no redirects, 10 s
 * to connect, 30 s in all); twitter.api_base is the operator's configuration, so
 * the private-address guard does not apply. A claimed request holds a 60 s lease;
 * transfers cut short by shutdown leave it to be picked up again when it runs out.
 */
#ifndef PHAROS_NOTIFY_TWITTER_OAUTH_H
#define PHAROS_NOTIFY_TWITTER_OAUTH_H
#include "notify/channel.h"
#include "notify/transfer.h"
#include <stdbool.h>

struct twitter_oauth;

/* The sign-ins of ENV's database, sent on XFER (both kept by the caller, outliving it). */
struct twitter_oauth *twitter_oauth_new(struct notify_env *env, struct transfer *xfer);
/* Stops and frees what is in flight (its rows keep their leases); NULL is a no-op. */
void twitter_oauth_free(struct twitter_oauth *o);
/* Claims the requests waiting for Twitter and starts their transfers. */
void twitter_oauth_pump(struct twitter_oauth *o);
/* When EASY (finished with CC on XFER) is one of O's: records its outcome, frees it and
 * returns true. False for any other handle. */
bool twitter_oauth_done(struct twitter_oauth *o, CURL *easy, CURLcode cc);

#endif
