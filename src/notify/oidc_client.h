/*
 * notify/oidc_client — the outbound legs of OpenID Connect sign-in (app/oidc.h has the
 * flow): the provider's discovery document and key set, and the exchange of each
 * sign-in's code at the token endpoint. Run by the dispatcher on its loop and curl multi;
 * no request handler waits on the provider. The browser's legs record what they want in
 * the database and wake the dispatcher, whose pump calls oidc_client_pump().
 *
 * Same outbound rules as every delivery (notify/transfer.h: no redirects, 10 s to
 * connect, 30 s in all); the issuer is the operator's configuration, so the
 * private-address guard does not apply. Answers past 256 KiB are refused.
 */
#ifndef PHAROS_NOTIFY_OIDC_CLIENT_H
#define PHAROS_NOTIFY_OIDC_CLIENT_H
#include "notify/channel.h"
#include "notify/transfer.h"
#include <stdbool.h>

struct oidc_client;

/* The sign-ins of ENV's database, sent on XFER (both kept by the caller, outliving it). */
struct oidc_client *oidc_client_new(struct notify_env *env, struct transfer *xfer);
/* Stops and frees what is in flight (its rows keep their leases); NULL is a no-op. */
void oidc_client_free(struct oidc_client *o);
/* Fetches the provider when due and starts the exchanges waiting. */
void oidc_client_pump(struct oidc_client *o);
/* When EASY (finished with CC on XFER) is one of O's: records its outcome, frees it and
 * returns true. False for any other handle. */
bool oidc_client_done(struct oidc_client *o, CURL *easy, CURLcode cc);

#endif
