/*
 * notify/smtp_conn — one pipelining SMTP client connection. See smtp_conn.h.
 *
 * Two phases. Opening is a sequence of states, one command and one reply at a time
 * (greeting, EHLO, STARTTLS, EHLO, AUTH…). Once open, every command written is
 * pushed on EXPECT, a ring of what the next replies answer (a job's MAIL, RCPT,
 * DATA or content, or an RSET), and replies pop it in order. feed() writes as far as
 * the rules allow: without PIPELINING only when no reply is awaited; with it, up to a
 * DATA, whose content waits for the 354.
 *
 * I/O: a bufferevent (with OpenSSL's filter over it for TLS). On plain TCP, once
 * connected, the connection reads and writes the socket itself (DIRECT: RD_EV,
 * flush_out): a message then costs one write and one read, where the bufferevent
 * would add and drop a write interest (two epoll_ctl) and ask the socket how much it
 * holds before each read (an ioctl). The bufferevent's buffers stay the buffers.
 */
#include "notify/smtp_conn.h"
#include "core/xalloc.h"
#include <assert.h>
#include <errno.h>
#include <event2/buffer.h>
#include <event2/bufferevent.h>
#include <event2/bufferevent_ssl.h>
#include <openssl/err.h>
#include <openssl/x509v3.h>
#include <sodium.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>

enum state {
    S_RESOLVE, /* the relay's addresses */
    S_CONNECT, /* TCP (and for smtps:// the TLS handshake) */
    S_GREETING,
    S_EHLO,
    S_HELO,
    S_STARTTLS,
    S_HANDSHAKE, /* STARTTLS's handshake */
    S_AUTH_PLAIN,
    S_AUTH_USER, /* AUTH LOGIN's username */
    S_AUTH_PASS,
    S_AUTH_DONE,
    S_OPEN,
    S_QUIT,
    S_DEAD
};

enum step { E_MAIL, E_RCPT, E_DATA, E_CONTENT, E_RSET };
enum { EXPECT_MAX = 256, LINE_MAX_BYTES = 4096 };

struct expect {
    enum step step;
    struct smtp_job *job; /* NULL for RSET */
};

struct smtp_conn {
    struct event_base *base;
    const struct smtp_conf *conf;
    struct smtp_conn_cb cb;
    struct bufferevent *bev; /* NULL while resolving */
    struct event *start_ev;  /* resolving starts on a later turn: no callback inside open */
    struct ticket *ticket;   /* while resolving */
    struct evdns_getaddrinfo_request *dns_req;
    struct evutil_addrinfo *addrs, *next_addr; /* the relay's addresses; the next to try */
    char last_why[SMTP_WHY_MAX];               /* why the last address failed */
    enum state state;
    bool tls, pipelining, starttls, auth_plain, auth_login;
    bool direct;                       /* plain TCP: we read and write the socket ourselves */
    struct event *rd_ev;               /* direct: the socket readable, or the reply's time is up */
    struct smtp_job *head, *tail, *wr; /* jobs not reported; WR: the first not all written */
    int njobs;
    struct expect expect[EXPECT_MAX];
    int exp_head, nexp;
    char reply[SMTP_WHY_MAX / 2]; /* the text of the reply being read (its last line) */
};

/* What the resolver calls back with: it outlives a connection freed while resolving
 * (C set to NULL then), as libevent may answer a cancelled request on a later turn. */
struct ticket {
    struct smtp_conn *c;
};

static void on_read(struct bufferevent *bev, void *arg);
static void on_event(struct bufferevent *bev, short what, void *arg);
static void connect_next(struct smtp_conn *c);

/* ---- writing ----------------------------------------------------------------------- */

/* On plain TCP, what was queued goes to the socket now, not on the loop's next turn:
 * a message then costs no epoll_ctl to add and drop the write interest (two of its
 * seven system calls). What the socket does not take, and any error, is left to the
 * bufferevent (write interest on until drained: on_drained). */
static void flush_out(struct smtp_conn *c)
{
    if (!c->direct || c->state == S_DEAD) return;
    struct evbuffer *out = bufferevent_get_output(c->bev);
    while (evbuffer_get_length(out) > 0)
        if (evbuffer_write(out, bufferevent_getfd(c->bev)) <= 0) {
            bufferevent_enable(c->bev, EV_WRITE);
            return;
        }
}

static void on_drained(struct bufferevent *bev, void *arg)
{
    struct smtp_conn *c = arg;
    if (c->direct) bufferevent_disable(bev, EV_WRITE);
}

static void say(struct smtp_conn *c, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void say(struct smtp_conn *c, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    evbuffer_add_vprintf(bufferevent_get_output(c->bev), fmt, ap);
    va_end(ap);
    evbuffer_add(bufferevent_get_output(c->bev), "\r\n", 2);
}

void smtp_put_content(struct evbuffer *out, const char *data, size_t len)
{
    const char *p = data, *end = data + len;
    if (p < end && *p == '.') evbuffer_add(out, ".", 1);
    while (p < end) {
        const char *nl = memchr(p, '\n', (size_t)(end - p));
        if (!nl) {
            evbuffer_add(out, p, (size_t)(end - p));
            break;
        }
        evbuffer_add(out, p, (size_t)(nl + 1 - p));
        p = nl + 1;
        if (p < end && *p == '.') evbuffer_add(out, ".", 1);
    }
    bool cr = len && data[len - 1] == '\r'; /* a last line cut after its CR */
    if (len < 2 || data[len - 2] != '\r' || data[len - 1] != '\n')
        evbuffer_add(out, cr ? "\n" : "\r\n", cr ? 1 : 2);
    evbuffer_add(out, ".\r\n", 3);
}

static void expect(struct smtp_conn *c, enum step step, struct smtp_job *job)
{
    assert(c->nexp < EXPECT_MAX);
    c->expect[(c->exp_head + c->nexp++) % EXPECT_MAX] = (struct expect){step, job};
}

/* Writes what may be written now (see the note at the top). */
static void feed(struct smtp_conn *c)
{
    while (c->state == S_OPEN && c->wr && (c->pipelining || c->nexp == 0) &&
           c->nexp < EXPECT_MAX - 4) {
        struct smtp_job *j = c->wr;
        switch (j->sent) {
        case E_MAIL:
            say(c, "MAIL FROM:<%s>", c->conf->from);
            break;
        case E_RCPT:
            say(c, "RCPT TO:<%s>", j->rcpt);
            break;
        case E_DATA:
            say(c, "DATA");
            break;
        default:
            assert(j->sent == E_CONTENT);
            if (!j->go) return; /* the content waits for the 354 */
            if (j->code)        /* a refused envelope the relay still said 354 to: an empty end */
                evbuffer_add(bufferevent_get_output(c->bev), ".\r\n", 3);
            else
                smtp_put_content(bufferevent_get_output(c->bev), j->data, j->len);
            c->wr = j->next;
            break;
        }
        expect(c, (enum step)j->sent++, j);
    }
}

/* ---- jobs -------------------------------------------------------------------------- */

static bool permanent(int code)
{
    return code >= 500 && code < 600;
}

/* J's reply CODE to STEP is a refusal: remembered when it is the first. */
static void refuse(struct smtp_conn *c, struct smtp_job *j, enum step step, int code)
{
    static const char *const what[] = {"MAIL FROM", "RCPT TO", "DATA", "the message"};
    if (j->code) return;
    j->code = code;
    j->bounced = permanent(code) && (step == E_RCPT || step == E_DATA);
    snprintf(j->why, sizeof j->why, "SMTP %d (%s): %s", code, what[step], c->reply);
}

/* Reports the first job (done) and drops it. */
static void report_head(struct smtp_conn *c, enum smtp_verdict v)
{
    struct smtp_job *j = c->head;
    assert(j && j != c->wr);
    if (!(c->head = j->next)) c->tail = NULL;
    c->njobs--;
    j->next = NULL;
    c->cb.job_done(c->cb.arg, j, v);
}

/* The reply CODE to the oldest command awaiting one. */
static void on_job_reply(struct smtp_conn *c, int code)
{
    assert(c->nexp > 0);
    struct expect x = c->expect[c->exp_head];
    c->exp_head = (c->exp_head + 1) % EXPECT_MAX;
    c->nexp--;
    if (x.step == E_RSET) return;
    struct smtp_job *j = x.job;
    assert(j == c->head);
    bool ok = x.step == E_DATA ? code == 354 : code >= 200 && code < 300;
    if (!ok) refuse(c, j, x.step, code);
    if (x.step == E_DATA && code == 354) {
        j->go = true;
    } else if (x.step == E_DATA) { /* refused: no content; the transaction is reset */
        assert(c->wr == j);
        c->wr = j->next;
        say(c, "RSET");
        expect(c, E_RSET, NULL);
        report_head(c, permanent(j->code) ? SMTP_FAILED : SMTP_RETRY);
    } else if (x.step == E_CONTENT) {
        report_head(c, !j->code ? SMTP_SENT : permanent(j->code) ? SMTP_FAILED : SMTP_RETRY);
    }
}

/* ---- the end ----------------------------------------------------------------------- */

/* Ends the connection: unreported jobs are retried with WHY, then CLOSED(WHY). */
static void die(struct smtp_conn *c, const char *why)
{
    if (c->state == S_DEAD) return;
    c->state = S_DEAD;
    if (c->bev) bufferevent_disable(c->bev, EV_READ | EV_WRITE);
    if (c->rd_ev) event_del(c->rd_ev);
    c->wr = NULL;
    c->nexp = 0;
    while (c->head) {
        struct smtp_job *j = c->head;
        if (!j->code) snprintf(j->why, sizeof j->why, "%s", why ? why : "SMTP: connection closed");
        report_head(c, j->code && permanent(j->code) ? SMTP_FAILED : SMTP_RETRY);
    }
    c->cb.closed(c->cb.arg, c, why);
}

static void die_reply(struct smtp_conn *c, const char *what, int code)
{
    char why[SMTP_WHY_MAX];
    snprintf(why, sizeof why, "SMTP %d (%s): %s", code, what, c->reply);
    die(c, why);
}

/* ---- opening ----------------------------------------------------------------------- */

/* Why TLS failed (E: the OpenSSL error the bufferevent gave, or 0). */
static void tls_reason(struct smtp_conn *c, unsigned long e, char *out, size_t n)
{
    SSL *ssl = bufferevent_openssl_get_ssl(c->bev);
    long v = ssl ? SSL_get_verify_result(ssl) : X509_V_OK;
    if (v != X509_V_OK)
        snprintf(out, n, "SMTP: TLS with %s: the certificate is refused: %s", c->conf->host,
                 X509_verify_cert_error_string(v));
    else if (e)
        snprintf(out, n, "SMTP: TLS with %s failed: %s", c->conf->host,
                 ERR_reason_error_string(e) ? ERR_reason_error_string(e) : "handshake error");
    else
        snprintf(out, n, "SMTP: TLS with %s failed: the connection closed", c->conf->host);
    ERR_clear_error();
}

/* Puts TLS over the connection; on_event then sees CONNECTED when the handshake is done. */
static int start_tls(struct smtp_conn *c)
{
    if (c->direct) { /* the TLS layer reads and writes through the socket's bufferevent */
        c->direct = false;
        event_del(c->rd_ev);
    }
    bufferevent_enable(c->bev, EV_READ | EV_WRITE);
    SSL *ssl = SSL_new(c->conf->tls);
    if (!ssl) return -1;
    const char *h = c->conf->host;
    X509_VERIFY_PARAM *vp = SSL_get0_param(ssl);
    if (X509_VERIFY_PARAM_set1_ip_asc(vp, h) != 1) { /* a name, not an address */
        SSL_set_tlsext_host_name(ssl, h);
        SSL_set1_host(ssl, h);
    }
    struct bufferevent *tls = bufferevent_openssl_filter_new(
        c->base, c->bev, ssl, BUFFEREVENT_SSL_CONNECTING, BEV_OPT_CLOSE_ON_FREE);
    if (!tls) {
        SSL_free(ssl);
        return -1;
    }
    c->bev = tls;
    c->tls = true;
    bufferevent_setcb(c->bev, on_read, on_drained, on_event, c);
    bufferevent_enable(c->bev, EV_READ | EV_WRITE);
    return 0;
}

static void ehlo(struct smtp_conn *c)
{
    c->pipelining = c->starttls = c->auth_plain = c->auth_login = false;
    say(c, "EHLO %s", c->conf->helo);
    c->state = S_EHLO;
}

/* An EHLO reply line's keyword (TEXT after the code). */
static void extension(struct smtp_conn *c, const char *text)
{
    if (strcasecmp(text, "PIPELINING") == 0) c->pipelining = true;
    if (strcasecmp(text, "STARTTLS") == 0) c->starttls = true;
    if (strncasecmp(text, "AUTH", 4) == 0 && (text[4] == ' ' || text[4] == '=')) {
        char mechs[256];
        snprintf(mechs, sizeof mechs, " %s ", text + 5);
        for (char *m = mechs; *m; m++)
            *m = *m == '=' ? ' ' : *m;
        if (strcasestr(mechs, " PLAIN ")) c->auth_plain = true;
        if (strcasestr(mechs, " LOGIN ")) c->auth_login = true;
    }
}

static void now_open(struct smtp_conn *c)
{
    c->state = S_OPEN;
    c->cb.ready(c->cb.arg, c);
}

static void b64_say(struct smtp_conn *c, const char *prefix, const void *bin, size_t n)
{
    size_t cap = sodium_base64_encoded_len(n, sodium_base64_VARIANT_ORIGINAL);
    char *enc = xmalloc(cap);
    sodium_bin2base64(enc, cap, bin, n, sodium_base64_VARIANT_ORIGINAL);
    say(c, "%s%s", prefix, enc);
    sodium_memzero(enc, cap);
    free(enc);
}

/* After EHLO (and TLS): authenticate when there are credentials, else open. */
static void authenticate(struct smtp_conn *c)
{
    const struct smtp_conf *f = c->conf;
    if (!f->username && !f->password) return now_open(c);
    if (!c->tls && !f->allow_plaintext_auth)
        return die(c, "SMTP: the relay offers no TLS and email.allow_plaintext_auth is false: "
                      "credentials are not sent in clear (use smtps://, or a relay that offers "
                      "STARTTLS)");
    const char *u = f->username ? f->username : "", *p = f->password ? f->password : "";
    if (c->auth_plain) {
        size_t ul = strlen(u), pl = strlen(p), n = ul + pl + 2;
        char *raw = xmalloc(n);
        raw[0] = '\0';
        memcpy(raw + 1, u, ul);
        raw[ul + 1] = '\0';
        memcpy(raw + ul + 2, p, pl);
        b64_say(c, "AUTH PLAIN ", raw, n);
        sodium_memzero(raw, n);
        free(raw);
        c->state = S_AUTH_PLAIN;
    } else if (c->auth_login) {
        say(c, "AUTH LOGIN");
        c->state = S_AUTH_USER;
    } else {
        die(c, "SMTP: email.username is set but the relay offers neither AUTH PLAIN nor LOGIN");
    }
}

/* The reply CODE (complete) while opening. */
static void on_open_reply(struct smtp_conn *c, int code)
{
    const struct smtp_conf *f = c->conf;
    switch (c->state) {
    case S_GREETING:
        if (code != 220) return die_reply(c, "greeting", code);
        return ehlo(c);
    case S_EHLO:
        if (code == 502 || code == 500 || code == 504) { /* an old relay: HELO */
            say(c, "HELO %s", f->helo);
            c->state = S_HELO;
            return;
        }
        if (code != 250) return die_reply(c, "EHLO", code);
        if (!c->tls && c->starttls) {
            say(c, "STARTTLS");
            c->state = S_STARTTLS;
            return;
        }
        return authenticate(c);
    case S_HELO:
        if (code != 250) return die_reply(c, "HELO", code);
        return authenticate(c);
    case S_STARTTLS:
        if (code != 220) return die_reply(c, "STARTTLS", code);
        c->state = S_HANDSHAKE;
        if (start_tls(c) != 0) die(c, "SMTP: cannot start TLS");
        return;
    case S_AUTH_USER:
    case S_AUTH_PASS:
        if (code == 334) {
            const char *v = c->state == S_AUTH_USER ? f->username : f->password;
            b64_say(c, "", v ? v : "", v ? strlen(v) : 0);
            c->state = c->state == S_AUTH_USER ? S_AUTH_PASS : S_AUTH_DONE;
            return;
        }
        __attribute__((fallthrough)); /* anything else ends the exchange */
    case S_AUTH_PLAIN:
    case S_AUTH_DONE:
        if (code != 235) return die_reply(c, "AUTH: the relay refused email.username", code);
        return now_open(c);
    case S_QUIT:
        return die(c, NULL);
    default:
        return die_reply(c, "unexpected reply", code);
    }
}

/* ---- reading ----------------------------------------------------------------------- */

static void on_line(struct smtp_conn *c, const char *line, size_t n)
{
    if (n < 3 || line[0] < '2' || line[0] > '5' || line[1] < '0' || line[1] > '9' ||
        line[2] < '0' || line[2] > '9' || (n > 3 && line[3] != ' ' && line[3] != '-'))
        return die(c, "SMTP: the relay's reply is not SMTP");
    int code = (line[0] - '0') * 100 + (line[1] - '0') * 10 + (line[2] - '0');
    const char *text = n > 4 ? line + 4 : "";
    snprintf(c->reply, sizeof c->reply, "%s", text);
    if (c->state == S_EHLO && code == 250) extension(c, text);
    if (n > 3 && line[3] == '-') return; /* more lines follow */
    if (code == 421) return die_reply(c, "the relay is closing", code);
    if (c->state == S_OPEN)
        on_job_reply(c, code);
    else
        on_open_reply(c, code);
}

/* The next reply (or, idle, the next command) must come within SECONDS. */
static void wait_at_most(struct smtp_conn *c, int seconds)
{
    struct timeval t = {seconds, 0};
    if (c->direct)
        event_add(c->rd_ev, &t);
    else
        bufferevent_set_timeouts(c->bev, &t, &t);
}

static void arm(struct smtp_conn *c)
{
    if (c->state == S_DEAD) return;
    bool idle = c->state == S_OPEN && !c->head && c->nexp == 0;
    wait_at_most(c, idle ? SMTP_IDLE_S : SMTP_REPLY_S);
}

static void on_read(struct bufferevent *bev, void *arg)
{
    struct smtp_conn *c = arg;
    struct evbuffer *in = bufferevent_get_input(bev);
    char *line;
    size_t n;
    /* stops at a STARTTLS handshake: what follows is read through the TLS layer */
    while (c->state != S_DEAD && c->state != S_HANDSHAKE &&
           (line = evbuffer_readln(in, &n, EVBUFFER_EOL_CRLF))) {
        on_line(c, line, n < LINE_MAX_BYTES ? n : LINE_MAX_BYTES);
        free(line);
    }
    if (c->state == S_DEAD) return;
    if (evbuffer_get_length(in) > LINE_MAX_BYTES)
        return die(c, "SMTP: the relay's reply is too long");
    feed(c);
    flush_out(c);
    arm(c);
}

/* Direct reading (plain TCP): one recv into the input, where libevent's read would first
 * ask the socket how much it holds (an ioctl per read). Time-outs, the end and errors
 * go to on_event as the bufferevent's would. */
static void on_readable(evutil_socket_t fd, short what, void *arg)
{
    struct smtp_conn *c = arg;
    if (what & EV_TIMEOUT) return on_event(c->bev, BEV_EVENT_READING | BEV_EVENT_TIMEOUT, c);
    struct evbuffer *in = bufferevent_get_input(c->bev);
    struct evbuffer_iovec v;
    if (evbuffer_reserve_space(in, 4096, &v, 1) < 1) return die(c, "SMTP: out of memory");
    ssize_t n = recv(fd, v.iov_base, v.iov_len, 0);
    if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR)) return;
    if (n <= 0)
        return on_event(c->bev, BEV_EVENT_READING | (n ? BEV_EVENT_ERROR : BEV_EVENT_EOF), c);
    v.iov_len = (size_t)n;
    evbuffer_commit_space(in, &v, 1);
    on_read(c->bev, c);
}

static void on_event(struct bufferevent *bev, short what, void *arg)
{
    struct smtp_conn *c = arg;
    char why[SMTP_WHY_MAX];
    (void)bev;
    unsigned long ssl_err = c->tls ? bufferevent_get_openssl_error(c->bev) : 0;
    if (what & BEV_EVENT_CONNECTED) {
        if (c->state == S_CONNECT && c->conf->implicit_tls && !c->tls) {
            if (start_tls(c) != 0) die(c, "SMTP: cannot start TLS");
            return;
        }
        if (c->state == S_CONNECT && !c->tls) { /* plain TCP: our own reads and writes */
            c->rd_ev =
                event_new(c->base, bufferevent_getfd(c->bev), EV_READ | EV_PERSIST, on_readable, c);
            if (!c->rd_ev) return die(c, "SMTP: out of memory");
            c->direct = true;
            bufferevent_disable(c->bev, EV_READ | EV_WRITE);
        }
        if (c->state == S_CONNECT) c->state = S_GREETING;
        if (c->state == S_HANDSHAKE) ehlo(c);
        arm(c);
        return;
    }
    if (c->state == S_QUIT || (c->state == S_OPEN && !c->head && !(what & BEV_EVENT_TIMEOUT)))
        return die(c, NULL);                /* closed while idle: nothing lost */
    if (c->state == S_CONNECT && !c->tls) { /* TCP failed: the relay's next address */
        int err = EVUTIL_SOCKET_ERROR();
        snprintf(c->last_why, sizeof c->last_why, "SMTP: cannot connect to %s:%d: %s",
                 c->conf->host, c->conf->port,
                 what & BEV_EVENT_TIMEOUT ? "timed out"
                 : err                    ? evutil_socket_error_to_string(err)
                                          : "closed");
        return connect_next(c);
    }
    if (what & BEV_EVENT_TIMEOUT) {
        if (c->state == S_OPEN && !c->head && c->nexp == 0) { /* idle */
            say(c, "QUIT");
            flush_out(c);
            c->state = S_QUIT;
            wait_at_most(c, SMTP_CONNECT_S);
            if (!c->direct) /* a timeout disabled them */
                bufferevent_enable(c->bev, EV_READ | EV_WRITE);
            return;
        }
        snprintf(why, sizeof why, "SMTP: %s %s:%d timed out",
                 c->state == S_CONNECT ? "connecting to" : "waiting for a reply from",
                 c->conf->host, c->conf->port);
    } else if (ssl_err || c->state == S_HANDSHAKE || (c->tls && c->state == S_CONNECT)) {
        tls_reason(c, ssl_err, why, sizeof why);
    } else if (what & BEV_EVENT_ERROR) {
        int err = EVUTIL_SOCKET_ERROR();
        snprintf(why, sizeof why, "SMTP: connection lost with %s:%d: %s", c->conf->host,
                 c->conf->port, err ? evutil_socket_error_to_string(err) : "error");
    } else {
        snprintf(why, sizeof why, "SMTP: %s:%d closed the connection", c->conf->host,
                 c->conf->port);
    }
    die(c, why);
}

/* ---- connecting -------------------------------------------------------------------- */

/* Connects to the next address of the relay; dies with the last reason after the last. */
static void connect_next(struct smtp_conn *c)
{
    struct evutil_addrinfo *ai = c->next_addr;
    if (c->bev) bufferevent_free(c->bev); /* a failed attempt's (fine inside its callback) */
    c->bev = NULL;
    if (!ai) return die(c, c->last_why[0] ? c->last_why : "SMTP: the relay has no address");
    c->next_addr = ai->ai_next;
    c->state = S_CONNECT;
    if (!(c->bev = bufferevent_socket_new(c->base, -1, BEV_OPT_CLOSE_ON_FREE)))
        return die(c, "SMTP: cannot make a socket");
    bufferevent_setcb(c->bev, on_read, on_drained, on_event, c);
    struct timeval t = {SMTP_CONNECT_S, 0};
    bufferevent_set_timeouts(c->bev, &t, &t);
    bufferevent_enable(c->bev, EV_READ | EV_WRITE);
    /* a failure, even an immediate one, comes back through on_event on a later turn */
    if (bufferevent_socket_connect(c->bev, ai->ai_addr, (int)ai->ai_addrlen) != 0) {
        snprintf(c->last_why, sizeof c->last_why, "SMTP: cannot connect to %s:%d", c->conf->host,
                 c->conf->port);
        connect_next(c);
    }
}

static void on_resolved(int result, struct evutil_addrinfo *res, void *arg)
{
    struct ticket *t = arg;
    struct smtp_conn *c = t->c;
    free(t);
    if (!c) { /* freed meanwhile */
        if (res) evutil_freeaddrinfo(res);
        return;
    }
    c->ticket = NULL;
    c->dns_req = NULL;
    if (result != 0) {
        char why[SMTP_WHY_MAX];
        snprintf(why, sizeof why, "SMTP: cannot resolve %s: %s", c->conf->host,
                 evutil_gai_strerror(result));
        return die(c, why);
    }
    c->addrs = c->next_addr = res;
    connect_next(c);
}

static void on_start(evutil_socket_t fd, short what, void *arg)
{
    struct smtp_conn *c = arg;
    (void)fd, (void)what;
    char port[16];
    snprintf(port, sizeof port, "%d", c->conf->port);
    struct evutil_addrinfo hints = {.ai_family = AF_UNSPEC,
                                    .ai_socktype = SOCK_STREAM,
                                    .ai_protocol = IPPROTO_TCP,
                                    .ai_flags = EVUTIL_AI_ADDRCONFIG};
    struct ticket *t = xmalloc(sizeof *t);
    t->c = c;
    c->ticket = t;
    if (c->conf->dns) { /* on the loop; a numeric host answers at once */
        struct evdns_getaddrinfo_request *r =
            evdns_getaddrinfo(c->conf->dns, c->conf->host, port, &hints, on_resolved, t);
        if (c->ticket == t) c->dns_req = r; /* else it has answered already */
        return;
    }
    struct evutil_addrinfo *res = NULL; /* no resolver on the loop: the system's */
    on_resolved(evutil_getaddrinfo(c->conf->host, port, &hints, &res), res, t);
}

/* ---- the interface ----------------------------------------------------------------- */

struct smtp_conn *smtp_conn_open(struct event_base *base, const struct smtp_conf *conf,
                                 const struct smtp_conn_cb *cb)
{
    assert(base && conf && cb && cb->ready && cb->job_done && cb->closed);
    struct smtp_conn *c = xcalloc(1, sizeof *c);
    c->base = base;
    c->conf = conf;
    c->cb = *cb;
    c->state = S_RESOLVE;
    struct timeval now = {0, 0};
    if (!(c->start_ev = evtimer_new(base, on_start, c)) || evtimer_add(c->start_ev, &now) != 0) {
        if (c->start_ev) event_free(c->start_ev);
        free(c);
        return NULL;
    }
    return c;
}

bool smtp_conn_is_open(const struct smtp_conn *c)
{
    return c->state == S_OPEN;
}

int smtp_conn_jobs(const struct smtp_conn *c)
{
    return c->njobs;
}

void smtp_conn_send(struct smtp_conn *c, struct smtp_job *job)
{
    assert(c->state == S_OPEN && job && job->rcpt && job->data);
    job->next = NULL;
    job->sent = 0;
    job->go = false;
    job->code = 0;
    job->bounced = false;
    job->why[0] = '\0';
    if (c->tail)
        c->tail->next = job;
    else
        c->head = job;
    c->tail = job;
    c->njobs++;
    if (!c->wr) c->wr = job;
    feed(c);
    flush_out(c);
    arm(c);
}

void smtp_conn_free(struct smtp_conn *c)
{
    if (!c) return;
    if (c->ticket) { /* its answer, now or on a later turn, finds no connection */
        c->ticket->c = NULL;
        if (c->dns_req) evdns_getaddrinfo_cancel(c->dns_req);
    }
    event_free(c->start_ev);
    if (c->addrs) evutil_freeaddrinfo(c->addrs);
    if (c->rd_ev) event_free(c->rd_ev);
    if (c->bev) bufferevent_free(c->bev);
    free(c);
}
