/*
 * notify/twitter_oauth — OAuth 1.0a token requests on the dispatcher's loop.
 * See twitter_oauth.h.
 *
 * Each claimed oauth_requests row becomes one struct call on a short list (a
 * sign-in is rare, a handful at most are in flight); the dispatcher's on_done
 * asks twitter_oauth_done() first whether a finished handle is one of ours.
 * Outcomes are recorded through app_twitter_connect_record() as the system actor.
 */
#include "notify/twitter_oauth.h"
#include "app/twitter_connect.h"
#include "core/buf.h"
#include "core/log.h"
#include "core/sign.h"
#include "core/timeutil.h"
#include "core/xalloc.h"
#include "http/form.h"
#include "store/outbox.h"
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum { LEASE_S = 60, CLAIM = 8, RESP_MAX = 64 << 10 };

struct call {
    struct call *next;
    json_t *row; /* the claimed oauth_requests row */
    CURL *easy;
    struct curl_slist *headers;
    struct transfer_guard guard;
    struct buf resp;
};

struct twitter_oauth {
    struct notify_env *env;
    struct transfer *xfer;
    struct call *calls;
};

static void call_free(struct call *k)
{
    if (!k) return;
    if (k->easy) curl_easy_cleanup(k->easy);
    curl_slist_free_all(k->headers);
    buf_free(&k->resp);
    json_decref(k->row);
    free(k);
}

struct twitter_oauth *twitter_oauth_new(struct notify_env *env, struct transfer *xfer)
{
    struct twitter_oauth *o = xcalloc(1, sizeof *o);
    o->env = env;
    o->xfer = xfer;
    return o;
}

void twitter_oauth_free(struct twitter_oauth *o)
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

/* Records ROW's outcome: Twitter's ANSWER or the reason ERROR. */
static void record(struct twitter_oauth *o, json_t *row, json_t *answer, const char *error)
{
    struct err e = {0};
    int64_t id = json_integer_value(json_object_get(row, "id"));
    struct app_ctx c = {.app = o->env->app,
                        .db = o->env->db,
                        .page_id = json_integer_value(json_object_get(row, "page_id")),
                        .actor = {.kind = ACTOR_SYSTEM}};
    if (error) log_info("notify: Twitter sign-in %lld: %s", (long long)id, error);
    if (app_twitter_connect_record(&c, row, answer, error, &e) != 0)
        log_error("notify: recording Twitter sign-in %lld: %s (retried when its lease ends)",
                  (long long)id, e.msg);
}

static const char *jstr(json_t *row, const char *key)
{
    const char *s = json_string_value(json_object_get(row, key));
    return s ? s : "";
}

static size_t on_write(char *p, size_t size, size_t n, void *arg)
{
    struct buf *b = arg;
    buf_append(b, p, size * n); /* past the buffer's limit the answer is cut (then refused) */
    return size * n;
}

/* Builds the signed POST of K's leg on K->easy; NULL, or why it cannot. */
static const char *prepare(struct twitter_oauth *o, struct call *k)
{
    const struct config *cfg = o->env->app->cfg;
    bool first = strcmp(jstr(k->row, "state"), "requested") == 0;
    const char *token = first ? NULL : jstr(k->row, "token");
    char url[1024], nonce[33], ts[24], *secret = NULL, *auth, *hdr;
    struct kv p = {first ? "oauth_callback" : "oauth_verifier",
                   jstr(k->row, first ? "callback" : "verifier")};
    if (!app_twitter_configured(cfg))
        return "Twitter is not configured (twitter.consumer_key and twitter.consumer_secret)";
    if (!*p.v ||
        (!first && (!*token || !(secret = secret_open(o->env->app->key, jstr(k->row, "secret"))))))
        return "this Twitter sign-in is unknown or expired: start it again";
    if (!(k->easy = curl_easy_init())) {
        free(secret);
        return "cannot create a transfer";
    }
    snprintf(url, sizeof url, "%s/oauth/%s", cfg->twitter_api_base,
             first ? "request_token" : "access_token");
    sign_nonce(nonce);
    snprintf(ts, sizeof ts, "%" PRId64, time_now());
    auth = sign_oauth1_header("POST", url, &p, 1, cfg->twitter_consumer_key,
                              cfg->twitter_consumer_secret, token, secret, nonce, ts);
    free(secret);
    if (asprintf(&hdr, "Authorization: %s", auth) < 0) abort();
    free(auth);
    k->headers = curl_slist_append(NULL, hdr);
    free(hdr);
    k->guard.allow_private = true; /* twitter.api_base is the operator's (transfer.h) */
    transfer_setup(k->easy, &k->guard);
    curl_easy_setopt(k->easy, CURLOPT_COPYPOSTFIELDS, "");
    curl_easy_setopt(k->easy, CURLOPT_URL, url);
    curl_easy_setopt(k->easy, CURLOPT_HTTPHEADER, k->headers);
    curl_easy_setopt(k->easy, CURLOPT_WRITEFUNCTION, on_write);
    curl_easy_setopt(k->easy, CURLOPT_WRITEDATA, &k->resp);
    return NULL;
}

static void start(struct twitter_oauth *o, json_t *row)
{
    struct call *k = xcalloc(1, sizeof *k);
    const char *why;
    k->row = json_incref(row);
    buf_init(&k->resp, RESP_MAX);
    buf_puts(&k->resp, "");
    if (!(why = prepare(o, k)) && transfer_add(o->xfer, k->easy) != 0)
        why = "cannot start the transfer";
    if (why) {
        record(o, row, NULL, why);
        call_free(k);
        return;
    }
    k->next = o->calls;
    o->calls = k;
}

void twitter_oauth_pump(struct twitter_oauth *o)
{
    struct err e = {0};
    int64_t now = time_now();
    json_t *rows = NULL, *row;
    size_t i;
    if (db_begin(o->env->db, &e) != 0 ||
        !(rows = store_oauth_requests_claim(o->env->db, now, now + LEASE_S, CLAIM, &e)) ||
        db_commit(o->env->db, &e) != 0) {
        db_rollback(o->env->db);
        if (!err_logged_by_store(&e)) log_error("notify: claiming Twitter sign-ins: %s", e.msg);
        json_decref(rows);
        return;
    }
    json_array_foreach(rows, i, row) start(o, row);
    json_decref(rows);
}

bool twitter_oauth_done(struct twitter_oauth *o, CURL *easy, CURLcode cc)
{
    struct call **at = &o->calls, *k;
    char why[400];
    long status = 0;
    json_t *answer = NULL;
    struct err e = {0};
    while (*at && (*at)->easy != easy)
        at = &(*at)->next;
    if (!(k = *at)) return false;
    *at = k->next;
    curl_easy_getinfo(easy, CURLINFO_RESPONSE_CODE, &status);
    if (cc != CURLE_OK)
        snprintf(why, sizeof why, "cannot reach Twitter: %s", curl_easy_strerror(cc));
    else if (status != 200 || buf_full(&k->resp))
        snprintf(why, sizeof why, "Twitter refused the sign-in (HTTP %ld): %.200s", status,
                 k->resp.data);
    else if (!(answer = form_decode(k->resp.data, k->resp.len, &e)))
        snprintf(why, sizeof why, "Twitter's answer cannot be read: %.200s", e.msg);
    record(o, k->row, answer, answer ? NULL : why);
    json_decref(answer);
    call_free(k);
    return true;
}
