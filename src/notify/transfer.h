/*
 * notify/transfer — libcurl on a libevent loop, and the outbound safety rules
 * every request obeys (SPEC §10):
 *  - the connection is refused when the resolved address is loopback, private,
 *    link-local… (core/netaddr.h) unless the guard allows it (checked in
 *    CURLOPT_OPENSOCKETFUNCTION, so DNS names pointing inside are caught too);
 *    the guard records it so the caller can say why. Callers allow it for
 *    security.allow_private_targets, and always for targets the operator
 *    configured (email.smtp_url, sms.api_base, twitter.api_base): the guard is
 *    for URLs page admins or visitors supply (Slack webhook_url, webhook url);
 *  - redirects are never followed; only http, https, smtp and smtps;
 *  - 10 s to connect, 30 s in all.
 *
 * struct transfer is a curl multi handle driven by curl's socket API: curl's
 * sockets become libevent events on BASE and its timer a libevent timer.
 * Finished transfers are reported to ON_DONE on the loop's thread.
 */
#ifndef PHAROS_NOTIFY_TRANSFER_H
#define PHAROS_NOTIFY_TRANSFER_H
#include <curl/curl.h>
#include <event2/event.h>
#include <stdbool.h>

enum { TRANSFER_CONNECT_S = 10, TRANSFER_TOTAL_S = 30 };

struct transfer;
typedef void (*transfer_done_fn)(void *arg, CURL *easy, CURLcode cc);

/* Whether private targets are allowed (see above), and whether one was refused. */
struct transfer_guard {
    bool allow_private;
    bool refused;
};

/* Sets the common options on EASY; G (kept by the caller while EASY lives) says whether
 * private targets are allowed and records a refusal. */
void transfer_setup(CURL *easy, struct transfer_guard *g);

/* A multi on BASE with at most MAX_CONNS connections per host. NULL on failure. */
struct transfer *transfer_new(struct event_base *base, long max_conns, transfer_done_fn on_done,
                              void *arg);
/* Removes and reports nothing; the caller cleans up the easy handles it added. */
void transfer_free(struct transfer *t);
/* Starts EASY. Returns 0, or -1 (it was not added). */
int transfer_add(struct transfer *t, CURL *easy);
/* Stops EASY (the caller then frees it). */
void transfer_remove(struct transfer *t, CURL *easy);

#endif
