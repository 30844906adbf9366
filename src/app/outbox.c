/*
 * app/outbox — expand, claim, record. See outbox.h.
 *
 * Expansion goes round the pending jobs, a round of each in turn. A round reads the
 * job's update, adds the integration deliveries (the first round) and a batch of
 * EXPAND_BATCH subscribers of each channel still to expand — SMS, then e-mail, each
 * after its own cursor (two statements a batch, store_outbox_expand_batch) — and moves
 * the cursors in the same transaction. So neither another update's fan-out nor the
 * e-mail list of the same update holds the SMS back.
 */
#include "app/outbox.h"
#include "app/integrations.h"
#include "app/storm.h"
#include "app/subscribe_hooks.h"
#include "core/log.h"
#include "core/timeutil.h"
#include "store/audit.h"
#include "store/hooks.h"
#include "store/outbox.h"
#include "store/storm.h"
#include "store/subscribers.h"
#include <assert.h>
#include <string.h>

enum { EXPAND_BATCH = 1000, JOBS_AT_ONCE = 8 };

_Static_assert((int)STORE_DELIVERED_MAX >= (int)STORE_SENT_BATCH,
               "a batch of sent deliveries at once");

#define ERASED_REASON "not sent: the subscriber's data was deleted"
#define BOUNCED_REASON "not sent: mail to this address bounced 3 times in a row"
_Static_assert(OUTBOX_BOUNCE_LIMIT == 3, "BOUNCED_REASON names the limit");
#define QUARANTINED_REASON "not sent: 10 deliveries in a row to this URL failed (quarantined)"
_Static_assert(HOOK_FAILURE_LIMIT == 10, "QUARANTINED_REASON names the limit");

/* In notify_jobs.channels_done, past every channel's bit: the job's URL subscribers are
 * expanded (their channels' bits say the page's integrations are). */
enum { JOB_URLS_DONE = 1u << 30 };
_Static_assert((unsigned)JOB_URLS_DONE > (unsigned)CH_ALL, "a bit no channel has");

static int64_t jint(const json_t *o, const char *k)
{
    return json_integer_value(json_object_get(o, k));
}

/* Which of the page's integrations WANTED (channel bits) are enabled: ENABLED[i] for
 * channel_table[i]. */
static void integrations_enabled(struct app *app, struct db *db, int64_t page_id, unsigned wanted,
                                 bool enabled[CHANNEL_COUNT])
{
    struct app_ctx c = {.app = app, .db = db, .page_id = page_id, .actor = {.kind = ACTOR_SYSTEM}};
    for (int i = 0; i < CHANNEL_COUNT; i++) {
        json_t *cfg = NULL;
        struct err ie = {0};
        const char *kind = channel_table[i].name;
        if (!(wanted & channel_table[i].bit)) continue;
        if (app_integration_load(&c, kind, &enabled[i], &cfg, &ie) != 0)
            log_error("notify: %s integration of page %lld: %s", kind, (long long)page_id, ie.msg);
        json_decref(cfg);
    }
}

/* The fan-out channels a job expands from subscribers, SMS first (the smaller list, with
 * the shorter SLA), each on its own cursor (a column of notify_jobs): every channel whose
 * row in domain/channel.h says "subscriber" (checked by subscriber_channels_complete). */
static const struct {
    enum channel ch;
    const char *cursor;
} subscriber_channels[] = {{CH_SMS, "sms_cursor"}, {CH_EMAIL, "cursor"}};

/* Whether subscriber_channels names every subscriber channel of the table (an invariant). */
static bool subscriber_channels_complete(void)
{
    unsigned want = 0, have = 0;
    for (int i = 0; i < CHANNEL_COUNT; i++)
        if (channel_table[i].subscriber) want |= (unsigned)channel_table[i].bit;
    for (size_t k = 0; k < sizeof subscriber_channels / sizeof subscriber_channels[0]; k++)
        have |= (unsigned)subscriber_channels[k].ch;
    return want == have;
}

/* The bits of the URL subscriber channels; with BUF, their names in MASK as
 * ",slack,webhook," (store_hook_expand_batch). */
static unsigned hook_channels(char *buf, unsigned mask)
{
    unsigned bits = 0;
    if (buf) strcpy(buf, ",");
    for (int i = 0; i < CHANNEL_COUNT; i++) {
        if (!app_hook_channel(channel_table[i].name)) continue;
        bits |= (unsigned)channel_table[i].bit;
        if (buf && (mask & channel_table[i].bit)) {
            strcat(buf, channel_table[i].name);
            strcat(buf, ",");
        }
    }
    return bits;
}

/* A batch of JOB's URL subscribers (update U), unless done: on the job's url_cursor,
 * moved in the open transaction. */
static int expand_urls(struct db *db, json_t *job, json_t *u, unsigned channels, unsigned *done,
                       int *count, struct err *e)
{
    char names[CHANNEL_COUNT * 16];
    if ((*done & JOB_URLS_DONE) || !(channels & hook_channels(names, channels))) return 0;
    int64_t cursor = jint(job, "url_cursor");
    int n = 0;
    if (store_hook_expand_batch(db, jint(job, "page_id"), jint(job, "update_id"),
                                jint(u, "event_id"), names, cursor, EXPAND_BATCH,
                                jint(u, "accepted"), time_now(), &cursor, &n, e) != 0 ||
        store_hook_job_cursor(db, jint(job, "id"), cursor, e) != 0)
        return -1;
    *count += n;
    if (n < EXPAND_BATCH) *done |= JOB_URLS_DONE;
    json_object_set_new(job, "url_cursor", json_integer(cursor));
    return 0;
}

/* One round of JOB, in one transaction: its integrations' deliveries (the first round),
 * then a batch of each subscriber channel not yet expanded. 1 when more remain, 0 when the
 * job is done, -1 on error. *COUNT gets the subscribers expanded; JOB's cursors and
 * "channels_done" move on. */
static int expand_round(struct app *app, struct db *db, json_t *job, int *count, struct err *e)
{
    int64_t page_id = jint(job, "page_id"), update_id = jint(job, "update_id");
    unsigned channels = (unsigned)jint(job, "channels"),
             done = (unsigned)jint(job, "channels_done");
    int64_t cursor[2];
    assert(subscriber_channels_complete());
    for (int k = 0; k < 2; k++)
        cursor[k] = jint(job, subscriber_channels[k].cursor);
    bool enabled[CHANNEL_COUNT] = {false};
    unsigned integrations = channels & ~done & channel_integration_mask();
    json_t *u = store_outbox_update(db, update_id, e);
    if (!u && e->code) return -1;
    if (u && integrations) integrations_enabled(app, db, page_id, integrations, enabled);
    if (db_begin(db, e) != 0) {
        json_decref(u);
        return -1;
    }
    int64_t accepted = u ? jint(u, "accepted") : 0, now = time_now();
    *count = 0;
    if (!u) done = channels | JOB_URLS_DONE; /* the update went: nothing to send */
    for (int i = 0; u && i < CHANNEL_COUNT; i++) {
        const struct channel_info *ci = &channel_table[i];
        if (!(integrations & ci->bit)) continue;
        if (enabled[i] && store_delivery_add(db, page_id, update_id, ci->name, ci->name, 0,
                                             accepted, now, e) != 0)
            goto fail;
        done |= ci->bit;
    }
    for (int k = 0; u && k < 2; k++) {
        enum channel ch = subscriber_channels[k].ch;
        if (!(channels & ch) || (done & ch)) continue;
        int n = 0;
        int64_t due =
            ch == CH_EMAIL ? app_storm_email_due(app->cfg->coalesce_s, accepted, now) : now;
        if (store_outbox_expand_batch(db, page_id, update_id, jint(u, "event_id"), channel_name(ch),
                                      cursor[k], EXPAND_BATCH, accepted, due, now, &cursor[k], &n,
                                      e) != 0)
            goto fail;
        *count += n;
        if (n < EXPAND_BATCH) done |= ch;
    }
    if (u && expand_urls(db, job, u, channels, &done, count, e) != 0) goto fail;
    bool finished = (done & channels) == channels &&
                    (!(channels & hook_channels(NULL, 0)) || (done & JOB_URLS_DONE));
    if (store_outbox_job_advance(db, jint(job, "id"), cursor[1], cursor[0], done, finished,
                                 time_now(), e) != 0 ||
        db_commit(db, e) != 0)
        goto fail;
    for (int k = 0; k < 2; k++)
        json_object_set_new(job, subscriber_channels[k].cursor, json_integer(cursor[k]));
    json_object_set_new(job, "channels_done", json_integer(done));
    json_decref(u);
    return finished ? 0 : 1;
fail:
    db_rollback(db);
    json_decref(u);
    return -1;
}

int app_outbox_expand(struct app *app, struct db *db, int budget, bool *more, struct err *e)
{
    *more = false;
    /* after a wake or the tick: coalesced e-mails whose message went unsent wait again */
    if (store_deliveries_revive_orphans(db, time_now(), e) != 0) return -1;
    json_t *jobs = store_outbox_jobs(db, JOBS_AT_ONCE, e);
    if (!jobs) return -1;
    *more = json_array_size(jobs) == JOBS_AT_ONCE;
    /* Round robin: a round of each job in turn, so an update's fan-out never waits for an
     * earlier one's (a small page's behind a large page's) to be expanded. */
    size_t active = json_array_size(jobs);
    bool live[JOBS_AT_ONCE];
    for (size_t i = 0; i < active; i++)
        live[i] = true;
    int rc = 0;
    while (rc == 0 && active > 0 && budget > 0) {
        for (size_t i = 0; i < json_array_size(jobs); i++) { /* every live job: a round */
            if (!live[i]) continue;
            json_t *job = json_array_get(jobs, i);
            int n = 0, r = expand_round(app, db, job, &n, e);
            if (r < 0) {
                if (!err_logged_by_store(e))
                    log_error("notify: expanding job %lld: %s", (long long)jint(job, "id"), e->msg);
                rc = -1;
                break;
            }
            budget -= n > 0 ? n : 1;
            if (r == 0) {
                live[i] = false;
                active--;
            }
        }
    }
    if (active > 0) *more = true;
    json_decref(jobs);
    return rc;
}

static int record(struct db *db, const struct outbox_outcome *o, size_t n, struct err *e);

/* Records the rows of GOT (a claim's) whose subscriber was erased as failed, never sent, and
 * takes them out of GOT. */
static int drop_erased(struct db *db, json_t *got, struct err *e)
{
    for (size_t i = 0; i < json_array_size(got);) {
        json_t *r = json_array_get(got, i);
        const char *to = json_string_value(json_object_get(r, "recipient"));
        if (!to || strncmp(to, STORE_ERASED_PREFIX, strlen(STORE_ERASED_PREFIX)) != 0) {
            i++;
            continue;
        }
        if (store_delivery_not_sent(db, jint(r, "id"), ERASED_REASON, e) != 0) return -1;
        json_array_remove(got, i);
    }
    return 0;
}

/* Storm control (app/storm.h) on GOT, what a claim took of channel CH. */
static int storm(struct app *app, struct db *db, enum channel ch, json_t *got, int64_t now,
                 struct err *e)
{
    if (ch == CH_EMAIL && app->cfg->coalesce_s > 0) return app_storm_coalesce(db, got, now, e);
    if (ch == CH_SMS) return app_storm_sms_cap(db, app->cfg->sms_daily_cap, got, now, e);
    return 0;
}

int app_outbox_claim(struct app *app, struct db *db, const struct outbox_outcome *done,
                     size_t ndone, long room, int msg_limit,
                     int (*allow)(void *arg, int i, int want),
                     void (*took)(void *arg, int i, int n), void *arg, json_t **msgs,
                     json_t *rows[OUTBOX_CHANNELS], struct err *e)
{
    const char *node = app->cfg->node_id;
    int64_t now = time_now(), until = now + app->cfg->lease_s;
    *msgs = NULL;
    for (int i = 0; i < OUTBOX_CHANNELS; i++)
        rows[i] = json_array();
    if (db_begin(db, e) != 0) goto fail;
    if (ndone && record(db, done, ndone, e) != 0) goto rollback;
    if (msg_limit <= 0)
        *msgs = json_array();
    else if (!(*msgs = store_messages_claim(db, node, now, until,
                                            room < msg_limit ? (int)room : msg_limit, e)))
        goto rollback;
    room -= (long)json_array_size(*msgs);
    if (drop_erased(db, *msgs, e) != 0) goto rollback;
    int live = 0; /* the channels worth asking: the room is shared among them */
    for (int i = 0; i < OUTBOX_CHANNELS; i++)
        live += allow(arg, i, 1) > 0;
    long share = live ? (room + live - 1) / live : room;
    for (int pass = 0; pass < 2; pass++) {
        for (int i = 0; i < OUTBOX_CHANNELS && room > 0; i++) {
            if (pass == 1 && (long)json_array_size(rows[i]) < share)
                continue; /* it had less than its share: nothing more is due */
            int n = allow(arg, i, (int)(pass == 0 && share < room ? share : room));
            if (n <= 0) continue;
            json_t *got = store_deliveries_claim(db, node, channel_table[i].name, now, until, n, e);
            if (!got) goto rollback;
            room -= (long)json_array_size(got);
            took(arg, i, (int)json_array_size(got)); /* what was claimed: dry or not */
            if (drop_erased(db, got, e) != 0 ||
                storm(app, db, channel_table[i].bit, got, now, e) != 0) {
                json_decref(got);
                goto rollback;
            }
            json_array_extend(rows[i], got);
            json_decref(got);
        }
    }
    if (db_commit(db, e) != 0) goto fail;
    return 0;
rollback:
    db_rollback(db);
fail:
    json_decref(*msgs);
    *msgs = NULL;
    for (int i = 0; i < OUTBOX_CHANNELS; i++) {
        json_decref(rows[i]);
        rows[i] = NULL;
    }
    return -1;
}

/* Whether outcome O is a plain "sent" (the common case: recorded in batches). */
static bool plain_sent(const struct outbox_outcome *o)
{
    return strcmp(o->state, "sent") == 0 && !o->stop_subscriber && !o->bounce && !o->error &&
           !o->hook && o->next_at == o->sent_at;
}

/* O's address was refused: one bounce more for its subscriber, who may be bounced now. */
static int bounce(struct db *db, const struct outbox_outcome *o, struct err *e)
{
    bool bounced = false;
    if (store_subscriber_bounce(db, o->subscriber_id, OUTBOX_BOUNCE_LIMIT, BOUNCED_REASON, &bounced,
                                e) != 0)
        return -1;
    return bounced ? store_audit_insert(db, o->page_id, "system", "subscriber.bounced",
                                        o->subscriber_id, "email", time_now(), e)
                   : 0;
}

/* The outcome O to a URL subscriber moves it (see outbox.h). */
static int hook_outcome(struct db *db, const struct outbox_outcome *o, struct err *e)
{
    bool sent = strcmp(o->state, "sent") == 0, changed = false;
    bool final = strcmp(o->state, "failed") == 0 || strcmp(o->state, "dead") == 0;
    if (sent && o->test) {
        if (store_hook_confirmed(db, o->subscriber_id, time_now(), &changed, e) != 0) return -1;
        return changed
                   ? store_audit_insert(db, o->page_id, "system", "subscriber.confirm",
                                        o->subscriber_id, "test message answered", time_now(), e)
                   : 0;
    }
    if (sent) return store_hook_delivered(db, o->subscriber_id, e);
    if (!final || o->test) return 0; /* a failed test message leaves it pending */
    if (store_hook_failed(db, o->subscriber_id, HOOK_FAILURE_LIMIT, QUARANTINED_REASON, &changed,
                          e) != 0)
        return -1;
    return changed ? store_audit_insert(db, o->page_id, "system", "subscriber.quarantined",
                                        o->subscriber_id, "10 failed deliveries", time_now(), e)
                   : 0;
}

/* Records the N outcomes O inside the open transaction. */
static int record(struct db *db, const struct outbox_outcome *o, size_t n, struct err *e)
{
    int64_t batch[STORE_SENT_BATCH];
    for (size_t i = 0; i < n;) {
        int rc = 0;
        if (plain_sent(&o[i])) { /* this and the next sent at the same second, in one go */
            int k = 0;
            bool subscribers = false; /* any to a subscriber (not an integration) */
            int64_t at = o[i].sent_at;
            while (i < n && k < STORE_SENT_BATCH && plain_sent(&o[i]) && o[i].sent_at == at) {
                subscribers |= o[i].subscriber_id != 0;
                batch[k++] = o[i++].id;
            }
            rc = store_deliveries_sent(db, batch, k, at, e);
            if (rc == 0 && subscribers) /* their count of bounces in a row starts again */
                rc = store_subscribers_delivered(db, batch, k, e);
            if (rc == 0 && subscribers) /* what a coalesced e-mail carried went with it */
                rc = store_deliveries_members_sent(db, batch, k, at, e);
        } else {
            rc = store_delivery_finish(db, o[i].id, o[i].state, o[i].next_at, o[i].error,
                                       o[i].sent_at, e);
            if (rc == 0 && strcmp(o[i].state, "sent") == 0 && o[i].subscriber_id)
                rc = store_subscribers_delivered(db, &o[i].id, 1, e);
            if (rc == 0 && strcmp(o[i].state, "sent") == 0 && o[i].subscriber_id)
                rc = store_deliveries_members_sent(db, &o[i].id, 1, o[i].sent_at, e);
            if (rc == 0 && o[i].stop_subscriber && o[i].subscriber_id)
                rc = store_subscriber_set_state(db, o[i].page_id, o[i].subscriber_id, "stopped", e);
            if (rc == 0 && o[i].bounce && o[i].subscriber_id) rc = bounce(db, &o[i], e);
            if (rc == 0 && o[i].hook && o[i].subscriber_id) rc = hook_outcome(db, &o[i], e);
            i++;
        }
        if (rc != 0) return -1;
    }
    return 0;
}

int app_outbox_record(struct db *db, const struct outbox_outcome *o, size_t n, struct err *e)
{
    if (db_begin(db, e) != 0) return -1;
    if (record(db, o, n, e) != 0) {
        db_rollback(db);
        return -1;
    }
    return db_commit(db, e);
}
