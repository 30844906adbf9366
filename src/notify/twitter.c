/*
 * notify/twitter — tweets (SPEC §10): POST {twitter.api_base}/2/tweets with
 * {"text"} and an OAuth 1.0a HMAC-SHA1 Authorization header (core/sign.h),
 * signed with the operator's consumer key and the page's connected account
 * (access_token, access_token_secret of the twitter integration, sealed in the
 * database). The text is "Stage: Title (WHEN)" (a maintenance's window in the page's zone
 * and in UTC, else the update's time), the message, and the event link, cut
 * to 280 characters with links counted as 23 (notify/text.h). 429 is retried
 * at x-rate-limit-reset; 401 and 403 (bad credentials, duplicate tweet) fail.
 */
#include "core/sign.h"
#include "core/timeutil.h"
#include "notify/channel.h"
#include "notify/text.h"
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>

static const char *get(json_t *o, const char *a, const char *b)
{
    const char *s = json_string_value(json_object_get(a ? json_object_get(o, a) : o, b));
    return s ? s : "";
}

static int prepare(struct notify_env *env, struct nmsg *m)
{
    const struct config *cfg = env->app->cfg;
    struct err e = {0};
    json_t *model = notify_update_model(env, m->update_id, NULL, &e), *integ;
    if (!model) {
        snprintf(m->error, sizeof m->error, "%s", e.msg);
        return -1;
    }
    if (!cfg->twitter_consumer_key || !cfg->twitter_consumer_secret) {
        snprintf(m->error, sizeof m->error,
                 "Twitter is not configured (twitter.consumer_key, twitter.consumer_secret)");
        return -1;
    }
    if (!(integ = notify_integration(env, m, m->page_id, "twitter"))) return -1;
    const char *token = get(integ, NULL, "access_token");
    const char *secret = get(integ, NULL, "access_token_secret");
    if (!*token || !*secret) {
        snprintf(m->error, sizeof m->error, "no Twitter account is connected");
        json_decref(integ);
        return -1;
    }
    char head[600], nonce[33], ts[24], *url = NULL;
    const char *window = get(model, "event", "window_short_utc"); /* the zone's and UTC */
    snprintf(head, sizeof head, "%s: %s (%s)", get(model, "update", "stage_label"),
             get(model, "event", "title"), *window ? window : get(model, "update", "time_short"));
    char *text = tweet_text(head, get(model, "update", "message_text"), get(model, "event", "url"));
    json_t *body = json_pack("{s:s}", "text", text);
    if (asprintf(&url, "%s/2/tweets", cfg->twitter_api_base) < 0) abort();
    sign_nonce(nonce);
    snprintf(ts, sizeof ts, "%" PRId64, time_now());
    char *auth = sign_oauth1_header("POST", url, NULL, 0, cfg->twitter_consumer_key,
                                    cfg->twitter_consumer_secret, token, secret, nonce, ts);
    char *hdr = NULL;
    if (asprintf(&hdr, "Authorization: %s", auth) < 0) abort();
    m->headers = curl_slist_append(m->headers, hdr);
    curl_easy_setopt(m->easy, CURLOPT_URL, url);
    notify_json_body(m, body);
    free(hdr), free(auth), free(url), free(text);
    json_decref(body);
    json_decref(integ);
    return 0;
}

const struct channel_ops notify_twitter = {
    .bit = CH_TWITTER, .prepare = prepare, .classify = notify_http_classify};
