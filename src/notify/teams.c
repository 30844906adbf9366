/*
 * notify/teams — Microsoft Teams incoming webhooks (SPEC §15): POST {webhook_url} with
 * a message carrying one Adaptive Card 1.4:
 *   {"type":"message","attachments":[{"contentType":"application/vnd.microsoft.card.adaptive",
 *    "content":{"$schema":"http://adaptivecards.io/schemas/adaptive-card.json",
 *    "type":"AdaptiveCard","version":"1.4","body":[TextBlock…],
 *    "actions":[{"type":"Action.OpenUrl","title":"View on the status page","url":EVENT_URL}]}}]}
 * The body: the page's name (small), the title (bold, coloured by the update's tone:
 * notify_tone), the stage and services, the message, and when it was posted (and a
 * maintenance's window). TextBlocks read a CommonMark subset: every text from the team
 * goes through teams_text (notify/text.h), so a title cannot make a link, emphasis, a
 * list or a date function; each is cut to its room (the whole card stays below
 * Teams' 28 KB). Answers: 2xx sent (200 for connectors, 202 for Workflows); 429 and
 * 5xx retried; other statuses failed with the answer.
 */
#include "core/xalloc.h"
#include "notify/channel.h"
#include "notify/text.h"
#include <stdio.h>
#include <stdlib.h>

/* in UTF-16 units of escaped text: at most 3 bytes each, so the card stays below 28 KB */
enum { TITLE_MAX = 400, ROW_MAX = 600, MESSAGE_MAX = 5000 };

/* A TextBlock of TEXT (stolen), wrapped, with the extra properties EXTRA (stolen, may be
 * NULL). */
static json_t *block(char *text, json_t *extra)
{
    json_t *b = json_pack("{s:s, s:s, s:b}", "type", "TextBlock", "text", text, "wrap", 1);
    if (extra) json_object_update(b, extra);
    json_decref(extra);
    free(text);
    return b;
}

static const char *colour(enum notify_tone t)
{
    switch (t) {
    case TONE_GOOD:
        return "good";
    case TONE_MAINTENANCE:
        return "accent";
    case TONE_MINOR:
        return "warning";
    case TONE_MAJOR:
    case TONE_CRITICAL:
        return "attention";
    default:
        return "default";
    }
}

static int prepare(struct notify_env *env, struct nmsg *m)
{
    json_t *model, *cfg;
    const char *url;
    if (!(cfg = notify_chat_target(env, m, "teams", &model, &url))) return -1;
    json_t *body = json_array();
    json_array_append_new(body, block(teams_text(notify_get(model, "page", "title"), ROW_MAX),
                                      json_pack("{s:s, s:b}", "size", "small", "isSubtle", 1)));
    json_array_append_new(body, block(teams_text(notify_get(model, "event", "title"), TITLE_MAX),
                                      json_pack("{s:s, s:s, s:s}", "size", "medium", "weight",
                                                "bolder", "color", colour(notify_tone(model)))));
    char *stage = teams_text(notify_get(model, "update", "stage_label"), ROW_MAX);
    char *services = teams_text(notify_get(model, "event", "services_text"), ROW_MAX);
    json_array_append_new(
        body, block(xasprintf("**%s**%s%s", stage, *services ? " · " : "", services), NULL));
    free(stage), free(services);
    char *message = teams_text(notify_get(model, "update", "message_text"), MESSAGE_MAX);
    if (*message)
        json_array_append_new(body, block(message, NULL));
    else
        free(message);
    char *when = notify_when_line(model);
    json_array_append_new(body, block(teams_text(when, ROW_MAX),
                                      json_pack("{s:s, s:b}", "size", "small", "isSubtle", 1)));
    free(when);
    json_t *card =
        json_pack("{s:s, s:s, s:s, s:o, s:[{s:s, s:s, s:s}]}", "$schema",
                  "http://adaptivecards.io/schemas/adaptive-card.json", "type", "AdaptiveCard",
                  "version", "1.4", "body", body, "actions", "type", "Action.OpenUrl", "title",
                  notify_word(model, "msg_view"), "url", notify_get(model, "event", "url"));
    json_t *payload =
        json_pack("{s:s, s:[{s:s, s:o}]}", "type", "message", "attachments", "contentType",
                  "application/vnd.microsoft.card.adaptive", "content", card);
    curl_easy_setopt(m->easy, CURLOPT_URL, url);
    notify_json_body(m, payload);
    json_decref(payload);
    json_decref(cfg);
    return 0;
}

const struct channel_ops notify_teams = {
    .bit = CH_TEAMS, .prepare = prepare, .classify = notify_http_classify};
