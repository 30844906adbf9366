/*
 * notify/smtp_conn — one SMTP client connection on a libevent loop, with PIPELINING.
 *
 * Why not libcurl: curl sends one command and waits for its reply (four round trips
 * a message, each a wake-up of a blocked thread), and it waits for the end-of-data
 * reply in blocking mode even on a multi handle. Here a connection is a state machine
 * on the dispatcher's loop: no thread per connection, and when the relay offers
 * PIPELINING (RFC 2920) a message costs one round trip: its content, the end-of-data
 * dot and the next message's MAIL, RCPT and DATA leave in one write, and the replies
 * come back in order. Without PIPELINING each command waits for its reply (RFC 5321).
 *
 * Opening: the relay's name resolved on the loop (evdns; the system's resolver when there
 * is none), each of its addresses tried in turn (10 s each), TLS first for smtps://, the
 * greeting (220), EHLO (HELO when refused), STARTTLS when the relay offers it on
 * smtp:// and then EHLO again, AUTH PLAIN (else LOGIN) when credentials are set. TLS
 * checks the relay's certificate against the system CA store (OpenSSL's default paths;
 * SSL_CERT_FILE overrides them) and the host name of email.smtp_url. Credentials are
 * never sent in clear unless email.allow_plaintext_auth. Any failure there closes the
 * connection with a reason.
 *
 * A job is one message: its recipient and content (CRLF lines; dot-stuffed here).
 * Each is reported once to JOB_DONE with a verdict:
 *   sent    — 250 to the end of data;
 *   failed  — a 5xx reply to MAIL, RCPT, DATA or the end of data (permanent); when the
 *             first refusal was to RCPT or DATA the recipient was refused (job->bounced:
 *             a bounce, SPEC §15), not the sender or the message;
 *   retry   — a 4xx reply, or the connection lost before the end-of-data reply (the
 *             message may have arrived: at-least-once, like every channel).
 * After a refused transaction the connection sends RSET and goes on.
 *
 * Every wait has a limit: 10 s to connect, 60 s for a reply; an idle connection says
 * QUIT after 30 s. When the connection ends (failure, the relay's 421 or EOF, idle),
 * its unreported jobs are reported as retry, then CLOSED is called with the reason
 * (NULL after an idle QUIT); the owner frees the connection there or later, never from
 * JOB_DONE. Runs only on its loop's thread.
 */
#ifndef PHAROS_NOTIFY_SMTP_CONN_H
#define PHAROS_NOTIFY_SMTP_CONN_H
#include <event2/dns.h>
#include <event2/event.h>
#include <openssl/ssl.h>
#include <stdbool.h>
#include <stddef.h>

enum { SMTP_CONNECT_S = 10, SMTP_REPLY_S = 60, SMTP_IDLE_S = 30, SMTP_WHY_MAX = 512 };

/* Where and how to send (borrowed: lives as long as every connection using it). */
struct smtp_conf {
    const char *host;
    int port;
    bool implicit_tls; /* smtps:// */
    const char *username, *password;
    bool allow_plaintext_auth;
    const char *from; /* the envelope sender, a bare address */
    const char *helo; /* the name given in EHLO */
    SSL_CTX *tls;     /* a client context verifying peers */
    struct evdns_base *dns;
};

enum smtp_verdict { SMTP_SENT, SMTP_RETRY, SMTP_FAILED };

struct smtp_job {
    struct smtp_job *next; /* the owner's and then the connection's queue */
    void *arg;             /* the owner's message */
    const char *rcpt;      /* a bare address; RCPT, DATA borrowed until reported */
    const char *data;
    size_t len;
    /* the connection's own */
    int sent;     /* steps written: MAIL, RCPT, DATA, content */
    bool go;      /* DATA was answered 354 */
    int code;     /* the first failing reply, 0: none yet */
    bool bounced; /* that reply was a 5xx to RCPT TO or DATA: the recipient was refused */
    char why[SMTP_WHY_MAX];
};

struct smtp_conn;
typedef void (*smtp_job_fn)(void *arg, struct smtp_job *job, enum smtp_verdict v);
typedef void (*smtp_ready_fn)(void *arg, struct smtp_conn *c);
typedef void (*smtp_closed_fn)(void *arg, struct smtp_conn *c, const char *why);

struct smtp_conn_cb {
    smtp_ready_fn ready; /* open and able to take jobs (again) */
    smtp_job_fn job_done;
    smtp_closed_fn closed;
    void *arg;
};

/* Starts opening a connection for CONF on BASE. NULL when no socket can be made. */
struct smtp_conn *smtp_conn_open(struct event_base *base, const struct smtp_conf *conf,
                                 const struct smtp_conn_cb *cb);
/* True once open (after ready), until closed. */
bool smtp_conn_is_open(const struct smtp_conn *c);
/* Jobs not yet reported. */
int smtp_conn_jobs(const struct smtp_conn *c);
/* Queues JOB on an open connection; it goes out after the ones before it. */
void smtp_conn_send(struct smtp_conn *c, struct smtp_job *job);
/* Closes at once: nothing more is reported. Jobs not reported are the owner's again. */
void smtp_conn_free(struct smtp_conn *c);

/* Appends LEN bytes of DATA to OUT as DATA content: a "." starting a line doubled,
 * a final CRLF added when missing, then ".\r\n". Exposed for its unit test. */
struct evbuffer;
void smtp_put_content(struct evbuffer *out, const char *data, size_t len);

#endif
