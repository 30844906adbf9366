/*
 * config — SPEC §3: defaults < INI file < PHAROS_<SECTION>_<KEY> environment < flags.
 *
 * config_init() sets defaults; config_load_file(), config_load_env() and
 * config_set() (for flags) each override what came before; config_finish()
 * validates and derives the defaults that depend on other keys (base_url from
 * listen, database and secret key from data_dir, email.from and base_host from base_url,
 * node_id from the host name and listen port;
 * email.smtp_url must be smtp:// or smtps://).
 * Every error names its source: "FILE:LINE: [section] key: …", the variable, or the flag.
 */
#ifndef PHAROS_CONFIG_H
#define PHAROS_CONFIG_H
#include "core/err.h"
#include "core/host.h"
#include <stdbool.h>

struct config {
    /* [server] */
    char *listen;
    char *base_url;
    long threads;
    char *trusted_proxies;
    long max_connections;   /* open connections, all workers; default from RLIMIT_NOFILE */
    long request_timeout_s; /* a request, headers and body, must arrive within it (408) */
    char *node_id;          /* this process among the nodes of one database (SPEC §13) */
    /* [storage] */
    char *data_dir;
    char *database;
    /* [security] */
    char *secret_key_file;
    bool allow_private_targets;
    long session_idle_s; /* console session: idle expiry (security.session_idle_seconds) */
    long session_max_s;  /* console session: absolute expiry (security.session_max_seconds) */
    /* [email] */
    char *smtp_url, *smtp_username, *smtp_password, *email_from;
    bool email_allow_plaintext_auth; /* credentials without TLS (email.allow_plaintext_auth) */
    /* [sms] */
    char *sms_api_base, *sms_account_sid, *sms_auth_token, *sms_from;
    /* [twitter] */
    char *twitter_api_base, *twitter_consumer_key, *twitter_consumer_secret;
    /* [oidc] OpenID Connect sign-in (app/oidc.h); off while issuer is unset */
    char *oidc_issuer, *oidc_client_id, *oidc_client_secret, *oidc_allowed_domains,
        *oidc_default_role, *oidc_scopes;
    /* [notify] */
    long notify_concurrency;
    long lease_s; /* a claimed delivery is another node's to send after this (notify.lease_s) */
    double email_rate, sms_rate;
    long coalesce_s; /* e-mail updates to one subscriber this close go as one (notify.coalesce_s) */
    long sms_daily_cap; /* update texts a page sends a UTC day; 0: no cap (notify.sms_daily_cap) */
    /* [limits] */
    long subscribe_per_ip_hour;
    /* [metrics] */
    char *metrics_token;
    /* [monitors] */
    bool monitors_allow_private; /* checks may reach loopback and private networks (true) */
    char *monitors_nameservers;  /* "IP[:PORT], …" checks resolve with; NULL: resolv.conf's */

    /* derived by config_finish() */
    char *listen_host; /* "127.0.0.1", "::" */
    int listen_port;
    bool base_url_derived;    /* base_url came from listen, not from configuration */
    bool node_id_derived;     /* node_id came from the host name and listen */
    char base_host[HOST_MAX]; /* base_url's host (core/host.h form): the default page's */
};

void config_init(struct config *c);
void config_free(struct config *c);

/* Reads an INI file. Unknown sections or keys and bad values are errors. */
int config_load_file(struct config *c, const char *path, struct err *e);
/* Applies PHAROS_<SECTION>_<KEY> variables found in the environment. */
int config_load_env(struct config *c, struct err *e);
/* Sets "section.key" to VALUE; SOURCE names where it came from in errors (e.g. "--listen"). */
int config_set(struct config *c, const char *key, const char *value, const char *source,
               struct err *e);
/* Validates the whole and fills derived values. */
int config_finish(struct config *c, struct err *e);
/* Once the server is bound: a base_url and node_id derived from a listen port of 0 get the
 * real PORT. */
void config_bound_port(struct config *c, int port);

#endif
