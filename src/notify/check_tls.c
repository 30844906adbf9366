/*
 * notify/check_tls — a tls monitor's check once its tcp connection is made (see
 * check_net.c): a TLS handshake with the target's host name as SNI, then the peer's
 * certificate judged as a browser would, by the system's CAs and the host name (the
 * handshake itself does not verify, so the reason can be told: "certificate has
 * expired", "Hostname mismatch"…). A valid certificate that expires within
 * tls_warn_days is a warning: the service shows degraded_performance.
 */
#include "notify/check.h"
#include <event2/bufferevent.h>
#include <event2/bufferevent_ssl.h>
#include <openssl/err.h>
#include <openssl/ssl.h>
#include <openssl/x509v3.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

static void on_tls_event(struct bufferevent *bev, short what, void *arg)
{
    struct mon_check *c = arg;
    SSL *ssl = bufferevent_openssl_get_ssl(bev);
    if (!(what & BEV_EVENT_CONNECTED)) {
        unsigned long e = bufferevent_get_openssl_error(bev);
        const char *why =
            e && ERR_reason_error_string(e) ? ERR_reason_error_string(e) : "the connection closed";
        c->tls_end(c, "TLS handshake failed", why, false);
        return;
    }
    long v = SSL_get_verify_result(ssl);
    X509 *cert = SSL_get0_peer_certificate(ssl);
    if (!cert) {
        c->tls_end(c, "TLS", "the server sent no certificate", false);
        return;
    }
    if (v != X509_V_OK) {
        c->tls_end(c, "the certificate is refused", X509_verify_cert_error_string(v), false);
        return;
    }
    int days = 0, secs = 0;
    if (!ASN1_TIME_diff(&days, &secs, NULL, X509_get0_notAfter(cert))) {
        c->tls_end(c, "the certificate is refused", "its expiry date does not parse", false);
        return;
    }
    if (days < c->tls_warn_days) {
        char when[64], detail[200];
        struct tm tm;
        if (ASN1_TIME_to_tm(X509_get0_notAfter(cert), &tm) == 1)
            strftime(when, sizeof when, "%Y-%m-%dT%H:%M:%SZ", &tm);
        else
            snprintf(when, sizeof when, "soon");
        snprintf(detail, sizeof detail, "in %d day%s (%s), within the %ld days warned of", days,
                 days == 1 ? "" : "s", when, c->tls_warn_days);
        c->tls_end(c, "the certificate expires", detail, true);
        return;
    }
    c->tls_end(c, NULL, NULL, false);
}

void check_tls_begin(struct mon_check *c, check_net_end_fn end)
{
    c->tls_end = end;
    char host[256];
    int port;
    SSL *ssl = c->env->tls ? SSL_new(c->env->tls) : NULL;
    if (!ssl || monitor_host_port(c->target, 443, host, sizeof host, &port) != 0) {
        if (ssl) SSL_free(ssl);
        c->tls_end(c, "TLS", "cannot start the handshake", false);
        return;
    }
    X509_VERIFY_PARAM *vp = SSL_get0_param(ssl);
    if (X509_VERIFY_PARAM_set1_ip_asc(vp, host) != 1) { /* a name, not an address */
        SSL_set_tlsext_host_name(ssl, host);
        SSL_set1_host(ssl, host);
    }
    struct bufferevent *tls = bufferevent_openssl_filter_new(
        c->env->base, c->bev, ssl, BUFFEREVENT_SSL_CONNECTING, BEV_OPT_CLOSE_ON_FREE);
    if (!tls) {
        SSL_free(ssl);
        c->tls_end(c, "TLS", "cannot start the handshake", false);
        return;
    }
    c->bev = tls; /* freeing it frees the connection under it */
    bufferevent_setcb(tls, NULL, NULL, on_tls_event, c);
    bufferevent_enable(tls, EV_READ | EV_WRITE);
}
