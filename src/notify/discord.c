/*
 * notify/discord — Discord webhooks (SPEC §15): POST {webhook_url} with
 *   {"content":"[Page] Stage: Title","embeds":[{"title","description","url","color",
 *    "fields":[{"name","value","inline"}…],"footer":{"text"}}],"allowed_mentions":{"parse":[]}}
 * The embed: the title linked to the event, the message, a colour by the update's tone
 * (notify_tone), fields Status, Services and (a maintenance's) When, and a footer with
 * the page and when it was posted. Every text from the team goes through discord_text
 * (notify/text.h: Markdown escaped, "@everyone" and "@here" broken) and allowed_mentions
 * forbids every ping. Discord's limits hold, counted in UTF-16 units and cut at a
 * character with "…": content 2,000; title 256; description 4,096; a field's name 256 and
 * value 1,024 (three fields of the 25 allowed); footer 2,048; and the embed's texts
 * together 6,000 — the description gets what the rest leaves.
 * Answers: 2xx sent (204 without ?wait=true); 429 is retried no sooner than Discord
 * asks, its JSON "retry_after" (seconds, fractional) rounded up, or its Retry-After
 * header, whichever is longer; 5xx retried; 404 (webhook deleted) and other 4xx failed.
 */
#include "core/xalloc.h"
#include "notify/channel.h"
#include "notify/text.h"
#include <assert.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>

/* Colours of the tones (0xRRGGBB), the console's. */
static json_int_t colour(enum notify_tone t)
{
    switch (t) {
    case TONE_GOOD:
        return 0x147a3a;
    case TONE_MAINTENANCE:
        return 0x1d5fd6;
    case TONE_MINOR:
        return 0xb45309;
    case TONE_MAJOR:
        return 0xc2410c;
    case TONE_CRITICAL:
        return 0xc81e1e;
    default:
        return 0x5f6b7a;
    }
}

/* Adds the field NAME: VALUE (escaped, cut) to FIELDS unless VALUE is empty; returns its
 * length in UTF-16 units. */
static size_t field(json_t *fields, const char *name, const char *value, bool inline_)
{
    if (!*value) return 0;
    char *v = discord_text(value, DISCORD_FIELD_VALUE_MAX);
    size_t n = slack_length(name) + slack_length(v);
    json_array_append_new(
        fields, json_pack("{s:s, s:s, s:b}", "name", name, "value", v, "inline", inline_));
    free(v);
    return n;
}

static int prepare(struct notify_env *env, struct nmsg *m)
{
    json_t *model, *cfg;
    const char *url;
    if (!(cfg = notify_chat_target(env, m, "discord", &model, &url))) return -1;
    char *title = discord_text(notify_get(model, "event", "title"), DISCORD_TITLE_MAX);
    json_t *fields = json_array();
    size_t used = slack_length(title);
    used += field(fields, notify_word(model, "msg_status"),
                  notify_get(model, "update", "stage_label"), true);
    used += field(fields, notify_word(model, "services"),
                  notify_get(model, "event", "services_text"), true);
    used += field(fields, notify_word(model, "email_when"), notify_get(model, "event", "window"),
                  false);
    char *foot = xasprintf("%s · %s %s", notify_get(model, "page", "title"),
                           notify_word(model, "email_posted"), notify_get(model, "update", "time"));
    char *footer = discord_text(foot, DISCORD_FOOTER_MAX / 2);
    used += slack_length(footer);
    assert(used <
           DISCORD_EMBED_MAX - DISCORD_DESCRIPTION_MAX / 4); /* 256 + 3 × (8 + 1,024) + 1,024 */
    size_t room = DISCORD_EMBED_MAX - used;
    char *desc = discord_text(notify_get(model, "update", "message_text"),
                              room < DISCORD_DESCRIPTION_MAX ? room : DISCORD_DESCRIPTION_MAX);
    char *content =
        discord_text(json_string_value(json_object_get(model, "subject")), DISCORD_CONTENT_MAX);
    json_t *embed = json_pack(
        "{s:s, s:s, s:I, s:o, s:{s:s}}", "title", title, "url", notify_get(model, "event", "url"),
        "color", colour(notify_tone(model)), "fields", fields, "footer", "text", footer);
    if (*desc) json_object_set_new(embed, "description", json_string(desc));
    json_t *payload = json_pack("{s:s, s:[o], s:{s:[]}}", "content", content, "embeds", embed,
                                "allowed_mentions", "parse");
    curl_easy_setopt(m->easy, CURLOPT_URL, url);
    notify_json_body(m, payload);
    json_decref(payload);
    json_decref(cfg);
    free(title), free(foot), free(footer), free(desc), free(content);
    return 0;
}

static enum outcome classify(struct nmsg *m, CURLcode cc, long status)
{
    if (cc == CURLE_OK && status == 429 && m->resp.len) {
        json_t *j = json_loadb(m->resp.data, m->resp.len, 0, NULL);
        double s = json_number_value(json_object_get(j, "retry_after"));
        if (s > 0 && s <= 86400 && (int64_t)ceil(s) > m->retry_after)
            m->retry_after = (int64_t)ceil(s);
        json_decref(j);
    }
    return notify_http_classify(m, cc, status);
}

const struct channel_ops notify_discord = {
    .bit = CH_DISCORD, .prepare = prepare, .classify = classify};
