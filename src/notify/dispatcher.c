/*
 * notify/dispatcher — the dispatcher thread. See notify.h for what it does.
 *
 * Events on its base: WAKE (user event, any thread), STOP, TICK (1 s,
 * persistent: retries falling due, rate buckets refilling), PUMP (a zero
 * timer, so bursts of completions coalesce into one claim), FLUSH (20 ms
 * timer recording the outcomes no claim has recorded: a claim records those so far in
 * its own transaction) and GRACE (the shutdown limit).
 * Everything runs on this one thread; no locks but the database's. The outbox's
 * own steps (expand, claim, record) are app/outbox.h's use cases; this file is
 * the driver that runs them and owns the transfers. A pump after a wake or the
 * tick also starts the "Sign in with Twitter" legs waiting in oauth_requests
 * (notify/twitter_oauth.h) and OpenID Connect's provider fetches and code exchanges
 * (notify/oidc_client.h); they share the curl multi, and on_done hands their
 * handles back to twitter_oauth_done() and oidc_client_done().
 *
 * Most pumps follow a completion, thousands a second in a large fan-out, so a pump
 * does only what can have changed since the last: it expands jobs after a wake or the
 * tick (new jobs come with a wake) and while jobs are left, and it claims only from the
 * channels not found dry. A channel is dry once a claim got fewer rows than it asked
 * for; a wake, the tick and an expansion make every channel worth asking again (what
 * else becomes due: retries and lapsed leases, found by the tick within a second).
 */
#include "app/outbox.h"
#include "app/subscribe_hooks.h"
#include "core/log.h"
#include "core/timeutil.h"
#include "core/xalloc.h"
#include "notify/channel.h"
#include "notify/notify.h"
#include "notify/oidc_client.h"
#include "notify/policy.h"
#include "notify/smtp_pool.h"
#include "notify/twitter_oauth.h"
#include "render/i18n.h"
#include <assert.h>
#include <event2/thread.h>
#include <pthread.h>
#include <signal.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

enum {
    NCH = OUTBOX_CHANNELS,
    EXPAND_BUDGET = 5000,
    FLUSH_AT = 128,
    MSG_CLAIM = 16,
    GRACE_S = 5,
    SMTP_CONNS = 16
};

struct bucket {
    double rate, tokens; /* rate 0: unlimited */
    int64_t last_us;
};

struct notify {
    struct notify_env env;
    struct event_base *base;
    struct event *wake_ev, *stop_ev, *tick_ev, *pump_ev, *flush_ev, *grace_ev;
    struct transfer *xfer;
    struct smtp_pool *smtp;      /* e-mail goes through here (see smtp_pool.h) */
    struct twitter_oauth *oauth; /* "Sign in with Twitter", on xfer too */
    struct oidc_client *oidc;    /* OpenID Connect sign-in (SSO), on xfer too */
    pthread_t thread;
    long concurrency; /* messages in flight at once, all channels (notify.concurrency) */
    long email_max;   /* e-mails of them: at most SMTP connections × SMTP_DEPTH */
    int inflight;
    int email_flying; /* e-mails in flight (on the SMTP pool) */
    long email_room;  /* during a claim: how many more e-mails may be taken */
    struct nmsg *flying;
    struct bucket buckets[NCH];
    struct outbox_outcome *results; /* each error is malloc'd (freed once recorded) */
    size_t nresults, capresults;
    bool stopping;
    bool woken;     /* woken or ticked: expand, look for sign-ins, ask every channel */
    bool expanding; /* the last expansion left jobs */
    bool dry[NCH];  /* channel I's last claim got fewer rows than asked: none is due */
    bool msgs_dry;  /* the same for the messages (confirmations, invitations) */
    int asked[NCH]; /* during a claim: what allowance() let channel I ask for */
};

static int64_t jint(json_t *o, const char *k)
{
    return json_integer_value(json_object_get(o, k));
}

static const char *jstr(json_t *o, const char *k)
{
    const char *s = json_string_value(json_object_get(o, k));
    return s ? s : "";
}

static void schedule(struct event *ev, long ms)
{
    if (evtimer_pending(ev, NULL)) return;
    struct timeval tv = {.tv_sec = ms / 1000, .tv_usec = (ms % 1000) * 1000};
    evtimer_add(ev, &tv);
}

/* ---- outcomes ---------------------------------------------------------------------- */

/* The outcomes were recorded. */
static void forget_results(struct notify *d)
{
    for (size_t i = 0; i < d->nresults; i++)
        free((char *)d->results[i].error);
    d->nresults = 0;
}

static void flush(struct notify *d)
{
    struct err e = {0};
    if (!d->nresults) return;
    if (app_outbox_record(d->env.db, d->results, d->nresults, &e) != 0) {
        if (!err_logged_by_store(&e))
            log_error("notify: recording %zu outcomes: %s (will retry)", d->nresults, e.msg);
        schedule(d->flush_ev, 1000);
        return;
    }
    forget_results(d);
}

static void add_result(struct notify *d, struct nmsg *m, enum outcome o)
{
    if (d->nresults == d->capresults) {
        d->capresults = d->capresults ? d->capresults * 2 : 256;
        d->results = xrealloc(d->results, d->capresults * sizeof *d->results);
    }
    int64_t now = time_now();
    struct outbox_outcome *r = &d->results[d->nresults++];
    *r = (struct outbox_outcome){
        .id = m->id, .page_id = m->page_id, .subscriber_id = m->subscriber_id, .next_at = now};
    r->hook = m->subscriber_id && app_hook_channel(channel_name(m->ops->bit)); /* §15 */
    r->test = m->kind == NMSG_CONFIRMATION;
    if (o == OUT_SENT) {
        r->state = "sent";
        r->sent_at = now;
        if (m->kind == NMSG_UPDATE) {
            struct timespec ts;
            clock_gettime(CLOCK_REALTIME, &ts);
            notify_sla_record(m->ops->bit,
                              (double)ts.tv_sec + ts.tv_nsec / 1e9 - (double)m->accepted);
        }
        return;
    }
    r->error = xstrdup(m->error[0] ? m->error : "unknown error");
    if (o == OUT_FAILED) {
        r->state = "failed";
        r->stop_subscriber = m->stop_subscriber;
        r->bounce = m->bounce;
    } else if (m->attempts >= NOTIFY_MAX_ATTEMPTS) {
        r->state = "dead";
    } else {
        r->state = "pending";
        /* times are whole seconds: one more makes sure a Retry-After has fully passed */
        r->next_at = now + notify_backoff_s(m->attempts, m->retry_after, randombytes_random()) +
                     (m->retry_after ? 1 : 0);
    }
    log_info("notify: %s %lld to %s: %s (%s)", channel_name(m->ops->bit), (long long)m->id,
             m->recipient, r->error, r->state);
}

/* ---- messages in flight ------------------------------------------------------------ */

static void msg_free(struct nmsg *m)
{
    if (m->easy) curl_easy_cleanup(m->easy);
    curl_slist_free_all(m->headers);
    buf_free(&m->req);
    buf_free(&m->resp);
    free(m->recipient);
    free(m->updates);
    free(m);
}

static size_t on_write(char *p, size_t size, size_t n, void *arg)
{
    struct nmsg *m = arg;
    size_t len = size * n;
    if (m->resp.len < NOTIFY_RESP_MAX)
        buf_append(&m->resp, p,
                   len < NOTIFY_RESP_MAX - m->resp.len ? len : NOTIFY_RESP_MAX - m->resp.len);
    return len;
}

/* Retry-After (seconds or an HTTP date) and Twitter's x-rate-limit-reset (epoch seconds). */
static size_t on_header(char *p, size_t size, size_t n, void *arg)
{
    struct nmsg *m = arg;
    size_t len = size * n;
    char line[128];
    if (len >= sizeof line) return len;
    memcpy(line, p, len);
    line[len] = '\0';
    int64_t now = time_now(), v = 0;
    if (strncasecmp(line, "Retry-After:", 12) == 0) {
        const char *s = line + 12;
        v = strtoll(s, NULL, 10);
        if (v <= 0) {
            time_t t = curl_getdate(s, NULL);
            v = t > 0 ? (int64_t)t - now : 0;
        }
    } else if (strncasecmp(line, "x-rate-limit-reset:", 19) == 0) {
        v = strtoll(line + 19, NULL, 10) - now;
    }
    if (v > 0 && v <= 86400 && v > m->retry_after) m->retry_after = v;
    return len;
}

/* The options every transfer of M has, on EASY. */
static void common_setup(struct nmsg *m, CURL *easy)
{
    transfer_setup(easy, &m->guard);
    curl_easy_setopt(easy, CURLOPT_PRIVATE, m);
    curl_easy_setopt(easy, CURLOPT_WRITEFUNCTION, on_write);
    curl_easy_setopt(easy, CURLOPT_WRITEDATA, m);
    curl_easy_setopt(easy, CURLOPT_HEADERFUNCTION, on_header);
    curl_easy_setopt(easy, CURLOPT_HEADERDATA, m);
}

static void fly(struct notify *d, struct nmsg *m)
{
    m->next = d->flying;
    if (d->flying) d->flying->prev = m;
    d->flying = m;
    d->inflight++;
    d->email_flying += m->ops->smtp;
}

static void start(struct notify *d, struct nmsg *m)
{
    buf_init(&m->req, 4 << 20);
    buf_init(&m->resp, NOTIFY_RESP_MAX + 1);
    m->guard.allow_private = d->env.app->cfg->allow_private_targets || CHANNEL_TRUSTED(m->ops);
    if (!m->ops->smtp && !(m->easy = curl_easy_init())) {
        snprintf(m->error, sizeof m->error, "cannot create a transfer");
        add_result(d, m, OUT_RETRY);
        msg_free(m);
        return;
    }
    if (m->easy) common_setup(m, m->easy);
    if (m->ops->prepare(&d->env, m) != 0) {
        add_result(d, m, OUT_FAILED);
        msg_free(m);
        return;
    }
    if (m->ops->smtp) {
        m->smtp = (struct smtp_job){
            .arg = m, .rcpt = m->recipient, .data = m->req.data, .len = m->req.len};
        fly(d, m);
        smtp_pool_add(d->smtp, &m->smtp);
        return;
    }
    curl_easy_setopt(m->easy, CURLOPT_HTTPHEADER, m->headers);
    if (transfer_add(d->xfer, m->easy) != 0) {
        snprintf(m->error, sizeof m->error, "cannot start the transfer");
        add_result(d, m, OUT_RETRY);
        msg_free(m);
        return;
    }
    fly(d, m);
}

static void unlink_msg(struct notify *d, struct nmsg *m)
{
    if (m->prev)
        m->prev->next = m->next;
    else
        d->flying = m->next;
    if (m->next) m->next->prev = m->prev;
    d->inflight--;
    d->email_flying -= m->ops->smtp;
}

/* M's transfer ended with outcome O (M->error filled when not sent). */
static void finish(struct notify *d, struct nmsg *m, enum outcome o)
{
    unlink_msg(d, m);
    add_result(d, m, o);
    msg_free(m);
    if (d->stopping && d->inflight == 0) {
        event_base_loopbreak(d->base);
        return;
    }
    if (d->nresults >= FLUSH_AT)
        flush(d);
    else
        schedule(d->flush_ev, 20);
    schedule(d->pump_ev, 0);
}

static void on_done(void *arg, CURL *easy, CURLcode cc)
{
    struct notify *d = arg;
    struct nmsg *m = NULL;
    long status = 0;
    if (twitter_oauth_done(d->oauth, easy, cc) || oidc_client_done(d->oidc, easy, cc)) return;
    curl_easy_getinfo(easy, CURLINFO_PRIVATE, (char **)&m);
    curl_easy_getinfo(easy, CURLINFO_RESPONSE_CODE, &status);
    if (m->guard.refused) {
        snprintf(m->error, sizeof m->error,
                 "refused: the target is a loopback or private address "
                 "(security.allow_private_targets is false)");
        finish(d, m, OUT_FAILED);
        return;
    }
    finish(d, m, m->ops->classify(m, cc, status));
}

static void on_smtp_done(void *arg, struct smtp_job *job, enum smtp_verdict v)
{
    struct nmsg *m = job->arg;
    if (v != SMTP_SENT) snprintf(m->error, sizeof m->error, "%s", job->why);
    m->bounce = v == SMTP_FAILED && job->bounced; /* counted against the address (§15) */
    finish(arg, m, v == SMTP_SENT ? OUT_SENT : v == SMTP_FAILED ? OUT_FAILED : OUT_RETRY);
}

/* ---- expansion and claims (app/outbox.h) ------------------------------------------ */

/* Expands pending jobs within a budget; true when some are left. */
static bool expand(struct notify *d)
{
    struct err e = {0};
    bool more = false;
    if (app_outbox_expand(d->env.app, d->env.db, EXPAND_BUDGET, &more, &e) != 0 &&
        !err_logged_by_store(&e))
        log_error("notify: expanding: %s", e.msg);
    return more;
}

/* How many of channel I the room and rate allow now (app_outbox_claim's ALLOW). */
static int allowance(void *arg, int i, int want)
{
    struct notify *d = arg;
    struct bucket *b = &d->buckets[i];
    if (d->dry[i]) return d->asked[i] = 0;
    if (notify_ops[i]->smtp && want > d->email_room)
        want = d->email_room > 0 ? (int)d->email_room : 0;
    if (b->rate <= 0) return d->asked[i] = want;
    int64_t now = time_mono_us();
    double cap = b->rate < 1 ? 1 : b->rate;
    b->tokens += (double)(now - b->last_us) / 1e6 * b->rate;
    if (b->tokens > cap) b->tokens = cap;
    b->last_us = now;
    int n = (int)b->tokens;
    return d->asked[i] = n < want ? n : want;
}

/* What channel I claimed comes out of its room and bucket (app_outbox_claim's TOOK). */
static void took(void *arg, int i, int n)
{
    struct notify *d = arg;
    assert(n <= d->asked[i]);
    d->buckets[i].tokens -= (double)n;
    if (notify_ops[i]->smtp) d->email_room -= n;
    if (n < d->asked[i]) d->dry[i] = true;
}

/* A claimed delivery R (store/outbox.h) as a message in flight on channel OPS. */
static struct nmsg *msg_from_row(json_t *r, const struct channel_ops *ops)
{
    struct nmsg *m = xcalloc(1, sizeof *m);
    const char *kind = jstr(r, "kind");
    m->ops = ops;
    m->kind = strcmp(kind, "invitation") == 0     ? NMSG_INVITATION
              : strcmp(kind, "confirmation") == 0 ? NMSG_CONFIRMATION
                                                  : NMSG_UPDATE;
    m->id = jint(r, "id");
    m->page_id = jint(r, "page_id");
    m->update_id = jint(r, "update_id");
    m->subscriber_id = jint(r, "subscriber_id");
    m->invitation_id = jint(r, "invitation_id");
    m->accepted = jint(r, "accepted");
    m->attempts = jint(r, "attempts");
    m->recipient = xstrdup(jstr(r, "recipient"));
    m->lang = i18n_canon(json_string_value(json_object_get(r, "language")));
    json_t *updates = json_object_get(r, "updates"); /* a coalesced e-mail's (app/storm.h) */
    if (json_array_size(updates) > 1) {
        m->nupdates = (int)json_array_size(updates);
        m->updates = xcalloc((size_t)m->nupdates, sizeof *m->updates);
        for (int k = 0; k < m->nupdates; k++)
            m->updates[k] = json_integer_value(json_array_get(updates, (size_t)k));
    }
    return m;
}

/* The channel a claimed row R names (a row of an unknown channel goes out as e-mail and
 * fails there, with its reason recorded). */
static const struct channel_ops *channel_of(json_t *r)
{
    const struct channel_ops *ops = notify_channel(jstr(r, "channel"));
    return ops ? ops : &notify_email;
}

/* Claims what there is room for and starts it. */
static void claim(struct notify *d)
{
    long room = d->concurrency - d->inflight;
    if (room <= 0 || (d->inflight > 0 && room < d->concurrency / 2)) return;
    d->email_room = d->email_max - d->email_flying;
    struct err e = {0};
    json_t *msgs = NULL, *rows[OUTBOX_CHANNELS];
    long msg_ask = d->msgs_dry ? 0 : room < MSG_CLAIM ? room : MSG_CLAIM;
    /* the outcomes so far are recorded in the claim's transaction: one commit for both */
    if (app_outbox_claim(d->env.app, d->env.db, d->results, d->nresults, room, (int)msg_ask,
                         allowance, took, d, &msgs, rows, &e) != 0) {
        if (!err_logged_by_store(&e)) log_error("notify: claiming: %s", e.msg);
        return;
    }
    forget_results(d);
    if ((long)json_array_size(msgs) < msg_ask) d->msgs_dry = true;
    size_t k;
    json_t *r;
    json_array_foreach(msgs, k, r) start(d, msg_from_row(r, channel_of(r)));
    for (int i = 0; i < OUTBOX_CHANNELS; i++) {
        json_array_foreach(rows[i], k, r) start(d, msg_from_row(r, notify_ops[i]));
        json_decref(rows[i]);
    }
    json_decref(msgs);
}

static void pump(struct notify *d)
{
    if (d->stopping) return;
    if (d->woken || d->expanding) { /* new deliveries may be due on any channel */
        d->expanding = expand(d);
        if (d->expanding) schedule(d->pump_ev, 0);
        memset(d->dry, 0, sizeof d->dry);
        d->msgs_dry = false;
    }
    claim(d); /* records the outcomes so far too */
    if (d->woken) {
        d->woken = false;
        twitter_oauth_pump(d->oauth);
        oidc_client_pump(d->oidc);
    }
    if (d->nresults) schedule(d->flush_ev, 20); /* messages that failed before being sent */
}

/* A wake (new work, a sign-in) or the tick: a pump that looks for sign-ins too. */
static void on_wake(evutil_socket_t fd, short what, void *arg)
{
    struct notify *d = arg;
    (void)fd, (void)what;
    d->woken = true;
    pump(d);
}

static void on_pump(evutil_socket_t fd, short what, void *arg)
{
    (void)fd, (void)what;
    pump(arg);
}

static void on_flush(evutil_socket_t fd, short what, void *arg)
{
    (void)fd, (void)what;
    flush(arg);
}

static void on_grace(evutil_socket_t fd, short what, void *arg)
{
    struct notify *d = arg;
    (void)fd, (void)what;
    event_base_loopbreak(d->base);
}

static void on_stop(evutil_socket_t fd, short what, void *arg)
{
    struct notify *d = arg;
    (void)fd, (void)what;
    d->stopping = true;
    if (d->inflight == 0) {
        event_base_loopbreak(d->base);
        return;
    }
    struct timeval tv = {.tv_sec = GRACE_S};
    evtimer_add(d->grace_ev, &tv);
}

/* Puts what is still in flight back to pending (sent again by the next start). */
static void release_flying(struct notify *d)
{
    while (d->flying) {
        struct nmsg *m = d->flying;
        if (m->easy) /* NULL: an e-mail, on the SMTP pool */
            transfer_remove(d->xfer, m->easy);
        unlink_msg(d, m);
        snprintf(m->error, sizeof m->error, "interrupted by shutdown");
        m->retry_after = 0;
        m->attempts = 0; /* not counted against it */
        add_result(d, m, OUT_RETRY);
        d->results[d->nresults - 1].next_at = time_now();
        msg_free(m);
    }
}

static void *notify_main(void *arg)
{
    struct notify *d = arg;
    sigset_t set;
    sigfillset(&set);
    pthread_sigmask(SIG_BLOCK, &set, NULL); /* signals are the main thread's */
    d->woken = true;
    pump(d);
    event_base_dispatch(d->base);
    smtp_pool_free(d->smtp); /* what it had not reported is still flying */
    d->smtp = NULL;
    release_flying(d);
    flush(d);
    return NULL;
}

static void notify_free(struct notify *d)
{
    smtp_pool_free(d->smtp);
    twitter_oauth_free(d->oauth);
    oidc_client_free(d->oidc);
    transfer_free(d->xfer);
    struct event *evs[] = {d->wake_ev, d->stop_ev,  d->tick_ev,
                           d->pump_ev, d->flush_ev, d->grace_ev};
    for (size_t i = 0; i < sizeof evs / sizeof evs[0]; i++)
        if (evs[i]) event_free(evs[i]);
    if (d->base) event_base_free(d->base);
    notify_env_cleanup(&d->env);
    tmpl_set_free(d->env.tmpl);
    db_close(d->env.db);
    for (size_t i = 0; i < d->nresults; i++)
        free((char *)d->results[i].error);
    free(d->results);
    free(d);
}

int notify_start(struct app *app, struct notify **out, struct err *e)
{
    static pthread_once_t once = PTHREAD_ONCE_INIT;
    pthread_once(&once, (void (*)(void))evthread_use_pthreads);
    int rc = -1;
    struct notify *d = xcalloc(1, sizeof *d);
    d->env.app = app;
    d->concurrency = app->cfg->notify_concurrency > 0 ? app->cfg->notify_concurrency : 64;
    d->buckets[channel_index(CH_EMAIL)].rate = app->cfg->email_rate;
    d->buckets[channel_index(CH_SMS)].rate = app->cfg->sms_rate;
    for (int i = 0; i < NCH; i++) {
        assert(notify_ops[i]->bit == channel_table[i].bit);
        d->buckets[i].last_us = time_mono_us();
        d->buckets[i].tokens = d->buckets[i].rate < 1 ? 1 : d->buckets[i].rate;
        /* registered now, so /metrics shows every channel's zeros before its first message */
        notify_sla_latency(notify_ops[i]->bit);
        notify_sla_misses(notify_ops[i]->bit);
    }
    if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK) {
        err_set(e, ERR_INTERNAL, "cannot initialise libcurl");
        goto out;
    }
    if (db_open(app->cfg->database, &d->env.db, e) != 0) goto out;
    /* its commits are bookkeeping: one lost to a machine crash means a message sent
     * again, so they do not wait for the disk (db_commit_lazily) */
    db_commit_lazily(d->env.db);
    d->env.tmpl = tmpl_set_new_embedded("templates/");
    d->base = event_base_new();
    if (d->base) {
        d->wake_ev = event_new(d->base, -1, 0, on_wake, d);
        d->stop_ev = event_new(d->base, -1, 0, on_stop, d);
        d->tick_ev = event_new(d->base, -1, EV_PERSIST, on_wake, d);
        d->pump_ev = evtimer_new(d->base, on_pump, d);
        d->flush_ev = evtimer_new(d->base, on_flush, d);
        d->grace_ev = evtimer_new(d->base, on_grace, d);
        d->xfer = transfer_new(d->base, d->concurrency, on_done, d);
        d->oauth = d->xfer ? twitter_oauth_new(&d->env, d->xfer) : NULL;
        d->oidc = d->xfer ? oidc_client_new(&d->env, d->xfer) : NULL;
        int conns = d->concurrency < SMTP_CONNS ? (int)d->concurrency : SMTP_CONNS;
        d->email_max =
            (long)conns * SMTP_DEPTH < d->concurrency ? (long)conns * SMTP_DEPTH : d->concurrency;
        d->smtp = smtp_pool_new(d->base, app->cfg, conns, on_smtp_done, d);
    }
    struct timeval tick = {.tv_sec = 1};
    if (!d->wake_ev || !d->stop_ev || !d->tick_ev || !d->pump_ev || !d->flush_ev || !d->grace_ev ||
        !d->xfer || !d->oauth || !d->oidc || !d->smtp || event_add(d->tick_ev, &tick) != 0) {
        err_set(e, ERR_INTERNAL, "cannot create the dispatcher's event loop");
        goto out;
    }
    if (pthread_create(&d->thread, NULL, notify_main, d) != 0) {
        err_set(e, ERR_INTERNAL, "cannot start the dispatcher thread");
        goto out;
    }
    *out = d;
    d = NULL;
    rc = 0;
out:
    if (d) notify_free(d);
    return rc;
}

void notify_wake(struct notify *d)
{
    if (d) event_active(d->wake_ev, 0, 0);
}

void notify_stop(struct notify *d)
{
    if (!d) return;
    event_active(d->stop_ev, 0, 0);
    pthread_join(d->thread, NULL);
    notify_free(d);
}
