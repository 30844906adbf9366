/*
 * config — a table of keys drives parsing for every source. See config.h.
 * Strings are owned by the struct; each set frees the previous value.
 */
#include "core/config.h"
#include "core/host.h"
#include "core/smtp_url.h"
#include "core/xalloc.h"
#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <ini.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/resource.h>
#include <unistd.h>

enum ktype { T_STR, T_INT, T_BOOL, T_NUM };

struct key {
    const char *section, *name;
    enum ktype type;
    size_t off;
    long min, max;
};

#define S(sec, nm, field)                                                                          \
    {                                                                                              \
        sec, nm, T_STR, offsetof(struct config, field), 0, 0                                       \
    }
#define I(sec, nm, field, lo, hi)                                                                  \
    {                                                                                              \
        sec, nm, T_INT, offsetof(struct config, field), lo, hi                                     \
    }
#define B(sec, nm, field)                                                                          \
    {                                                                                              \
        sec, nm, T_BOOL, offsetof(struct config, field), 0, 0                                      \
    }
#define N(sec, nm, field)                                                                          \
    {                                                                                              \
        sec, nm, T_NUM, offsetof(struct config, field), 0, 0                                       \
    }

/* Defaults are set by config_init() and config_finish(); those that are derived:
 *   server.threads           the number of CPUs online
 *   server.max_connections   the descriptor limit (RLIMIT_NOFILE, the soft one) less a
 *                            reserve of max(64, limit / 8) for the database, the logs,
 *                            spool files and outbound connections: 896 under 1024, 192 under 256
 *   server.node_id           HOSTNAME:PORT (the port once bound when listen asks for 0)
 *   storage.database, security.secret_key_file, email.from, server.base_url: config.h */
static const struct key keys[] = {
    S("server", "listen", listen),
    S("server", "base_url", base_url),
    I("server", "threads", threads, 1, 256),
    S("server", "trusted_proxies", trusted_proxies),
    I("server", "max_connections", max_connections, 1, 10000000),
    I("server", "request_timeout_seconds", request_timeout_s, 1, 3600),
    S("server", "node_id", node_id),
    S("storage", "data_dir", data_dir),
    S("storage", "database", database),
    S("security", "secret_key_file", secret_key_file),
    B("security", "allow_private_targets", allow_private_targets),
    I("security", "session_idle_seconds", session_idle_s, 1, 30L * 86400),
    I("security", "session_max_seconds", session_max_s, 1, 365L * 86400),
    S("email", "smtp_url", smtp_url),
    S("email", "username", smtp_username),
    S("email", "password", smtp_password),
    S("email", "from", email_from),
    B("email", "allow_plaintext_auth", email_allow_plaintext_auth),
    S("sms", "api_base", sms_api_base),
    S("sms", "account_sid", sms_account_sid),
    S("sms", "auth_token", sms_auth_token),
    S("sms", "from", sms_from),
    S("twitter", "api_base", twitter_api_base),
    S("twitter", "consumer_key", twitter_consumer_key),
    S("twitter", "consumer_secret", twitter_consumer_secret),
    S("oidc", "issuer", oidc_issuer),
    S("oidc", "client_id", oidc_client_id),
    S("oidc", "client_secret", oidc_client_secret),
    S("oidc", "allowed_domains", oidc_allowed_domains),
    S("oidc", "default_role", oidc_default_role),
    S("oidc", "scopes", oidc_scopes),
    I("notify", "concurrency", notify_concurrency, 1, 4096),
    I("notify", "lease_s", lease_s, 5, 86400),
    N("notify", "email_rate", email_rate),
    N("notify", "sms_rate", sms_rate),
    I("notify", "coalesce_s", coalesce_s, 0, 300),
    I("notify", "sms_daily_cap", sms_daily_cap, 0, 100000000),
    I("limits", "subscribe_per_ip_hour", subscribe_per_ip_hour, 0, 1000000),
    S("metrics", "token", metrics_token),
    B("monitors", "allow_private_targets", monitors_allow_private),
    S("monitors", "nameservers", monitors_nameservers),
};

static char **str_field(struct config *c, const struct key *k)
{
    return (char **)((char *)c + k->off);
}

static void set_str(char **slot, const char *v)
{
    free(*slot);
    *slot = v ? xstrdup(v) : NULL;
}

/* server.max_connections by default: the descriptor limit less a reserve. */
static long default_max_connections(void)
{
    struct rlimit rl;
    long limit = 1024;
    if (getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur != RLIM_INFINITY)
        limit = rl.rlim_cur < (1 << 24) ? (long)rl.rlim_cur : 1 << 24;
    long reserve = limit / 8 > 64 ? limit / 8 : 64;
    return limit - reserve > 16 ? limit - reserve : 16;
}

void config_init(struct config *c)
{
    memset(c, 0, sizeof *c);
    set_str(&c->listen, "127.0.0.1:8080");
    long cpus = sysconf(_SC_NPROCESSORS_ONLN);
    c->threads = cpus > 0 ? cpus : 1;
    c->max_connections = default_max_connections();
    c->request_timeout_s = 30;
    set_str(&c->data_dir, "./pharos-data");
    set_str(&c->sms_api_base, "https://api.twilio.com");
    set_str(&c->twitter_api_base, "https://api.twitter.com");
    c->notify_concurrency = 64;
    c->lease_s = 60;
    c->coalesce_s = 30;
    c->subscribe_per_ip_hour = 10;
    c->session_idle_s = 30 * 60;
    c->session_max_s = 12 * 3600;
    c->monitors_allow_private = true;
    set_str(&c->oidc_default_role, "viewer");
    set_str(&c->oidc_scopes, "openid email profile");
}

void config_free(struct config *c)
{
    for (size_t i = 0; i < sizeof keys / sizeof keys[0]; i++)
        if (keys[i].type == T_STR) set_str(str_field(c, &keys[i]), NULL);
    free(c->listen_host);
    memset(c, 0, sizeof *c);
}

static const struct key *find_key(const char *section, const char *name)
{
    for (size_t i = 0; i < sizeof keys / sizeof keys[0]; i++)
        if (strcasecmp(keys[i].section, section) == 0 && strcasecmp(keys[i].name, name) == 0)
            return &keys[i];
    return NULL;
}

/* Stores VALUE in key K; on a bad value fills E prefixed with WHERE. */
static int apply(struct config *c, const struct key *k, const char *value, const char *where,
                 struct err *e)
{
    char *end;
    switch (k->type) {
    case T_STR:
        set_str(str_field(c, k), value);
        return 0;
    case T_INT: {
        errno = 0;
        long v = strtol(value, &end, 10);
        if (errno || end == value || *end || v < k->min || v > k->max)
            return err_set(e, ERR_INVALID,
                           "%s: [%s] %s must be a whole number from %ld to %ld, not \"%s\"", where,
                           k->section, k->name, k->min, k->max, value);
        *(long *)((char *)c + k->off) = v;
        return 0;
    }
    case T_NUM: {
        errno = 0;
        double v = strtod(value, &end);
        if (errno || end == value || *end || v < 0)
            return err_set(e, ERR_INVALID, "%s: [%s] %s must be a number of at least 0, not \"%s\"",
                           where, k->section, k->name, value);
        *(double *)((char *)c + k->off) = v;
        return 0;
    }
    case T_BOOL: {
        bool *b = (bool *)((char *)c + k->off);
        if (!strcasecmp(value, "true") || !strcasecmp(value, "yes") || !strcasecmp(value, "on") ||
            !strcmp(value, "1"))
            *b = true;
        else if (!strcasecmp(value, "false") || !strcasecmp(value, "no") ||
                 !strcasecmp(value, "off") || !strcmp(value, "0"))
            *b = false;
        else
            return err_set(e, ERR_INVALID, "%s: [%s] %s must be true or false, not \"%s\"", where,
                           k->section, k->name, value);
        return 0;
    }
    }
    return 0;
}

struct file_ctx {
    struct config *c;
    struct err *e;
    FILE *f;
    int line;     /* lines read so far: the line the handler is looking at */
    int failed;   /* line of the first bad key or value, 0 if none */
    int bad_line; /* line the reader stopped at (too long, or a NUL byte), 0 if none */
    bool bad_nul; /* it stopped at a NUL byte */
    int max;      /* the longest line that fits, in bytes */
};

static bool known_section(const char *section)
{
    for (size_t i = 0; i < sizeof keys / sizeof keys[0]; i++)
        if (strcasecmp(keys[i].section, section) == 0) return true;
    return false;
}

static int on_ini_key(void *user, const char *section, const char *name, const char *value)
{
    struct file_ctx *fc = user;
    if (fc->failed) return 1;
    const struct key *k = find_key(section, name);
    if (!k) {
        if (!*section)
            err_set(fc->e, ERR_INVALID, "key %s is outside any [section]", name);
        else if (!known_section(section))
            err_set(fc->e, ERR_INVALID,
                    "unknown section [%s] (key %s); accepted sections: server, storage, "
                    "security, email, sms, twitter, oidc, notify, limits, metrics, monitors",
                    section, name);
        else
            err_set(fc->e, ERR_INVALID, "unknown key [%s] %s", section, name);
        fc->failed = fc->line;
        return 0;
    }
    if (apply(fc->c, k, value, "", fc->e) != 0) {
        fc->failed = fc->line;
        return 0;
    }
    return 1;
}

/*
 * inih reads lines into a fixed buffer and would parse the rest of a longer line
 * as a line of its own; this reader counts lines (so a handler's error carries
 * its own line, not that of an earlier syntax error) and stops at a line that
 * does not fit or holds a NUL byte (which would silently cut the line short).
 */
static char *read_line(char *buf, int size, void *user)
{
    struct file_ctx *fc = user;
    if (fc->bad_line) return NULL;
    fc->max = size - 1; /* bytes of a line, newline not counted */
    int ch, n = 0;
    while ((ch = getc(fc->f)) != EOF && ch != '\n') {
        if (ch == '\0' || n == size - 1) {
            fc->bad_line = fc->line + 1;
            fc->bad_nul = ch == '\0';
            return NULL;
        }
        buf[n++] = (char)ch;
    }
    if (ch == EOF && n == 0) return NULL;
    buf[n] = '\0';
    fc->line++;
    return buf;
}

int config_load_file(struct config *c, const char *path, struct err *e)
{
    struct err inner = {0};
    struct file_ctx fc = {.c = c, .e = &inner};
    fc.f = fopen(path, "r");
    if (!fc.f)
        return err_set(e, ERR_INVALID, "%s: cannot open config file: %s", path, strerror(errno));
    /* inih's handler is called per file line; bridge its callback to FILE */
    int line = ini_parse_stream(read_line, &fc, on_ini_key, &fc);
    fclose(fc.f);
    if (line == -2) return err_set(e, ERR_INTERNAL, "%s: out of memory reading config file", path);
    if (line > 0 && line != fc.failed)
        return err_set(e, ERR_INVALID, "%s:%d: syntax error (expected [section] or key = value)",
                       path, line);
    if (fc.failed) {
        /* apply() messages start with ": " when WHERE is empty */
        const char *m = inner.msg[0] == ':' ? inner.msg + 2 : inner.msg;
        return err_set(e, ERR_INVALID, "%s:%d: %s", path, fc.failed, m);
    }
    if (fc.bad_line && fc.bad_nul)
        return err_set(e, ERR_INVALID, "%s:%d: NUL byte (is this a text file?)", path, fc.bad_line);
    if (fc.bad_line)
        return err_set(e, ERR_INVALID, "%s:%d: line too long (at most %d bytes)", path, fc.bad_line,
                       fc.max);
    return 0;
}

int config_load_env(struct config *c, struct err *e)
{
    for (size_t i = 0; i < sizeof keys / sizeof keys[0]; i++) {
        char var[96];
        int n = snprintf(var, sizeof var, "PHAROS_%s_%s", keys[i].section, keys[i].name);
        for (int j = 0; j < n; j++)
            var[j] = (char)toupper((unsigned char)var[j]);
        const char *v = getenv(var);
        if (v && apply(c, &keys[i], v, var, e) != 0) return -1;
    }
    return 0;
}

int config_set(struct config *c, const char *key, const char *value, const char *source,
               struct err *e)
{
    const char *dot = strchr(key, '.');
    char section[32];
    if (!dot || (size_t)(dot - key) >= sizeof section)
        return err_set(e, ERR_INVALID, "%s: unknown setting %s", source, key);
    memcpy(section, key, dot - key);
    section[dot - key] = '\0';
    const struct key *k = find_key(section, dot + 1);
    if (!k) return err_set(e, ERR_INVALID, "%s: unknown setting %s", source, key);
    return apply(c, k, value, source, e);
}

/* Splits "host:port", "[v6]:port" into C's listen_host/listen_port. The port is
 * 0 to 65535 in digits only; an IPv6 address needs its brackets. */
static int parse_listen(struct config *c, struct err *e)
{
    const char *l = c->listen;
    const char *colon = strrchr(l, ':');
    const char *host_start = l, *host_end = colon;
    if (!colon) goto bad;
    if (l[0] == '[') {
        const char *close = strchr(l, ']');
        if (!close || close + 1 != colon) goto bad;
        host_start = l + 1;
        host_end = close;
    } else if (memchr(l, ':', colon - l) || memchr(l, ']', colon - l)) {
        goto bad;
    }
    const char *p = colon + 1;
    size_t digits = strspn(p, "0123456789");
    if (digits == 0 || digits > 5 || p[digits] || host_end <= host_start) goto bad;
    long port = strtol(p, NULL, 10);
    if (port > 65535) goto bad;
    free(c->listen_host);
    c->listen_host = xstrndup(host_start, host_end - host_start);
    c->listen_port = (int)port;
    return 0;
bad:
    return err_set(
        e, ERR_INVALID,
        "[server] listen must be HOST:PORT (e.g. 127.0.0.1:8080 or [::]:8080), not \"%s\"", l);
}

/* The host of an http(s) URL: its length at *LEN, brackets kept for IPv6. */
static const char *url_host(const char *url, size_t *len)
{
    const char *h = strstr(url, "://") + 3;
    if (*h == '[') {
        const char *close = strchr(h, ']');
        *len = close ? (size_t)(close - h) + 1 : 0;
    } else {
        *len = strcspn(h, ":/?#");
    }
    return h;
}

/* Whether the address S[0..N) is IP, IP:PORT or [IPv6]:PORT. */
static bool nameserver_ok(const char *s, size_t n)
{
    char a[64], *port = NULL;
    if (n == 0 || n >= sizeof a) return false;
    memcpy(a, s, n);
    a[n] = '\0';
    char *host = a, *colon = strchr(a, ':');
    if (a[0] == '[') {
        char *close = strchr(a, ']');
        if (!close || (close[1] && close[1] != ':')) return false;
        *close = '\0';
        host = a + 1;
        port = close[1] ? close + 2 : NULL;
    } else if (colon && !strchr(colon + 1, ':')) { /* IPv4:PORT */
        *colon = '\0';
        port = colon + 1;
    }
    if (port) {
        char *end;
        long p = strtol(port, &end, 10);
        if (!*port || *end || p < 1 || p > 65535) return false;
    }
    unsigned char buf[16];
    return inet_pton(AF_INET, host, buf) == 1 || inet_pton(AF_INET6, host, buf) == 1;
}

/* Whether every entry of LIST (separated by commas and spaces) is a nameserver address;
 * *BAD: the first that is not. */
static bool nameservers_ok(const char *list, const char **bad)
{
    for (const char *p = list; *p;) {
        p += strspn(p, ", ");
        size_t n = strcspn(p, ", ");
        if (n && !nameserver_ok(p, n)) {
            *bad = p;
            return false;
        }
        p += n;
    }
    return true;
}

int config_finish(struct config *c, struct err *e)
{
    if (parse_listen(c, e) != 0) return -1;
    if (!c->base_url || !*c->base_url) {
        char *b = xasprintf("http://%s", c->listen);
        set_str(&c->base_url, b);
        free(b);
        c->base_url_derived = true;
    }
    if (strncmp(c->base_url, "http://", 7) != 0 && strncmp(c->base_url, "https://", 8) != 0)
        return err_set(e, ERR_INVALID,
                       "[server] base_url must start with http:// or https://, not \"%s\"",
                       c->base_url);
    size_t bl = strlen(c->base_url), hl;
    while (bl > 8 && c->base_url[bl - 1] == '/')
        c->base_url[--bl] = '\0';
    const char *bh = url_host(c->base_url, &hl);
    if (hl == 0)
        return err_set(e, ERR_INVALID,
                       "[server] base_url must name a host (e.g. "
                       "https://status.example.com), not \"%s\"",
                       c->base_url);
    char *authority = xstrndup(bh, hl);
    host_from_header(authority, c->base_host, sizeof c->base_host);
    free(authority);
    if (!c->database || !*c->database) {
        char *d = xasprintf("sqlite:%s/pharos.db", c->data_dir);
        set_str(&c->database, d);
        free(d);
    }
    if (!c->secret_key_file || !*c->secret_key_file) {
        char *k = xasprintf("%s/secret.key", c->data_dir);
        set_str(&c->secret_key_file, k);
        free(k);
    }
    /* the scheme decides TLS (notify/smtp_conn.c); the client needs host and port */
    struct smtp_url su;
    if (c->smtp_url && *c->smtp_url && smtp_url_parse(c->smtp_url, &su) != 0)
        return err_set(e, ERR_INVALID,
                       "[email] smtp_url must be smtp://HOST[:PORT] or smtps://HOST[:PORT], "
                       "not \"%s\"",
                       c->smtp_url);
    const char *bad_ns = NULL;
    if (c->monitors_nameservers && !nameservers_ok(c->monitors_nameservers, &bad_ns))
        return err_set(e, ERR_INVALID,
                       "[monitors] nameservers takes IP or IP:PORT entries separated by commas, "
                       "not \"%.60s\"",
                       bad_ns);
    if (!c->node_id || !*c->node_id) {
        char host[256] = "localhost";
        if (gethostname(host, sizeof host - 1) != 0) snprintf(host, sizeof host, "localhost");
        host[sizeof host - 1] = '\0';
        char *n = xasprintf("%s:%d", host, c->listen_port);
        set_str(&c->node_id, n);
        free(n);
        c->node_id_derived = true;
    }
    if (!c->email_from || !*c->email_from) {
        const char *h = url_host(c->base_url, &hl);
        char *f = xasprintf("status@%.*s", (int)hl, h);
        set_str(&c->email_from, f);
        free(f);
    }
    return 0;
}

void config_bound_port(struct config *c, int port)
{
    if (c->node_id_derived && c->listen_port == 0) {
        char *colon = strrchr(c->node_id, ':');
        char *n = xasprintf("%.*s:%d", (int)(colon - c->node_id), c->node_id, port);
        set_str(&c->node_id, n);
        free(n);
    }
    if (!c->base_url_derived || c->listen_port != 0) return;
    const char *colon = strrchr(c->listen, ':');
    char *b = xasprintf("http://%.*s:%d", (int)(colon - c->listen), c->listen, port);
    set_str(&c->base_url, b);
    free(b);
}
