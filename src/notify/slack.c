/*
 * notify/slack — Slack incoming webhooks (SPEC §10): POST {webhook_url} with
 * {"text","blocks"}: the fallback text "[Page] Stage: Title", a section with the
 * linked title, stage and services, the message, and a context line. Text is
 * escaped for Slack's mrkdwn (& < >). 404 and 410 mean the webhook is gone
 * (permanent); 429 and 5xx are retried (Retry-After honoured by the dispatcher).
 */
#include "notify/channel.h"
#include "core/buf.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* S escaped for mrkdwn into B. */
static void put_escaped(struct buf *b, const char *s)
{
    for (; *s; s++) {
        switch (*s) {
        case '&': buf_puts(b, "&amp;"); break;
        case '<': buf_puts(b, "&lt;"); break;
        case '>': buf_puts(b, "&gt;"); break;
        default: buf_putc(b, *s);
        }
    }
}

static const char *get(json_t *o, const char *a, const char *b)
{
    const char *s = json_string_value(json_object_get(json_object_get(o, a), b));
    return s ? s : "";
}

static int prepare(struct notify_env *env, struct nmsg *m)
{
    struct err e = {0};
    json_t *model = notify_update_model(env, m->update_id, &e), *cfg;
    if (!model) {
        snprintf(m->error, sizeof m->error, "%s", e.msg);
        return -1;
    }
    if (!(cfg = notify_integration(env, m, m->page_id, "slack")))
        return -1;
    const char *url = json_string_value(json_object_get(cfg, "webhook_url"));
    if (!url || !*url) {
        snprintf(m->error, sizeof m->error, "the Slack integration has no webhook_url");
        json_decref(cfg);
        return -1;
    }
    struct buf head, body;
    buf_init(&head, 1 << 20);
    buf_init(&body, 1 << 20);
    buf_puts(&head, "*<");
    put_escaped(&head, get(model, "event", "url"));
    buf_puts(&head, "|");
    put_escaped(&head, get(model, "event", "title"));
    buf_puts(&head, ">*\n*");
    put_escaped(&head, get(model, "update", "stage_label"));
    buf_puts(&head, "*");
    if (*get(model, "event", "services_text")) {
        buf_puts(&head, " · ");
        put_escaped(&head, get(model, "event", "services_text"));
    }
    buf_puts(&body, "");
    put_escaped(&body, get(model, "update", "message_text"));
    if (body.len > 2900)
        buf_truncate(&body, 2900); /* Slack's section limit is 3000 */
    json_t *blocks = json_pack("[{s:s, s:{s:s, s:s}}]", "type", "section", "text", "type",
                               "mrkdwn", "text", head.data);
    if (body.len)
        json_array_append_new(blocks, json_pack("{s:s, s:{s:s, s:s}}", "type", "section", "text",
                                                "type", "mrkdwn", "text", body.data));
    json_array_append_new(blocks, json_pack("{s:s, s:[{s:s, s:s}]}", "type", "context",
                                            "elements", "type", "plain_text", "text",
                                            get(model, "page", "title")));
    const char *subject = json_string_value(json_object_get(model, "subject"));
    json_t *payload = json_pack("{s:s, s:o}", "text", subject ? subject : "", "blocks", blocks);
    curl_easy_setopt(m->easy, CURLOPT_URL, url);
    notify_json_body(m, payload);
    json_decref(payload);
    json_decref(cfg);
    buf_free(&head);
    buf_free(&body);
    return 0;
}

const struct channel_ops notify_slack = {"slack", CH_SLACK, prepare, notify_http_classify, NULL};
