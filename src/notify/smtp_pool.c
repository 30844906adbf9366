/*
 * notify/smtp_pool — SMTP connections on the dispatcher's loop. See smtp_pool.h.
 *
 * SLOTS hold the connections (NULL: none). dispatch() runs after every change (a
 * job queued, a connection open, a job reported): it gives queued jobs to the open
 * connection with the fewest, and opens connections while the queue holds more than
 * the open and opening ones can take. A closed connection is freed by REAP_EV, on a
 * later turn of the loop: never inside its own callbacks.
 */
#include "notify/smtp_pool.h"
#include "core/smtp_url.h"
#include "core/timeutil.h"
#include "core/xalloc.h"
#include <assert.h>
#include <openssl/ssl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct slot {
    struct smtp_conn *conn;
    int64_t reopen_at_us; /* after a failed opening: not before then */
};

struct smtp_pool {
    struct event_base *base;
    struct smtp_url url;
    struct smtp_conf conf;
    char helo[256];
    struct smtp_conn_cb cb;
    smtp_done_fn on_done;
    void *arg;
    struct smtp_job *head, *tail; /* queued, not yet on a connection */
    int queued;
    int nslots;
    struct slot *slots;
    struct smtp_conn **dead; /* closed, to free on REAP_EV */
    int ndead;
    struct event *reap_ev, *retry_ev;
};

static struct smtp_job *pop(struct smtp_pool *p)
{
    struct smtp_job *j = p->head;
    if (j && !(p->head = j->next)) p->tail = NULL;
    if (j) p->queued--;
    return j;
}

static struct slot *slot_of(struct smtp_pool *p, struct smtp_conn *c)
{
    for (int i = 0; i < p->nslots; i++)
        if (p->slots[i].conn == c) return &p->slots[i];
    return NULL;
}

static void dispatch(struct smtp_pool *p)
{
    /* to open connections, the least loaded first */
    while (p->head) {
        struct smtp_conn *best = NULL;
        for (int i = 0; i < p->nslots; i++) {
            struct smtp_conn *c = p->slots[i].conn;
            if (c && smtp_conn_is_open(c) && smtp_conn_jobs(c) < SMTP_DEPTH &&
                (!best || smtp_conn_jobs(c) < smtp_conn_jobs(best)))
                best = c;
        }
        if (!best) break;
        smtp_conn_send(best, pop(p));
    }
    /* more connections while the queue is longer than the opening ones will take */
    int opening = 0;
    for (int i = 0; i < p->nslots; i++)
        if (p->slots[i].conn && !smtp_conn_is_open(p->slots[i].conn)) opening++;
    int64_t now = time_mono_us(), wait_us = 0;
    for (int i = 0; i < p->nslots && p->queued > opening * SMTP_DEPTH; i++) {
        struct slot *s = &p->slots[i];
        if (s->conn) continue;
        if (s->reopen_at_us > now) {
            if (!wait_us || s->reopen_at_us - now < wait_us) wait_us = s->reopen_at_us - now;
            continue;
        }
        if ((s->conn = smtp_conn_open(p->base, &p->conf, &p->cb))) opening++;
    }
    if (wait_us && p->queued > opening * SMTP_DEPTH && !evtimer_pending(p->retry_ev, NULL)) {
        struct timeval tv = {.tv_sec = wait_us / 1000000, .tv_usec = wait_us % 1000000};
        evtimer_add(p->retry_ev, &tv);
    }
}

static void on_ready(void *arg, struct smtp_conn *c)
{
    (void)c;
    dispatch(arg);
}

static void on_job(void *arg, struct smtp_job *job, enum smtp_verdict v)
{
    struct smtp_pool *p = arg;
    p->on_done(p->arg, job, v);
    dispatch(p);
}

static void on_closed(void *arg, struct smtp_conn *c, const char *why)
{
    struct smtp_pool *p = arg;
    struct slot *s = slot_of(p, c);
    assert(s);
    s->conn = NULL; /* after a failure (WHY), the slot rests a while */
    s->reopen_at_us = why ? time_mono_us() + SMTP_REOPEN_MS * 1000 : 0;
    p->dead = xrealloc(p->dead, (size_t)(p->ndead + 1) * sizeof *p->dead);
    p->dead[p->ndead++] = c;
    event_active(p->reap_ev, 0, 0);
    bool any_open = false;
    for (int i = 0; i < p->nslots; i++)
        if (p->slots[i].conn && smtp_conn_is_open(p->slots[i].conn)) any_open = true;
    if (why && !any_open) { /* the relay cannot be used now: the queue waits its backoff */
        struct smtp_job *j;
        while ((j = pop(p))) {
            j->next = NULL;
            j->code = 0;
            snprintf(j->why, sizeof j->why, "%s", why);
            p->on_done(p->arg, j, SMTP_RETRY);
        }
    }
    dispatch(p);
}

static void on_reap(evutil_socket_t fd, short what, void *arg)
{
    struct smtp_pool *p = arg;
    (void)fd, (void)what;
    for (int i = 0; i < p->ndead; i++)
        smtp_conn_free(p->dead[i]);
    p->ndead = 0;
}

static void on_retry(evutil_socket_t fd, short what, void *arg)
{
    (void)fd, (void)what;
    dispatch(arg);
}

/* The envelope sender: the address inside "Name <addr>", or FROM itself. */
static char *bare_address(const char *from)
{
    const char *lt = strrchr(from, '<'), *gt = lt ? strchr(lt, '>') : NULL;
    if (lt && gt) return xasprintf("%.*s", (int)(gt - lt - 1), lt + 1);
    return xstrdup(from);
}

struct smtp_pool *smtp_pool_new(struct event_base *base, const struct config *cfg, int max_conns,
                                smtp_done_fn on_done, void *arg)
{
    assert(base && cfg && max_conns > 0 && on_done);
    struct smtp_pool *p = xcalloc(1, sizeof *p);
    p->base = base;
    p->on_done = on_done;
    p->arg = arg;
    p->nslots = max_conns;
    p->slots = xcalloc((size_t)max_conns, sizeof *p->slots);
    p->cb = (struct smtp_conn_cb){on_ready, on_job, on_closed, p};
    if (cfg->smtp_url && smtp_url_parse(cfg->smtp_url, &p->url) != 0) goto fail;
    const char *from = cfg->email_from ? cfg->email_from : "pharos@localhost";
    const char *at = strrchr(from, '@');
    snprintf(p->helo, sizeof p->helo, "%.*s", at ? (int)strcspn(at + 1, "> ") : 9,
             at ? at + 1 : "localhost");
    p->conf = (struct smtp_conf){.host = p->url.host,
                                 .port = p->url.port,
                                 .implicit_tls = p->url.implicit_tls,
                                 .username = cfg->smtp_username,
                                 .password = cfg->smtp_password,
                                 .allow_plaintext_auth = cfg->email_allow_plaintext_auth,
                                 .from = bare_address(from),
                                 .helo = p->helo};
    if (!(p->conf.tls = SSL_CTX_new(TLS_client_method()))) goto fail;
    SSL_CTX_set_min_proto_version(p->conf.tls, TLS1_2_VERSION);
    SSL_CTX_set_verify(p->conf.tls, SSL_VERIFY_PEER, NULL);
    if (SSL_CTX_set_default_verify_paths(p->conf.tls) != 1) goto fail;
    /* names resolve on the loop; a numeric host needs no resolver */
    p->conf.dns = evdns_base_new(base, EVDNS_BASE_INITIALIZE_NAMESERVERS);
    p->reap_ev = event_new(base, -1, 0, on_reap, p);
    p->retry_ev = evtimer_new(base, on_retry, p);
    if (!p->reap_ev || !p->retry_ev) goto fail;
    return p;
fail:
    smtp_pool_free(p);
    return NULL;
}

void smtp_pool_add(struct smtp_pool *p, struct smtp_job *job)
{
    assert(p->conf.host[0] && job->rcpt && job->data);
    job->next = NULL;
    if (p->tail)
        p->tail->next = job;
    else
        p->head = job;
    p->tail = job;
    p->queued++;
    dispatch(p);
}

void smtp_pool_free(struct smtp_pool *p)
{
    if (!p) return;
    for (int i = 0; i < p->nslots; i++)
        smtp_conn_free(p->slots[i].conn);
    for (int i = 0; i < p->ndead; i++)
        smtp_conn_free(p->dead[i]);
    free(p->dead);
    free(p->slots);
    if (p->reap_ev) event_free(p->reap_ev);
    if (p->retry_ev) event_free(p->retry_ev);
    if (p->conf.dns) { /* cancelled lookups answer on the loop: let them, once */
        evdns_base_free(p->conf.dns, 1);
        event_base_loop(p->base, EVLOOP_NONBLOCK);
    }
    if (p->conf.tls) SSL_CTX_free(p->conf.tls);
    free((char *)p->conf.from);
    free(p);
}
