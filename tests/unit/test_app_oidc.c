/*
 * Unit tests for app/oidc, app/oidc_exchange and app/oidc_signin against a real database
 * (both backends) and ID tokens signed here (jwtutil.h), playing the dispatcher's part
 * by hand: the configuration's checks; a sign-in waits for the provider, whose discovery
 * document must name the configured issuer and point to a key set; the authorization URL
 * carries state, nonce and an S256 challenge of the verifier the token request sends; the
 * callback needs the browser's state and takes one code; a good ID token gives the e-mail
 * once; a token with another nonce, an unverified address or another domain fails with
 * the reason; a token signed with a new key waits for the key set and then passes; the
 * console sign-in creates a user with default_role once, audits, and refuses a domain
 * not allowed.
 */
#include "app/oidc.h"
#include "app/oidc_signin.h"
#include "app/pages.h"
#include "app/sessions.h"
#include "core/log.h"
#include "core/timeutil.h"
#include "core/urlform.h"
#include "jwtutil.h"
#include "testutil.h"

static const char ISS[] = "https://id.example";

struct fx {
    char dir[64];
    struct db *db;
    struct config cfg;
    struct app app;
    int64_t page;
    int woken;
    EVP_PKEY *k1, *k2;
};

static void on_work(struct app *app)
{
    struct fx *f = app->hook_arg;
    f->woken++;
}

static int setup(void **state)
{
    struct fx *f = calloc(1, sizeof *f);
    struct err e = {0};
    log_set_level(LOG_ERROR);
    secret_init();
    f->db = test_db_open(f->dir);
    config_init(&f->cfg);
    f->cfg.oidc_issuer = strdup(ISS);
    f->cfg.oidc_client_id = strdup("pharos");
    f->cfg.oidc_client_secret = strdup("s3cret:&");
    f->cfg.oidc_allowed_domains = strdup("example.com, Example.org");
    free(f->cfg.oidc_default_role);
    f->cfg.oidc_default_role = strdup("editor");
    f->app.cfg = &f->cfg;
    f->app.on_work = on_work;
    f->app.hook_arg = f;
    randombytes_buf(f->app.key, sizeof f->app.key);
    f->k1 = EVP_PKEY_Q_keygen(NULL, NULL, "RSA", (size_t)2048);
    f->k2 = EVP_PKEY_Q_keygen(NULL, NULL, "EC", "P-256");
    struct app_ctx c = {.app = &f->app, .db = f->db, .actor = {.kind = ACTOR_SYSTEM}};
    if (!f->db || app_page_ensure_default(&c, &e) != 0 ||
        app_page_resolve(&f->app, f->db, "", &f->page, &e) != 0)
        return -1;
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    struct fx *f = *state;
    test_db_close(f->db, f->dir);
    config_free(&f->cfg);
    EVP_PKEY_free(f->k1), EVP_PKEY_free(f->k2);
    free(f);
    return 0;
}

static void the_configuration_is_checked(void **state)
{
    struct fx *f = *state;
    struct err e = {0};
    struct config c = f->cfg;
    assert_int_equal(app_oidc_check_config(&c, &e), 0);
    c.oidc_issuer = "http://id.example";
    assert_int_equal(app_oidc_check_config(&c, &e), -1);
    assert_non_null(strstr(e.msg, "[oidc] issuer must be an https://"));
    c.oidc_issuer = "http://127.0.0.1:9000/realm";
    assert_int_equal(app_oidc_check_config(&c, &e), 0);
    c.oidc_default_role = "god";
    assert_int_equal(app_oidc_check_config(&c, &e), -1);
    assert_non_null(strstr(e.msg, "default_role"));
    c.oidc_default_role = "viewer";
    c.oidc_allowed_domains = " , ";
    assert_int_equal(app_oidc_check_config(&c, &e), -1);
    assert_non_null(strstr(e.msg, "allowed_domains"));
    c.oidc_allowed_domains = "example.com";
    c.oidc_client_secret = "";
    assert_int_equal(app_oidc_check_config(&c, &e), -1);
    assert_non_null(strstr(e.msg, "client_secret"));
    c.oidc_issuer = NULL; /* off: nothing else is looked at */
    assert_int_equal(app_oidc_check_config(&c, &e), 0);
    assert_true(app_oidc_domain_allowed(&f->cfg, "ann@EXAMPLE.org"));
    assert_false(app_oidc_domain_allowed(&f->cfg, "ann@example.com.evil.test"));
    assert_false(app_oidc_domain_allowed(&f->cfg, "ann@sub.example.com"));
    assert_false(app_oidc_domain_allowed(&f->cfg, "example.com"));
}

static char *doc(const char *issuer)
{
    json_t *d = json_pack("{s:s,s:s,s:s,s:s,s:[s]}", "issuer", issuer, "authorization_endpoint",
                          "https://id.example/auth?x=1", "token_endpoint",
                          "https://id.example/token", "jwks_uri", "https://id.example/jwks",
                          "token_endpoint_auth_methods_supported", "client_secret_basic");
    char *s = json_dumps(d, 0);
    json_decref(d);
    return s;
}

static char *jwks_of(EVP_PKEY *k, const char *kid)
{
    json_t *set = json_pack("{s:[o]}", "keys", jwk_of(k, kid));
    char *s = json_dumps(set, 0);
    json_decref(set);
    return s;
}

/* Plays the dispatcher's provider fetch: the document and key set of KEY/KID. */
static void fetch_provider(struct fx *f, EVP_PKEY *key, const char *kid)
{
    struct err e = {0};
    char *url = NULL, why[300], *jwks_uri = NULL;
    assert_int_equal(app_oidc_provider_due(&f->app, f->db, &url, &e), 1);
    assert_string_equal(url, "https://id.example/.well-known/openid-configuration");
    char *d = doc(ISS), *k = jwks_of(key, kid);
    assert_null(app_oidc_discovery_check(&f->cfg, 200, d, &jwks_uri, why, sizeof why));
    assert_string_equal(jwks_uri, "https://id.example/jwks");
    assert_int_equal(app_oidc_provider_record(&f->app, f->db, d, 200, k, NULL, &e), 0);
    free(url), free(d), free(k), free(jwks_uri);
}

static void a_bad_provider_is_named(void **state)
{
    struct fx *f = *state;
    struct err e = {0};
    char why[300], *uri = NULL, *d = doc("https://other.example");
    assert_non_null(app_oidc_discovery_check(&f->cfg, 200, d, &uri, why, sizeof why));
    assert_non_null(strstr(why, "names the issuer \"https://other.example\""));
    assert_non_null(app_oidc_discovery_check(&f->cfg, 404, "", &uri, why, sizeof why));
    assert_non_null(strstr(why, "HTTP 404"));
    assert_non_null(app_oidc_discovery_check(&f->cfg, 200, "{\"issuer\":\"https://id.example\"}",
                                             &uri, why, sizeof why));
    assert_null(uri);
    free(d);
    /* a key set without a signing key is a failure the login page names */
    char *url = NULL;
    assert_int_equal(app_oidc_provider_due(&f->app, f->db, &url, &e), 1);
    free(url);
    d = doc(ISS);
    assert_int_equal(app_oidc_provider_record(&f->app, f->db, d, 200, "{\"keys\":[]}", NULL, &e),
                     0);
    free(d);
    char *problem = app_oidc_problem(&f->app, f->db);
    assert_non_null(problem);
    assert_non_null(strstr(problem, "holds no signing key"));
    free(problem);
    struct app_oidc_outcome o;
    assert_int_equal(
        app_oidc_begin(&f->app, f->db, f->page, "https://s/cb", "/admin", "1.2.3.4", &o, &e), -1);
    assert_int_equal(e.code, ERR_UNAVAILABLE);
    /* not due again before the retry pace */
    assert_int_equal(app_oidc_provider_due(&f->app, f->db, &url, &e), 0);
}

/* The value of query parameter NAME of URL (new). */
static char *query(const char *url, const char *name)
{
    struct err e = {0};
    json_t *q = form_decode(strchr(url, '?') + 1, strlen(strchr(url, '?') + 1), &e);
    const char *v = form_str(q, name);
    char *out = v ? strdup(v) : NULL;
    json_decref(q);
    return out;
}

/* An ID token for NONCE and EMAIL signed by KEY as KID. */
static char *id_token(EVP_PKEY *key, const char *kid, const char *nonce, const char *email,
                      bool verified)
{
    char hdr[100], claims[600];
    snprintf(hdr, sizeof hdr, "{\"alg\":\"%s\",\"kid\":\"%s\"}",
             EVP_PKEY_is_a(key, "EC") ? "ES256" : "RS256", kid);
    long long now = (long long)time_now();
    snprintf(claims, sizeof claims,
             "{\"iss\":\"%s\",\"aud\":\"pharos\",\"sub\":\"1\",\"email\":\"%s\","
             "\"email_verified\":%s,\"exp\":%lld,\"iat\":%lld,\"nonce\":\"%s\"}",
             ISS, email, verified ? "true" : "false", now + 300, now, nonce);
    return sign(key, hdr, claims);
}

/* Begins a sign-in, comes back with a code; the nonce into NONCE (new), the state
 * returned (new). */
static char *to_callback(struct fx *f, char **nonce, char **verifier_challenge)
{
    struct err e = {0};
    struct app_oidc_outcome o;
    assert_int_equal(app_oidc_begin(&f->app, f->db, f->page, "https://status.example/cb", "/admin",
                                    "1.2.3.4", &o, &e),
                     0);
    assert_int_equal(o.step, OIDC_AUTHORIZE);
    assert_non_null(strstr(o.text, "https://id.example/auth?x=1&response_type=code&client_id="
                                   "pharos&redirect_uri=https%3A%2F%2Fstatus.example%2Fcb"));
    assert_non_null(strstr(o.text, "&code_challenge_method=S256"));
    char *st = query(o.text, "state");
    assert_string_equal(st, o.state);
    *nonce = query(o.text, "nonce");
    if (verifier_challenge) *verifier_challenge = query(o.text, "code_challenge");
    /* another browser's state, or none: refused */
    assert_int_equal(app_oidc_callback(&f->app, f->db, st, "other", "c", NULL, NULL, &e), -1);
    assert_non_null(strstr(e.msg, "not started in this browser"));
    assert_int_equal(app_oidc_callback(&f->app, f->db, st, NULL, "c", NULL, NULL, &e), -1);
    int woken = f->woken;
    assert_int_equal(app_oidc_callback(&f->app, f->db, st, st, "the-code", NULL, NULL, &e), 0);
    assert_int_equal(f->woken, woken + 1);
    /* a replayed state: refused */
    assert_int_equal(app_oidc_callback(&f->app, f->db, st, st, "the-code", NULL, NULL, &e), -1);
    assert_non_null(strstr(e.msg, "already used"));
    app_oidc_outcome_free(&o);
    return st;
}

/* Claims the one waiting exchange (the request checked) and records TOKEN for it. */
static void exchange(struct fx *f, const char *token, const char *challenge)
{
    struct err e = {0};
    json_t *rows = app_oidc_exchanges_claim(&f->app, f->db, &e);
    assert_int_equal(json_array_size(rows), 1);
    json_t *row = json_array_get(rows, 0);
    struct app_oidc_token_request q;
    char why[300];
    assert_null(app_oidc_token_request(&f->app, f->db, row, &q, why, sizeof why));
    assert_string_equal(q.url, "https://id.example/token");
    assert_string_equal(q.userpwd, "pharos:s3cret%3A%26");
    assert_non_null(strstr(q.body, "grant_type=authorization_code&code=the-code&redirect_uri="));
    if (challenge) { /* S256: the challenge is base64url(SHA-256(verifier)) */
        json_t *form = form_decode(q.body, strlen(q.body), &e);
        const char *v = form_str(form, "code_verifier");
        char c[64];
        unsigned char h[32];
        assert_non_null(v);
        crypto_hash_sha256(h, (const unsigned char *)v, strlen(v));
        sodium_bin2base64(c, sizeof c, h, sizeof h, sodium_base64_VARIANT_URLSAFE_NO_PADDING);
        assert_string_equal(c, challenge);
        json_decref(form);
    }
    app_oidc_token_request_free(&q);
    char body[8192];
    snprintf(body, sizeof body,
             "{\"access_token\":\"a\",\"token_type\":\"Bearer\",\"id_token\":\"%s\"}", token);
    assert_int_equal(app_oidc_exchange_record(&f->app, f->db, row, 200, body, NULL, &e), 0);
    json_decref(rows);
}

static void poll(struct fx *f, const char *state, enum app_oidc_step step, const char *text)
{
    struct err e = {0};
    struct app_oidc_outcome o;
    assert_int_equal(app_oidc_poll(&f->app, f->db, state, &o, &e), 0);
    if (o.step != step) fail_msg("step %d, not %d: %s", o.step, step, o.text ? o.text : "");
    if (text) assert_non_null(strstr(step == OIDC_DONE ? o.email : o.text, text));
    app_oidc_outcome_free(&o);
}

static void a_sign_in_gives_a_verified_email_once(void **state)
{
    struct fx *f = *state;
    struct err e = {0};
    struct app_oidc_outcome o;
    /* before the provider is known: wait (and the dispatcher is woken) */
    assert_int_equal(app_oidc_begin(&f->app, f->db, f->page, "https://status.example/cb", "/admin",
                                    "1.2.3.4", &o, &e),
                     0);
    assert_int_equal(o.step, OIDC_WAIT);
    assert_true(f->woken > 0);
    poll(f, o.state, OIDC_WAIT, NULL);
    fetch_provider(f, f->k1, "k1");
    poll(f, o.state, OIDC_AUTHORIZE, "https://id.example/auth?");
    app_oidc_outcome_free(&o);

    char *nonce, *challenge, *st = to_callback(f, &nonce, &challenge);
    poll(f, st, OIDC_WAIT, NULL);
    char *tok = id_token(f->k1, "k1", nonce, "Ann@Example.com", true);
    exchange(f, tok, challenge);
    poll(f, st, OIDC_DONE, "ann@example.com");
    poll(f, st, OIDC_FAILED, "already used");
    free(st), free(nonce), free(challenge), free(tok);

    /* another nonce (a token of another sign-in), an unverified address, another domain */
    const struct {
        const char *email, *nonce;
        bool verified;
        const char *why;
    } bad[] = {
        {"ann@example.com", "stolen", true, "nonce"},
        {"ann@example.com", NULL, false, "has not verified"},
        {"eve@evil.test", NULL, true, "may not sign in"},
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        st = to_callback(f, &nonce, NULL);
        tok = id_token(f->k1, "k1", bad[i].nonce ? bad[i].nonce : nonce, bad[i].email,
                       bad[i].verified);
        exchange(f, tok, NULL);
        poll(f, st, OIDC_FAILED, bad[i].why);
        free(st), free(nonce), free(tok);
    }
    /* the provider's refusal of the code */
    st = to_callback(f, &nonce, NULL);
    json_t *rows = app_oidc_exchanges_claim(&f->app, f->db, &e);
    assert_int_equal(app_oidc_exchange_record(&f->app, f->db, json_array_get(rows, 0), 400,
                                              "{\"error\":\"invalid_grant\"}", NULL, &e),
                     0);
    json_decref(rows);
    poll(f, st, OIDC_FAILED, "refused the code (HTTP 400: invalid_grant");
    free(st), free(nonce);
}

static void a_rotated_key_is_fetched_and_a_forged_one_refused(void **state)
{
    struct fx *f = *state;
    struct err e = {0};
    char *url = NULL;
    fetch_provider(f, f->k1, "k1");
    /* the provider now signs with k2: the sign-in waits for the key set */
    char *nonce, *st = to_callback(f, &nonce, NULL);
    char *tok = id_token(f->k2, "k2", nonce, "bob@example.org", true);
    exchange(f, tok, NULL);
    poll(f, st, OIDC_WAIT, NULL);
    /* keys wanted, but not before the pace since the last fetch */
    assert_int_equal(app_oidc_provider_due(&f->app, f->db, &url, &e), 0);
    time_set_offset(OIDC_REFETCH_S + 1);
    char *d = doc(ISS), *k = jwks_of(f->k2, "k2");
    assert_int_equal(app_oidc_provider_due(&f->app, f->db, &url, &e), 1);
    free(url);
    assert_int_equal(app_oidc_provider_due(&f->app, f->db, &url, &e), 0); /* one node fetches */
    assert_int_equal(app_oidc_provider_record(&f->app, f->db, d, 200, k, NULL, &e), 0);
    poll(f, st, OIDC_DONE, "bob@example.org");
    free(st), free(nonce), free(tok);
    /* a token signed by a key the provider never published fails after one more fetch */
    st = to_callback(f, &nonce, NULL);
    tok = id_token(f->k1, "forged", nonce, "bob@example.org", true);
    exchange(f, tok, NULL);
    time_set_offset(2 * (OIDC_REFETCH_S + 1));
    assert_int_equal(app_oidc_provider_due(&f->app, f->db, &url, &e), 1);
    free(url);
    assert_int_equal(app_oidc_provider_record(&f->app, f->db, d, 200, k, NULL, &e), 0);
    poll(f, st, OIDC_FAILED, "does not publish");
    time_set_offset(0);
    free(st), free(nonce), free(tok), free(d), free(k);
}

static int64_t count(struct fx *f, const char *sql)
{
    struct err e = {0};
    int64_t n = -1;
    assert_int_equal(db_query_int(f->db, &e, &n, sql, ""), 1);
    return n;
}

static void the_console_sign_in_creates_a_user_once(void **state)
{
    struct fx *f = *state;
    struct err e = {0};
    char *cookie = NULL;
    struct app_session s;
    assert_int_equal(app_oidc_signin(&f->app, f->db, f->page, "new@example.com", &cookie, &e), 0);
    assert_int_equal(app_session_load(&f->app, f->db, cookie, &s, &e), 0);
    assert_int_equal(s.role, ROLE_EDITOR);
    assert_string_equal(s.email, "new@example.com");
    free(cookie);
    assert_int_equal(app_oidc_signin(&f->app, f->db, f->page, "new@example.com", &cookie, &e), 0);
    free(cookie);
    assert_int_equal(count(f, "SELECT COUNT(*) FROM users WHERE email = 'new@example.com' AND "
                              "password_hash IS NULL"),
                     1);
    assert_int_equal(count(f, "SELECT COUNT(*) FROM audit_log WHERE action = 'user.sso_create'"),
                     1);
    assert_int_equal(count(f, "SELECT COUNT(*) FROM audit_log WHERE action = 'user.sso_signin'"),
                     2);
    /* no password sign-in for an account made by SSO */
    assert_int_equal(
        app_login(&f->app, f->db, f->page, "new@example.com", "", "1.2.3.4", &cookie, &e), -1);
    assert_int_equal(app_oidc_signin(&f->app, f->db, f->page, "eve@evil.test", &cookie, &e), -1);
    assert_int_equal(e.code, ERR_FORBIDDEN);
    assert_null(cookie);
    assert_int_equal(count(f, "SELECT COUNT(*) FROM users WHERE email = 'eve@evil.test'"), 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(the_configuration_is_checked, setup, teardown),
        cmocka_unit_test_setup_teardown(a_bad_provider_is_named, setup, teardown),
        cmocka_unit_test_setup_teardown(a_sign_in_gives_a_verified_email_once, setup, teardown),
        cmocka_unit_test_setup_teardown(a_rotated_key_is_fetched_and_a_forged_one_refused, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(the_console_sign_in_creates_a_user_once, setup, teardown),
    };
    return cmocka_run_group_tests_name("app/oidc", tests, NULL, NULL);
}
