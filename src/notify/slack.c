/*
 * notify/slack — Slack incoming webhooks (SPEC §10): POST {webhook_url} with
 * {"text","blocks"}: the fallback text "[Page] Stage: Title", a section with the
 * linked title, stage and services, a section with the message, and a context
 * line with the page name. Every text Slack reads (the fallback, each section,
 * the context, all mrkdwn) is escaped (& < > as entities) and cut at a character
 * to Slack's limit of 3,000 characters with "…" (slack_text, notify/text.h), so
 * "<!channel>" in a title stays text and a long message keeps its section.
 * 404 and 410 mean the webhook is gone (permanent); 429 and 5xx are retried
 * (Retry-After honoured by the dispatcher). The target is the page's integration, or a
 * subscriber's URL (notify_chat_target).
 */
#include "core/buf.h"
#include "core/xalloc.h"
#include "notify/channel.h"
#include "notify/text.h"
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum { TITLE_MAX = 1000 }; /* a title of 200 characters, each escaped as "&amp;" */

/* S escaped and cut to MAX UTF-16 units, appended to B. */
static void put_text(struct buf *b, const char *s, size_t max)
{
    char *t = slack_text(s, max);
    buf_puts(b, t);
    free(t);
}

static const char *get(json_t *o, const char *a, const char *b)
{
    const char *s = json_string_value(json_object_get(json_object_get(o, a), b));
    return s ? s : "";
}

static int prepare(struct notify_env *env, struct nmsg *m)
{
    json_t *model, *cfg;
    const char *url;
    if (!(cfg = notify_chat_target(env, m, "slack", &model, &url))) return -1;
    /* the head's link, title and stage first; the services get what room is left */
    struct buf head;
    buf_init(&head, 1 << 20);
    buf_puts(&head, "*<");
    put_text(&head, get(model, "event", "url"), SIZE_MAX);
    buf_puts(&head, "|");
    put_text(&head, get(model, "event", "title"), TITLE_MAX);
    buf_puts(&head, ">*\n*");
    put_text(&head, get(model, "update", "stage_label"), SLACK_TEXT_MAX / 10);
    buf_puts(&head, "*");
    size_t used = slack_length(head.data) + 3; /* " · " */
    if (*get(model, "event", "services_text") && used < SLACK_TEXT_MAX) {
        buf_puts(&head, " · ");
        put_text(&head, get(model, "event", "services_text"), SLACK_TEXT_MAX - used);
    }
    char *body = slack_text(get(model, "update", "message_text"), SLACK_TEXT_MAX);
    /* the context: the page, when the update was posted, and a maintenance's window */
    char *line = notify_when_line(model);
    char *context = xasprintf("%s · %s", get(model, "page", "title"), line);
    free(line);
    char *page = slack_text(context, SLACK_TEXT_MAX);
    free(context);
    json_t *blocks = json_pack("[{s:s, s:{s:s, s:s}}]", "type", "section", "text", "type", "mrkdwn",
                               "text", head.data);
    if (*body)
        json_array_append_new(blocks, json_pack("{s:s, s:{s:s, s:s}}", "type", "section", "text",
                                                "type", "mrkdwn", "text", body));
    if (*page)
        json_array_append_new(blocks, json_pack("{s:s, s:[{s:s, s:s}]}", "type", "context",
                                                "elements", "type", "mrkdwn", "text", page));
    char *text = slack_text(json_string_value(json_object_get(model, "subject")), SLACK_TEXT_MAX);
    json_t *payload = json_pack("{s:s, s:o}", "text", text, "blocks", blocks);
    curl_easy_setopt(m->easy, CURLOPT_URL, url);
    notify_json_body(m, payload);
    json_decref(payload);
    json_decref(cfg);
    buf_free(&head);
    free(body), free(page), free(text);
    return 0;
}

const struct channel_ops notify_slack = {
    .bit = CH_SLACK, .prepare = prepare, .classify = notify_http_classify};
