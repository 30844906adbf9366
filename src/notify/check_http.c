/*
 * notify/check_http — an http monitor's check: one GET through the prober's curl multi.
 * It fails on a transport error, a status outside expect_status, a keyword missing from
 * the first CHECK_BODY_MAX bytes, or a latency (curl's total time) over max_latency_ms.
 * Reading stops at CHECK_BODY_MAX: the write callback refuses more, and that refusal is
 * no failure.
 */
#include "core/xalloc.h"
#include "notify/check.h"
#include <curl/curl.h>
#include <stdlib.h>
#include <string.h>

static size_t keep_body(char *data, size_t size, size_t n, void *arg)
{
    struct mon_check *c = arg;
    size_t len = size * n;
    if (c->body_len + len > CHECK_BODY_MAX) {
        len = CHECK_BODY_MAX - c->body_len;
        c->body_full = true;
    }
    if (c->keyword && len) {
        c->body = xrealloc(c->body, c->body_len + len + 1);
        memcpy(c->body + c->body_len, data, len);
        c->body[c->body_len + len] = '\0';
    }
    c->body_len += len;
    return c->body_full ? 0 : size * n; /* 0: curl stops reading (CURLE_WRITE_ERROR) */
}

int check_http_start(struct mon_check *c)
{
    check_begin(c);
    CURL *easy = curl_easy_init();
    if (!easy) {
        snprintf(c->error, sizeof c->error, "cannot start the request (out of memory)");
        return -1;
    }
    c->guard.allow_private = c->env->allow_private;
    transfer_setup(easy, &c->guard);
    long connect_ms = c->timeout_ms < 10000 ? c->timeout_ms : 10000;
    curl_easy_setopt(easy, CURLOPT_URL, c->target);
    curl_easy_setopt(easy, CURLOPT_PROTOCOLS_STR, "http,https");
    curl_easy_setopt(easy, CURLOPT_TIMEOUT_MS, c->timeout_ms);
    curl_easy_setopt(easy, CURLOPT_CONNECTTIMEOUT_MS, connect_ms);
    curl_easy_setopt(easy, CURLOPT_USERAGENT, "pharos-monitor");
    curl_easy_setopt(easy, CURLOPT_ACCEPT_ENCODING, "");
    curl_easy_setopt(easy, CURLOPT_WRITEFUNCTION, keep_body);
    curl_easy_setopt(easy, CURLOPT_WRITEDATA, c);
    curl_easy_setopt(easy, CURLOPT_PRIVATE, c);
    if (c->follow) {
        curl_easy_setopt(easy, CURLOPT_FOLLOWLOCATION, 1L);
        curl_easy_setopt(easy, CURLOPT_MAXREDIRS, 5L);
        curl_easy_setopt(easy, CURLOPT_REDIR_PROTOCOLS_STR, "http,https");
    }
    c->easy = easy;
    if (transfer_add(c->env->xfer, easy) != 0) {
        curl_easy_cleanup(easy);
        c->easy = NULL;
        snprintf(c->error, sizeof c->error, "cannot start the request");
        return -1;
    }
    return 0;
}

void check_http_finish(struct mon_check *c, int code)
{
    CURLcode cc = (CURLcode)code;
    CURL *easy = c->easy;
    long status = 0;
    curl_off_t total_us = 0;
    curl_easy_getinfo(easy, CURLINFO_RESPONSE_CODE, &status);
    curl_easy_getinfo(easy, CURLINFO_TOTAL_TIME_T, &total_us);
    c->latency_ms = (int64_t)(total_us + 500) / 1000;
    if (!c->latency_ms) c->latency_ms = 1; /* "0": not measured, to check_end */
    c->easy = NULL;
    bool refused = c->guard.refused;
    curl_easy_cleanup(easy);
    char codes[64];
    if (refused)
        check_end(c, "refused: the target is a loopback or private address "
                     "(monitors.allow_private_targets is false)");
    else if (cc != CURLE_OK && !(cc == CURLE_WRITE_ERROR && c->body_full))
        check_end(c, "%s", cc == CURLE_OPERATION_TIMEDOUT ? "timed out" : curl_easy_strerror(cc));
    else if (!monitor_expect_match(&c->expect, status))
        check_end(c, "HTTP %ld (expected %s)", status,
                  monitor_expect_format(&c->expect, codes, sizeof codes));
    else if (c->keyword &&
             (!c->body ||
              !memmem(c->body, c->body_len < CHECK_BODY_MAX ? c->body_len : CHECK_BODY_MAX,
                      c->keyword, strlen(c->keyword))))
        check_end(c, "the keyword is not in the response%s", c->body_full ? "'s first MiB" : "");
    else if (c->max_latency_ms && c->latency_ms > c->max_latency_ms)
        check_end(c, "took %lld ms, over the limit of %ld ms", (long long)c->latency_ms,
                  c->max_latency_ms);
    else
        check_end(c, NULL);
}

void check_http_cancel(struct mon_check *c)
{
    if (!c->easy) return;
    transfer_remove(c->env->xfer, c->easy);
    curl_easy_cleanup(c->easy);
    c->easy = NULL;
}
