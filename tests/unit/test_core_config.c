/*
 * Unit tests for core/config (SPEC §3): the defaults and the values derived from
 * them by config_finish(); INI files (written to temporary files) for every value
 * type; the precedence flag > PHAROS_<SECTION>_<KEY> environment > file > default;
 * errors that name the file, line and key (unknown key or section, bad integer,
 * bool or number, syntax errors, over-long lines, NUL bytes, a missing file), the variable or
 * the flag; the accepted and refused forms of server.listen (IPv4, [IPv6]) and of
 * server.base_url (trailing slashes trimmed, only http:// and https://), and of
 * email.smtp_url (only smtp:// and smtps://).
 */
#include "core/config.h"
#include "testutil.h"
#include <sys/resource.h>

extern char **environ;

/* Removes every PHAROS_* variable so the tests see only what they set. */
static int clear_env(void **state)
{
    (void)state;
    for (;;) {
        char name[128] = "";
        for (char **v = environ; v && *v; v++)
            if (strncmp(*v, "PHAROS_", 7) == 0) {
                size_t n = strcspn(*v, "=");
                snprintf(name, sizeof name, "%.*s", (int)n, *v);
                break;
            }
        if (!name[0]) return 0;
        unsetenv(name);
    }
}

/* Writes TEXT to a new temporary file whose path goes to PATH (≥ 64 bytes). */
static void write_ini(char *path, const char *text)
{
    strcpy(path, "/tmp/pharos-config-XXXXXX");
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    size_t n = strlen(text);
    assert_int_equal(write(fd, text, n), (ssize_t)n);
    close(fd);
}

/* Loads TEXT as a config file into C; returns what config_load_file returned. */
static int load_text(struct config *c, const char *text, char *path, struct err *e)
{
    write_ini(path, text);
    int rc = config_load_file(c, path, e);
    unlink(path);
    return rc;
}

/* Asserts that E's message contains NEEDLE (and shows the message when not). */
#define assert_msg_has(e, needle)                                                                  \
    do {                                                                                           \
        if (!strstr((e).msg, (needle)))                                                            \
            fail_msg("message \"%s\" lacks \"%s\"", (e).msg, (needle));                            \
    } while (0)

static void defaults_match_the_spec(void **state)
{
    (void)state;
    struct config c;
    struct err e = {0};
    config_init(&c);
    assert_int_equal(config_finish(&c, &e), 0);
    assert_string_equal(c.listen, "127.0.0.1:8080");
    assert_string_equal(c.listen_host, "127.0.0.1");
    assert_int_equal(c.listen_port, 8080);
    assert_string_equal(c.base_url, "http://127.0.0.1:8080");
    assert_int_equal(c.threads, sysconf(_SC_NPROCESSORS_ONLN));
    assert_null(c.trusted_proxies);
    assert_int_equal(c.request_timeout_s, 30);
    assert_string_equal(c.data_dir, "./pharos-data");
    assert_string_equal(c.database, "sqlite:./pharos-data/pharos.db");
    assert_string_equal(c.secret_key_file, "./pharos-data/secret.key");
    assert_false(c.allow_private_targets);
    assert_null(c.smtp_url);
    assert_false(c.email_allow_plaintext_auth);
    assert_string_equal(c.email_from, "status@127.0.0.1");
    assert_string_equal(c.sms_api_base, "https://api.twilio.com");
    assert_null(c.sms_account_sid);
    assert_string_equal(c.twitter_api_base, "https://api.twitter.com");
    assert_null(c.twitter_consumer_key);
    assert_int_equal(c.notify_concurrency, 64);
    assert_true(c.email_rate == 0 && c.sms_rate == 0);
    assert_int_equal(c.coalesce_s, 30); /* SPEC §15: 30 s for e-mail */
    assert_int_equal(c.sms_daily_cap, 0);
    assert_int_equal(c.subscribe_per_ip_hour, 10);
    config_free(&c);
}

/* server.max_connections defaults to the descriptor limit less max(64, limit / 8). */
static void max_connections_follows_the_descriptor_limit(void **state)
{
    (void)state;
    struct rlimit saved, rl;
    assert_int_equal(getrlimit(RLIMIT_NOFILE, &saved), 0);
    static const struct {
        rlim_t limit;
        long expect;
    } cases[] = {{256, 192}, {1024, 896}, {100, 36}, {70, 16}};
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        if (saved.rlim_max != RLIM_INFINITY && cases[i].limit > saved.rlim_max) continue;
        rl = (struct rlimit){cases[i].limit, saved.rlim_max};
        assert_int_equal(setrlimit(RLIMIT_NOFILE, &rl), 0);
        struct config c;
        config_init(&c);
        assert_int_equal(setrlimit(RLIMIT_NOFILE, &saved), 0);
        assert_int_equal(c.max_connections, cases[i].expect);
        config_free(&c);
    }
    struct config c;
    struct err e = {0};
    config_init(&c);
    assert_int_equal(config_set(&c, "server.max_connections", "20", "--flag", &e), 0);
    assert_int_equal(c.max_connections, 20);
    assert_int_equal(config_set(&c, "server.max_connections", "0", "--flag", &e), -1);
    assert_msg_has(e, "max_connections");
    config_free(&c);
}

static void data_dir_drives_database_and_secret_key(void **state)
{
    (void)state;
    struct config c;
    struct err e = {0};
    config_init(&c);
    assert_int_equal(config_set(&c, "storage.data_dir", "/var/lib/pharos", "--data", &e), 0);
    assert_int_equal(config_finish(&c, &e), 0);
    assert_string_equal(c.database, "sqlite:/var/lib/pharos/pharos.db");
    assert_string_equal(c.secret_key_file, "/var/lib/pharos/secret.key");
    config_free(&c);
}

static void explicit_values_are_not_replaced_by_derived_ones(void **state)
{
    (void)state;
    struct config c;
    struct err e = {0};
    char path[64];
    config_init(&c);
    assert_int_equal(load_text(&c,
                               "[storage]\ndatabase = sqlite:/tmp/x.db\n"
                               "[security]\nsecret_key_file = /etc/pharos.key\n"
                               "[email]\nfrom = alerts@example.org\n"
                               "[server]\nbase_url = https://status.example.com\n",
                               path, &e),
                     0);
    assert_int_equal(config_finish(&c, &e), 0);
    assert_string_equal(c.database, "sqlite:/tmp/x.db");
    assert_string_equal(c.secret_key_file, "/etc/pharos.key");
    assert_string_equal(c.email_from, "alerts@example.org");
    assert_string_equal(c.base_url, "https://status.example.com");
    config_free(&c);
}

static void file_sets_every_kind_of_value(void **state)
{
    (void)state;
    struct config c;
    struct err e = {0};
    char path[64];
    config_init(&c);
    int rc = load_text(&c,
                       "; a comment\n"
                       "# another comment\n"
                       "[server]\n"
                       "listen = 0.0.0.0:9000\n"
                       "threads = 3\n"
                       "trusted_proxies = 10.0.0.1, 10.0.0.2\n"
                       "\n"
                       "[security]\n"
                       "allow_private_targets = yes\n"
                       "[email]\n"
                       "smtp_url = smtp://127.0.0.1:2525\n"
                       "username = u\n"
                       "password = p w\n"
                       "allow_plaintext_auth = on\n"
                       "[sms]\n"
                       "account_sid = AC1\n"
                       "[twitter]\n"
                       "consumer_key = ck\n"
                       "[notify]\n"
                       "concurrency = 8\n"
                       "email_rate = 2.5\n"
                       "sms_rate = 0\n"
                       "coalesce_s = 0\n"
                       "sms_daily_cap = 500\n"
                       "[limits]\n"
                       "subscribe_per_ip_hour = 0\n"
                       "[metrics]\n"
                       "token = m3tr1cs\n",
                       path, &e);
    assert_int_equal(rc, 0);
    assert_string_equal(c.listen, "0.0.0.0:9000");
    assert_int_equal(c.threads, 3);
    assert_string_equal(c.trusted_proxies, "10.0.0.1, 10.0.0.2");
    assert_true(c.allow_private_targets);
    assert_string_equal(c.smtp_url, "smtp://127.0.0.1:2525");
    assert_string_equal(c.smtp_username, "u");
    assert_string_equal(c.smtp_password, "p w");
    assert_true(c.email_allow_plaintext_auth);
    assert_string_equal(c.sms_account_sid, "AC1");
    assert_string_equal(c.twitter_consumer_key, "ck");
    assert_int_equal(c.notify_concurrency, 8);
    assert_true(c.email_rate == 2.5);
    assert_true(c.sms_rate == 0);
    assert_int_equal(c.coalesce_s, 0);
    assert_int_equal(c.sms_daily_cap, 500);
    assert_int_equal(c.subscribe_per_ip_hour, 0);
    assert_string_equal(c.metrics_token, "m3tr1cs");
    assert_int_equal(config_finish(&c, &e), 0);
    assert_string_equal(c.base_url, "http://0.0.0.0:9000");
    assert_string_equal(c.email_from, "status@0.0.0.0");
    config_free(&c);
}

static void bools_accept_the_usual_spellings(void **state)
{
    (void)state;
    static const char *yes[] = {"true", "TRUE", "yes", "on", "1"};
    static const char *no[] = {"false", "No", "off", "0"};
    struct config c;
    struct err e = {0};
    config_init(&c);
    for (size_t i = 0; i < sizeof yes / sizeof yes[0]; i++) {
        c.allow_private_targets = false;
        assert_int_equal(config_set(&c, "security.allow_private_targets", yes[i], "t", &e), 0);
        assert_true(c.allow_private_targets);
    }
    for (size_t i = 0; i < sizeof no / sizeof no[0]; i++) {
        c.allow_private_targets = true;
        assert_int_equal(config_set(&c, "security.allow_private_targets", no[i], "t", &e), 0);
        assert_false(c.allow_private_targets);
    }
    config_free(&c);
}

static void keys_and_sections_are_case_insensitive(void **state)
{
    (void)state;
    struct config c;
    struct err e = {0};
    char path[64];
    config_init(&c);
    assert_int_equal(load_text(&c, "[Server]\nTHREADS = 5\n", path, &e), 0);
    assert_int_equal(c.threads, 5);
    config_free(&c);
}

static void later_values_in_a_file_replace_earlier_ones(void **state)
{
    (void)state;
    struct config c;
    struct err e = {0};
    char path[64];
    config_init(&c);
    assert_int_equal(load_text(&c, "[server]\nthreads = 2\nthreads = 7\n", path, &e), 0);
    assert_int_equal(c.threads, 7);
    config_free(&c);
}

/* The order cli_config() applies the sources in. */
static int load_all(struct config *c, const char *file_text, const char *flag_listen, struct err *e)
{
    char path[64];
    config_init(c);
    if (file_text && load_text(c, file_text, path, e) != 0) return -1;
    if (config_load_env(c, e) != 0) return -1;
    if (flag_listen && config_set(c, "server.listen", flag_listen, "--listen", e) != 0) return -1;
    return config_finish(c, e);
}

static void file_overrides_default(void **state)
{
    (void)state;
    struct config c;
    struct err e = {0};
    assert_int_equal(load_all(&c, "[server]\nlisten = 10.0.0.1:1111\n", NULL, &e), 0);
    assert_string_equal(c.listen, "10.0.0.1:1111");
    assert_int_equal(c.listen_port, 1111);
    config_free(&c);
}

static void environment_overrides_file(void **state)
{
    (void)state;
    struct config c;
    struct err e = {0};
    setenv("PHAROS_SERVER_LISTEN", "10.0.0.2:2222", 1);
    setenv("PHAROS_SERVER_THREADS", "4", 1);
    setenv("PHAROS_SECURITY_ALLOW_PRIVATE_TARGETS", "true", 1);
    setenv("PHAROS_EMAIL_FROM", "env@example.net", 1);
    assert_int_equal(load_all(&c,
                              "[server]\nlisten = 10.0.0.1:1111\nthreads = 9\n"
                              "[email]\nfrom = file@example.net\n",
                              NULL, &e),
                     0);
    assert_string_equal(c.listen, "10.0.0.2:2222");
    assert_string_equal(c.base_url, "http://10.0.0.2:2222");
    assert_int_equal(c.threads, 4);
    assert_true(c.allow_private_targets);
    assert_string_equal(c.email_from, "env@example.net");
    config_free(&c);
    clear_env(NULL);
}

static void flag_overrides_environment(void **state)
{
    (void)state;
    struct config c;
    struct err e = {0};
    setenv("PHAROS_SERVER_LISTEN", "10.0.0.2:2222", 1);
    assert_int_equal(load_all(&c, "[server]\nlisten = 10.0.0.1:1111\n", "10.0.0.3:3333", &e), 0);
    assert_string_equal(c.listen, "10.0.0.3:3333");
    assert_string_equal(c.listen_host, "10.0.0.3");
    assert_int_equal(c.listen_port, 3333);
    config_free(&c);
    clear_env(NULL);
}

static void environment_error_names_the_variable(void **state)
{
    (void)state;
    struct config c;
    struct err e = {0};
    setenv("PHAROS_SERVER_THREADS", "many", 1);
    assert_int_equal(load_all(&c, NULL, NULL, &e), -1);
    assert_int_equal(e.code, ERR_INVALID);
    assert_msg_has(e, "PHAROS_SERVER_THREADS");
    assert_msg_has(e, "threads");
    assert_msg_has(e, "\"many\"");
    config_free(&c);
    clear_env(NULL);
}

static void flag_error_names_the_flag(void **state)
{
    (void)state;
    struct config c;
    struct err e = {0};
    config_init(&c);
    assert_int_equal(config_set(&c, "server.threads", "-2", "--threads", &e), -1);
    assert_msg_has(e, "--threads");
    assert_msg_has(e, "from 1 to 256");
    assert_int_equal(config_set(&c, "server.nope", "1", "--nope", &e), -1);
    assert_msg_has(e, "--nope");
    assert_msg_has(e, "server.nope");
    assert_int_equal(config_set(&c, "nodot", "1", "--x", &e), -1);
    assert_msg_has(e, "nodot");
    config_free(&c);
}

/* Loads TEXT, expects failure, and checks the message names PATH:LINE and each NEEDLE. */
static void expect_file_error(const char *text, int line, const char *n1, const char *n2)
{
    struct config c;
    struct err e = {0};
    char path[64], where[96];
    config_init(&c);
    assert_int_equal(load_text(&c, text, path, &e), -1);
    assert_int_equal(e.code, ERR_INVALID);
    snprintf(where, sizeof where, "%s:%d: ", path, line);
    if (strncmp(e.msg, where, strlen(where)) != 0)
        fail_msg("message \"%s\" does not start with \"%s\"", e.msg, where);
    if (n1) assert_msg_has(e, n1);
    if (n2) assert_msg_has(e, n2);
    config_free(&c);
}

static void unknown_key_names_file_line_and_key(void **state)
{
    (void)state;
    expect_file_error("[server]\nlisten = 127.0.0.1:1\nlisen = 1\n", 3, "unknown key", "lisen");
}

static void unknown_section_names_file_line_and_section(void **state)
{
    (void)state;
    expect_file_error("[server]\nthreads = 2\n\n[serve]\nlisten = 1\n", 5, "unknown section",
                      "[serve]");
}

static void bad_integer_names_file_line_and_key(void **state)
{
    (void)state;
    expect_file_error("[server]\nthreads=abc\n", 2, "[server] threads", "\"abc\"");
    expect_file_error("[server]\nthreads=0\n", 2, "[server] threads", "from 1 to 256");
    expect_file_error("[server]\nthreads=257\n", 2, "threads", "\"257\"");
    expect_file_error("[server]\nthreads=4x\n", 2, "threads", "\"4x\"");
    expect_file_error("[server]\nthreads=\n", 2, "threads", "whole number");
    expect_file_error("[server]\nthreads=99999999999999999999999\n", 2, "threads", NULL);
    expect_file_error("[notify]\nconcurrency = 0\n", 2, "[notify] concurrency", "\"0\"");
    expect_file_error("[notify]\ncoalesce_s = 301\n", 2, "[notify] coalesce_s", "from 0 to 300");
    expect_file_error("[notify]\nsms_daily_cap = -1\n", 2, "[notify] sms_daily_cap", "\"-1\"");
}

static void bad_bool_names_file_line_and_key(void **state)
{
    (void)state;
    expect_file_error("[security]\n\nallow_private_targets = maybe\n", 3,
                      "[security] allow_private_targets", "true or false");
}

static void bad_number_names_file_line_and_key(void **state)
{
    (void)state;
    expect_file_error("[notify]\nemail_rate = -1\n", 2, "[notify] email_rate", "\"-1\"");
    expect_file_error("[notify]\nsms_rate = fast\n", 2, "[notify] sms_rate", "\"fast\"");
}

static void syntax_error_names_file_and_line(void **state)
{
    (void)state;
    expect_file_error("[server]\nthreads = 2\nthis is not a setting\n", 3, "syntax error", NULL);
    expect_file_error("[server\nthreads = 2\n", 1, "syntax error", NULL);
}

static void the_first_error_in_a_file_is_reported(void **state)
{
    (void)state;
    /* a syntax error before a bad value: the syntax error's line */
    expect_file_error("[server]\ngarbage\nthreads = abc\n", 2, "syntax error", NULL);
    /* a bad value before a syntax error: the bad value's line */
    expect_file_error("[server]\nthreads = abc\ngarbage\n", 2, "threads", "\"abc\"");
}

static void an_over_long_line_is_an_error_not_a_silent_split(void **state)
{
    (void)state;
    char text[1024];
    char url[600];
    memset(url, 'a', sizeof url - 1);
    url[sizeof url - 1] = '\0';
    snprintf(text, sizeof text, "[server]\nthreads = 2\nbase_url = https://%s.example\n", url);
    expect_file_error(text, 3, "too long", NULL);
}

static void a_line_of_199_bytes_fits(void **state)
{
    (void)state;
    struct config c;
    struct err e = {0};
    char path[64], text[512], proxies[182];
    memset(proxies, '1', sizeof proxies - 1);
    proxies[sizeof proxies - 1] = '\0';
    snprintf(text, sizeof text, "[server]\ntrusted_proxies = %s\n", proxies); /* 18 + 181 */
    config_init(&c);
    assert_int_equal(load_text(&c, text, path, &e), 0);
    assert_string_equal(c.trusted_proxies, proxies);
    config_free(&c);
}

static void a_nul_byte_is_an_error_not_a_silent_cut(void **state)
{
    (void)state;
    static const char text[] = "[server]\nthreads = 4\0garbage\nlisten = x\n";
    struct config c;
    struct err e = {0};
    char path[64], where[96];
    strcpy(path, "/tmp/pharos-config-XXXXXX");
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    assert_int_equal(write(fd, text, sizeof text - 1), (ssize_t)(sizeof text - 1));
    close(fd);
    config_init(&c);
    assert_int_equal(config_load_file(&c, path, &e), -1);
    unlink(path);
    snprintf(where, sizeof where, "%s:2: ", path);
    assert_int_equal(strncmp(e.msg, where, strlen(where)), 0);
    assert_msg_has(e, "NUL byte");
    config_free(&c);
}

static void missing_file_names_the_path(void **state)
{
    (void)state;
    struct config c;
    struct err e = {0};
    config_init(&c);
    assert_int_equal(config_load_file(&c, "/nonexistent/pharos.ini", &e), -1);
    assert_msg_has(e, "/nonexistent/pharos.ini");
    assert_msg_has(e, "cannot open");
    config_free(&c);
}

static void a_failed_file_leaves_the_message_of_its_source(void **state)
{
    (void)state;
    struct config c;
    struct err e = {0};
    char path[64];
    config_init(&c);
    assert_int_equal(load_text(&c, "[server]\nthreads = x\n", path, &e), -1);
    /* no leftover ": " from the inner message */
    assert_null(strstr(e.msg, ": : "));
    assert_null(strstr(e.msg, ":2: :"));
    config_free(&c);
}

/* Sets listen to VALUE and returns config_finish's result; E gets the error. */
static int finish_with_listen(struct config *c, const char *value, struct err *e)
{
    config_init(c);
    assert_int_equal(config_set(c, "server.listen", value, "--listen", e), 0);
    return config_finish(c, e);
}

static void bad_listen_formats_are_refused(void **state)
{
    (void)state;
    static const char *bad[] = {
        "8080",
        "localhost",
        "127.0.0.1:",
        ":8080",
        "127.0.0.1:65536",
        "127.0.0.1:-1",
        "127.0.0.1:80x",
        "127.0.0.1: 80",
        "127.0.0.1:+80",
        "[::1:8080",
        "[::1]8080",
        "[]:8080",
        "::1:8080",
        "",
        "[::1]:",
        "host:99999999999999999999",
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        struct config c;
        struct err e = {0};
        if (finish_with_listen(&c, bad[i], &e) == 0) fail_msg("listen \"%s\" was accepted", bad[i]);
        assert_int_equal(e.code, ERR_INVALID);
        assert_msg_has(e, "listen");
        char quoted[64];
        snprintf(quoted, sizeof quoted, "\"%s\"", bad[i]);
        assert_msg_has(e, quoted);
        config_free(&c);
    }
}

static void listen_accepts_names_and_port_zero(void **state)
{
    (void)state;
    struct config c;
    struct err e = {0};
    assert_int_equal(finish_with_listen(&c, "localhost:80", &e), 0);
    assert_string_equal(c.listen_host, "localhost");
    assert_int_equal(c.listen_port, 80);
    config_free(&c);
    assert_int_equal(finish_with_listen(&c, "127.0.0.1:0", &e), 0);
    assert_int_equal(c.listen_port, 0);
    config_free(&c);
}

static void listen_accepts_bracketed_ipv6(void **state)
{
    (void)state;
    struct config c;
    struct err e = {0};
    assert_int_equal(finish_with_listen(&c, "[::]:8080", &e), 0);
    assert_string_equal(c.listen_host, "::");
    assert_int_equal(c.listen_port, 8080);
    assert_string_equal(c.base_url, "http://[::]:8080");
    assert_string_equal(c.email_from, "status@[::]");
    config_free(&c);
    assert_int_equal(finish_with_listen(&c, "[::1]:65535", &e), 0);
    assert_string_equal(c.listen_host, "::1");
    assert_int_equal(c.listen_port, 65535);
    config_free(&c);
}

/* Sets base_url to VALUE and returns config_finish's result. */
static int finish_with_base(struct config *c, const char *value, struct err *e)
{
    config_init(c);
    assert_int_equal(config_set(c, "server.base_url", value, "--base-url", e), 0);
    return config_finish(c, e);
}

static void base_url_trailing_slashes_are_trimmed(void **state)
{
    (void)state;
    struct config c;
    struct err e = {0};
    assert_int_equal(finish_with_base(&c, "https://status.example.com/", &e), 0);
    assert_string_equal(c.base_url, "https://status.example.com");
    assert_string_equal(c.email_from, "status@status.example.com");
    config_free(&c);
    assert_int_equal(finish_with_base(&c, "http://example.com/status///", &e), 0);
    assert_string_equal(c.base_url, "http://example.com/status");
    assert_string_equal(c.email_from, "status@example.com");
    config_free(&c);
    assert_int_equal(finish_with_base(&c, "https://example.com:8443/", &e), 0);
    assert_string_equal(c.base_url, "https://example.com:8443");
    assert_string_equal(c.email_from, "status@example.com");
    config_free(&c);
}

static void base_url_with_unknown_scheme_is_refused(void **state)
{
    (void)state;
    static const char *bad[] = {"ftp://example.com", "example.com", "HTTP//x",
                                "https:/x",          "http://",     "https:///path"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        struct config c;
        struct err e = {0};
        if (finish_with_base(&c, bad[i], &e) == 0) fail_msg("base_url \"%s\" was accepted", bad[i]);
        assert_int_equal(e.code, ERR_INVALID);
        assert_msg_has(e, "base_url");
        config_free(&c);
    }
}

static void smtp_url_needs_smtp_or_smtps(void **state)
{
    (void)state;
    static const char *good[] = {"smtp://127.0.0.1:2525", "smtps://mail.example.com:465",
                                 "SMTP://mail.example.com"};
    static const char *bad[] = {"mail.example.com:587", "http://mail.example.com",
                                "smtp:/mail.example.com", "https://mail.example.com"};
    for (size_t i = 0; i < sizeof good / sizeof good[0] + sizeof bad / sizeof bad[0]; i++) {
        bool ok = i < sizeof good / sizeof good[0];
        const char *url = ok ? good[i] : bad[i - sizeof good / sizeof good[0]];
        struct config c;
        struct err e = {0};
        config_init(&c);
        assert_int_equal(config_set(&c, "email.smtp_url", url, "t", &e), 0);
        int rc = config_finish(&c, &e);
        if (ok && rc != 0) fail_msg("smtp_url \"%s\" was refused: %s", url, e.msg);
        if (!ok && rc == 0) fail_msg("smtp_url \"%s\" was accepted", url);
        if (!ok) assert_msg_has(e, "[email] smtp_url must be smtp://HOST[:PORT] or smtps://");
        config_free(&c);
    }
}

static void monitors_nameservers_are_addresses(void **state)
{
    (void)state;
    static const char *good[] = {"127.0.0.1", "127.0.0.1:5353, 10.0.0.2", "::1", "[::1]:53",
                                 "[2001:db8::1]:5300,192.0.2.1"};
    static const char *bad[] = {"resolver.example",        "127.0.0.1:0", "127.0.0.1:", "[::1",
                                "1.2.3.4:53, dns.example", "[::1]x"};
    for (size_t i = 0; i < sizeof good / sizeof good[0] + sizeof bad / sizeof bad[0]; i++) {
        bool ok = i < sizeof good / sizeof good[0];
        const char *v = ok ? good[i] : bad[i - sizeof good / sizeof good[0]];
        struct config c;
        struct err e = {0};
        config_init(&c);
        assert_true(c.monitors_allow_private); /* the default: internal services are the point */
        assert_int_equal(config_set(&c, "monitors.nameservers", v, "t", &e), 0);
        int rc = config_finish(&c, &e);
        if (ok && rc != 0) fail_msg("nameservers \"%s\" was refused: %s", v, e.msg);
        if (!ok && rc == 0) fail_msg("nameservers \"%s\" was accepted", v);
        if (!ok) assert_msg_has(e, "[monitors] nameservers takes IP or IP:PORT");
        config_free(&c);
    }
}

static void empty_base_url_is_derived_from_listen(void **state)
{
    (void)state;
    struct config c;
    struct err e = {0};
    config_init(&c);
    assert_int_equal(config_set(&c, "server.listen", "192.0.2.1:81", "--listen", &e), 0);
    assert_int_equal(config_set(&c, "server.base_url", "", "--base-url", &e), 0);
    assert_int_equal(config_finish(&c, &e), 0);
    assert_string_equal(c.base_url, "http://192.0.2.1:81");
    config_free(&c);
}

static void config_free_twice_is_harmless(void **state)
{
    (void)state;
    struct config c;
    config_init(&c);
    config_free(&c);
    config_free(&c);
    assert_null(c.listen);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(defaults_match_the_spec),
        cmocka_unit_test(smtp_url_needs_smtp_or_smtps),
        cmocka_unit_test(monitors_nameservers_are_addresses),
        cmocka_unit_test(max_connections_follows_the_descriptor_limit),
        cmocka_unit_test(data_dir_drives_database_and_secret_key),
        cmocka_unit_test(explicit_values_are_not_replaced_by_derived_ones),
        cmocka_unit_test(file_sets_every_kind_of_value),
        cmocka_unit_test(bools_accept_the_usual_spellings),
        cmocka_unit_test(keys_and_sections_are_case_insensitive),
        cmocka_unit_test(later_values_in_a_file_replace_earlier_ones),
        cmocka_unit_test(file_overrides_default),
        cmocka_unit_test(environment_overrides_file),
        cmocka_unit_test(flag_overrides_environment),
        cmocka_unit_test(environment_error_names_the_variable),
        cmocka_unit_test(flag_error_names_the_flag),
        cmocka_unit_test(unknown_key_names_file_line_and_key),
        cmocka_unit_test(unknown_section_names_file_line_and_section),
        cmocka_unit_test(bad_integer_names_file_line_and_key),
        cmocka_unit_test(bad_bool_names_file_line_and_key),
        cmocka_unit_test(bad_number_names_file_line_and_key),
        cmocka_unit_test(syntax_error_names_file_and_line),
        cmocka_unit_test(the_first_error_in_a_file_is_reported),
        cmocka_unit_test(an_over_long_line_is_an_error_not_a_silent_split),
        cmocka_unit_test(a_line_of_199_bytes_fits),
        cmocka_unit_test(a_nul_byte_is_an_error_not_a_silent_cut),
        cmocka_unit_test(missing_file_names_the_path),
        cmocka_unit_test(a_failed_file_leaves_the_message_of_its_source),
        cmocka_unit_test(bad_listen_formats_are_refused),
        cmocka_unit_test(listen_accepts_names_and_port_zero),
        cmocka_unit_test(listen_accepts_bracketed_ipv6),
        cmocka_unit_test(base_url_trailing_slashes_are_trimmed),
        cmocka_unit_test(base_url_with_unknown_scheme_is_refused),
        cmocka_unit_test(empty_base_url_is_derived_from_listen),
        cmocka_unit_test(config_free_twice_is_harmless),
    };
    return cmocka_run_group_tests_name("core/config", tests, clear_env, NULL);
}
