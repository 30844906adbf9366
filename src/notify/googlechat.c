/*
 * notify/googlechat — Google Chat incoming webhooks (SPEC §15): POST {webhook_url} with
 * {"text":…}, a text message in Chat's own markup:
 *   MARK *[Page] Stage: Title*
 *   Services: A, B
 *   the message
 *   Posted … · When: …
 *   EVENT_URL
 * MARK is a coloured circle for the update's tone (notify_tone: a text message has no
 * colour of its own); the bold and the link (Chat links a bare URL) are ours. Chat text
 * has no escape, so every text from the team goes through gchat_text (notify/text.h):
 * * _ ~ ` < > become look-alikes, and a title holding "<users/all>" or
 * "<https://x|label>" neither mentions everyone nor makes a link. The message gets
 * what the rest leaves of Chat's 4,096 characters. Answers: 2xx sent; 429 and 5xx
 * retried; other statuses failed with the answer.
 */
#include "core/buf.h"
#include "core/xalloc.h"
#include "notify/channel.h"
#include "notify/text.h"
#include <stdio.h>
#include <stdlib.h>

enum { HEAD_MAX = 1000, ROW_MAX = 500 };

static const char *mark(enum notify_tone t)
{
    switch (t) {
    case TONE_GOOD:
        return "\xf0\x9f\x9f\xa2"; /* green circle */
    case TONE_MAINTENANCE:
        return "\xf0\x9f\x94\xb5"; /* blue circle */
    case TONE_MINOR:
        return "\xf0\x9f\x9f\xa1"; /* yellow circle */
    case TONE_MAJOR:
        return "\xf0\x9f\x9f\xa0"; /* orange circle */
    case TONE_CRITICAL:
        return "\xf0\x9f\x94\xb4"; /* red circle */
    default:
        return "\xe2\x9a\xaa"; /* white circle */
    }
}

static int prepare(struct notify_env *env, struct nmsg *m)
{
    json_t *model, *cfg;
    const char *url;
    if (!(cfg = notify_chat_target(env, m, "googlechat", &model, &url))) return -1;
    struct buf b, tail;
    buf_init(&b, 1 << 20);
    buf_init(&tail, 1 << 20);
    char *head = gchat_text(json_string_value(json_object_get(model, "subject")), HEAD_MAX);
    buf_printf(&b, "%s *%s*\n", mark(notify_tone(model)), head);
    const char *services = notify_get(model, "event", "services_text");
    if (*services) {
        char *s = gchat_text(services, ROW_MAX);
        buf_printf(&b, "%s: %s\n", notify_word(model, "services"), s);
        free(s);
    }
    char *when = notify_when_line(model);
    char *w = gchat_text(when, ROW_MAX);
    buf_printf(&tail, "%s\n%s", w, notify_get(model, "event", "url"));
    size_t used = slack_length(b.data) + slack_length(tail.data) + 1;
    char *msg = gchat_text(notify_get(model, "update", "message_text"),
                           used < GCHAT_TEXT_MAX ? GCHAT_TEXT_MAX - used : 1);
    if (*msg) buf_printf(&b, "%s\n", msg);
    buf_puts(&b, tail.data);
    json_t *payload = json_pack("{s:s}", "text", b.data);
    curl_easy_setopt(m->easy, CURLOPT_URL, url);
    notify_json_body(m, payload);
    json_decref(payload);
    json_decref(cfg);
    buf_free(&b), buf_free(&tail);
    free(head), free(when), free(w), free(msg);
    return 0;
}

const struct channel_ops notify_googlechat = {
    .bit = CH_GOOGLECHAT, .prepare = prepare, .classify = notify_http_classify};
