/*
 * notify/oidc_client — OpenID Connect's outbound calls on the dispatcher's loop. See
 * oidc_client.h.
 *
 * Each call is one struct call on a short list (sign-ins are rare). A provider fetch is
 * two calls in a row: the discovery document, then the jwks_uri it names; at most one
 * such fetch is in flight (the provider's row lease keeps other nodes out). Outcomes are
 * recorded through app/oidc.h's dispatcher functions.
 */
#include "notify/oidc_client.h"
#include "app/oidc.h"
#include "core/buf.h"
#include "core/log.h"
#include "core/xalloc.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum { RESP_MAX = 256 << 10 };

enum kind { DISCOVERY, JWKS, TOKEN };

struct call {
    struct call *next;
    enum kind kind;
    json_t *row;  /* TOKEN: the claimed sign-in */
    char *config; /* JWKS: the discovery document it follows */
    CURL *easy;
    struct curl_slist *headers;
    struct transfer_guard guard;
    struct buf resp;
};

struct oidc_client {
    struct notify_env *env;
    struct transfer *xfer;
    struct call *calls;
    bool fetching; /* a DISCOVERY or JWKS call is in flight */
};

static void call_free(struct call *k)
{
    if (!k) return;
    if (k->easy) curl_easy_cleanup(k->easy);
    curl_slist_free_all(k->headers);
    buf_free(&k->resp);
    json_decref(k->row);
    free(k->config);
    free(k);
}

struct oidc_client *oidc_client_new(struct notify_env *env, struct transfer *xfer)
{
    struct oidc_client *o = xcalloc(1, sizeof *o);
    o->env = env;
    o->xfer = xfer;
    return o;
}

void oidc_client_free(struct oidc_client *o)
{
    if (!o) return;
    while (o->calls) {
        struct call *k = o->calls;
        o->calls = k->next;
        transfer_remove(o->xfer, k->easy);
        call_free(k);
    }
    free(o);
}

static size_t on_write(char *p, size_t size, size_t n, void *arg)
{
    struct buf *b = arg;
    buf_append(b, p, size * n); /* past the buffer's limit the answer is cut (then refused) */
    return size * n;
}

/* Starts K (kind, row, config set) on URL: a GET, or POST BODY with USERPWD (may be NULL).
 * Returns 0, or -1 (K freed). */
static int start(struct oidc_client *o, struct call *k, const char *url, const char *body,
                 const char *userpwd)
{
    buf_init(&k->resp, RESP_MAX);
    buf_puts(&k->resp, "");
    if (!(k->easy = curl_easy_init())) {
        call_free(k);
        return -1;
    }
    k->guard.allow_private = true; /* the issuer is the operator's (transfer.h) */
    transfer_setup(k->easy, &k->guard);
    k->headers = curl_slist_append(NULL, "Accept: application/json");
    curl_easy_setopt(k->easy, CURLOPT_URL, url);
    curl_easy_setopt(k->easy, CURLOPT_HTTPHEADER, k->headers);
    curl_easy_setopt(k->easy, CURLOPT_WRITEFUNCTION, on_write);
    curl_easy_setopt(k->easy, CURLOPT_WRITEDATA, &k->resp);
    if (body) curl_easy_setopt(k->easy, CURLOPT_COPYPOSTFIELDS, body);
    if (userpwd) {
        curl_easy_setopt(k->easy, CURLOPT_HTTPAUTH, CURLAUTH_BASIC);
        curl_easy_setopt(k->easy, CURLOPT_USERPWD, userpwd);
    }
    if (transfer_add(o->xfer, k->easy) != 0) {
        call_free(k);
        return -1;
    }
    k->next = o->calls;
    o->calls = k;
    return 0;
}

/* Records a provider fetch that ended before its key set: ERROR. */
static void provider_failed(struct oidc_client *o, const char *error)
{
    struct err e = {0};
    o->fetching = false;
    if (app_oidc_provider_record(o->env->app, o->env->db, NULL, 0, NULL, error, &e) != 0)
        log_error("oidc: recording the provider's fetch: %s (tried again when its lease ends)",
                  e.msg);
}

static void record_exchange(struct oidc_client *o, json_t *row, long status, const char *body,
                            const char *error)
{
    struct err e = {0};
    if (app_oidc_exchange_record(o->env->app, o->env->db, row, status, body, error, &e) != 0)
        log_error("oidc: recording sign-in %lld: %s (tried again when its lease ends)",
                  (long long)json_integer_value(json_object_get(row, "id")), e.msg);
}

static void start_exchange(struct oidc_client *o, json_t *row)
{
    struct app_oidc_token_request q;
    char why[400];
    const char *bad = app_oidc_token_request(o->env->app, o->env->db, row, &q, why, sizeof why);
    if (bad) {
        record_exchange(o, row, 0, NULL, bad);
        return;
    }
    struct call *k = xcalloc(1, sizeof *k);
    k->kind = TOKEN;
    k->row = json_incref(row);
    if (start(o, k, q.url, q.body, q.userpwd) != 0)
        record_exchange(o, row, 0, NULL, "cannot start the transfer");
    app_oidc_token_request_free(&q);
}

void oidc_client_pump(struct oidc_client *o)
{
    struct err e = {0};
    char *url = NULL;
    json_t *rows, *row;
    size_t i;
    if (!o || !app_oidc_configured(o->env->app->cfg)) return;
    if (!o->fetching) {
        int due = app_oidc_provider_due(o->env->app, o->env->db, &url, &e);
        if (due < 0 && !err_logged_by_store(&e))
            log_error("oidc: looking at the provider: %s", e.msg);
        if (due > 0) {
            struct call *k = xcalloc(1, sizeof *k);
            k->kind = DISCOVERY;
            o->fetching = start(o, k, url, NULL, NULL) == 0;
            if (!o->fetching) provider_failed(o, "cannot start the transfer");
        }
        free(url);
    }
    if (!(rows = app_oidc_exchanges_claim(o->env->app, o->env->db, &e))) {
        if (!err_logged_by_store(&e)) log_error("oidc: claiming sign-ins: %s", e.msg);
        return;
    }
    json_array_foreach(rows, i, row) start_exchange(o, row);
    json_decref(rows);
}

/* The discovery document came (STATUS, BODY): fetch its key set. */
static void discovered(struct oidc_client *o, long status, const char *body)
{
    char why[600], *jwks_uri = NULL;
    const char *bad =
        app_oidc_discovery_check(o->env->app->cfg, status, body, &jwks_uri, why, sizeof why);
    if (bad) {
        provider_failed(o, bad);
        return;
    }
    struct call *k = xcalloc(1, sizeof *k);
    k->kind = JWKS;
    k->config = xstrdup(body);
    if (start(o, k, jwks_uri, NULL, NULL) != 0) provider_failed(o, "cannot start the transfer");
    free(jwks_uri);
}

bool oidc_client_done(struct oidc_client *o, CURL *easy, CURLcode cc)
{
    struct call **at = &o->calls, *k;
    char why[400] = "";
    long status = 0;
    struct err e = {0};
    while (*at && (*at)->easy != easy)
        at = &(*at)->next;
    if (!(k = *at)) return false;
    *at = k->next;
    curl_easy_getinfo(easy, CURLINFO_RESPONSE_CODE, &status);
    if (cc != CURLE_OK)
        snprintf(why, sizeof why, "cannot reach the provider (%s): %s",
                 k->kind == TOKEN  ? "token endpoint"
                 : k->kind == JWKS ? "jwks_uri"
                                   : "discovery",
                 curl_easy_strerror(cc));
    else if (buf_full(&k->resp))
        snprintf(why, sizeof why, "the provider's answer is larger than %d KiB", RESP_MAX >> 10);
    const char *error = *why ? why : NULL, *body = k->resp.data;
    if (k->kind == TOKEN) {
        record_exchange(o, k->row, status, body, error);
    } else if (k->kind == DISCOVERY) {
        if (error)
            provider_failed(o, error);
        else
            discovered(o, status, body);
    } else {
        o->fetching = false;
        if (app_oidc_provider_record(o->env->app, o->env->db, k->config, status, body, error, &e) !=
            0)
            log_error("oidc: recording the provider's keys: %s", e.msg);
    }
    call_free(k);
    oidc_client_pump(o); /* a token with an unknown key asked for keys; new sign-ins */
    return true;
}
