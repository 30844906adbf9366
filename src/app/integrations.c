/*
 * app/integrations — integration use cases. See integrations.h.
 *
 * The kinds are the channels of domain/channel.h's table that have a form; a form is a
 * table of fields (every chat service's is the same: its incoming webhook URL, a secret).
 * A field lives either in the row's config (JSON
 * text, nothing secret) or in its secrets (a JSON object sealed as a whole with
 * the server's key); F_API fields may be set through the API, the others only
 * by app_integration_connect(); F_NEEDED fields make the integration
 * "configured". Plaintext secrets are wiped from the buffers we own once sealed
 * or parsed. Each write reads, changes and writes the row in one transaction.
 */
#include "app/integrations.h"
#include "app/input.h"
#include "core/log.h"
#include "core/netaddr.h"
#include "core/text.h"
#include "core/utf8.h"
#include "domain/channel.h"
#include "store/integrations.h"
#include <assert.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum { F_SECRET = 1, F_URL = 2, F_API = 4, F_NEEDED = 8 };
enum { URL_MAX = 2048, TOKEN_MAX = 500, MAX_FIELDS = 4 };

struct field {
    const char *name;
    unsigned flags;
    size_t max;
};

struct kind {
    const char *name;
    const struct field *fields; /* ended by a NULL name */
};

/* The fields of each form (domain/channel.h), indexed by enum channel_form. */
static const struct field forms[][MAX_FIELDS] = {
    [FORM_CHAT_URL] = {{"webhook_url", F_SECRET | F_URL | F_API | F_NEEDED, URL_MAX}},
    [FORM_SIGNED_URL] = {{"url", F_URL | F_API | F_NEEDED, URL_MAX},
                         {"secret", F_SECRET | F_API, 200}},
    [FORM_TWITTER] = {{"screen_name", 0, LIMIT_NAME},
                      {"access_token", F_SECRET | F_NEEDED, TOKEN_MAX},
                      {"access_token_secret", F_SECRET | F_NEEDED, TOKEN_MAX}},
};

/* The kind of channel CI (an integration). */
static struct kind kind_of(const struct channel_info *ci)
{
    assert(ci->form != FORM_NONE && ci->form < sizeof forms / sizeof forms[0]);
    return (struct kind){ci->name, forms[ci->form]};
}

/* The row of one kind, opened. */
struct state {
    bool enabled;
    json_t *config, *secrets, *updated_at;
};

static void state_cleanup(struct state *s)
{
    json_decref(s->config);
    json_decref(s->secrets);
    json_decref(s->updated_at);
    memset(s, 0, sizeof *s);
}

/* The kind called NAME into *K: 0, or -1 with a 404 naming the kinds. */
static int find_kind(const char *name, struct kind *k, struct err *e)
{
    const struct channel_info *ci = channel_integration(name);
    if (ci) {
        *k = kind_of(ci);
        return 0;
    }
    char quoted[48], list[200] = "";
    size_t n = 0, total = 0;
    for (int i = 0; i < CHANNEL_COUNT; i++)
        total += channel_table[i].form != FORM_NONE;
    for (int i = 0; i < CHANNEL_COUNT; i++) {
        if (channel_table[i].form == FORM_NONE) continue;
        n++;
        size_t at = strlen(list);
        snprintf(list + at, sizeof list - at, "%s%s",
                 n == 1       ? ""
                 : n == total ? " and "
                              : ", ",
                 channel_table[i].name);
    }
    return err_set(e, ERR_NOT_FOUND, "no integration \"%s\"; the integrations are %s",
                   utf8_clip(name, quoted, sizeof quoted), list);
}

static void free_plain(char *plain)
{
    if (plain) {
        explicit_bzero(plain, strlen(plain));
        free(plain);
    }
}

/* The secrets object sealed in SEALED (NULL: none); {} when it does not open. */
static json_t *open_secrets(struct app_ctx *c, const char *kind, const char *sealed)
{
    json_t *o = NULL;
    if (!sealed) return json_object();
    char *plain = secret_open(c->app->key, sealed);
    if (plain) o = json_loads(plain, 0, NULL);
    free_plain(plain);
    if (!json_is_object(o)) {
        log_warn("integration %s of page %lld: its stored credentials do not open with the "
                 "current secret key; configure it again",
                 kind, (long long)c->page_id);
        json_decref(o);
        o = json_object();
    }
    return o;
}

static int state_load(struct app_ctx *c, const struct kind *k, struct state *s, struct err *e)
{
    json_t *row = store_integration_get(c->db, c->page_id, k->name, e);
    if (!row && e->code) return -1;
    s->enabled = json_is_true(json_object_get(row, "enabled"));
    s->updated_at = json_incref(row ? json_object_get(row, "updated_at") : json_null());
    s->config = row ? json_loads(json_string_value(json_object_get(row, "config")), 0, NULL) : NULL;
    if (!json_is_object(s->config)) {
        json_decref(s->config);
        s->config = json_object();
    }
    s->secrets = open_secrets(c, k->name, json_string_value(json_object_get(row, "secret")));
    json_decref(row);
    return 0;
}

static json_t *home_of(const struct field *f, const struct state *s)
{
    return f->flags & F_SECRET ? s->secrets : s->config;
}

static bool configured(const struct kind *k, const struct state *s)
{
    for (const struct field *f = k->fields; f->name; f++)
        if ((f->flags & F_NEEDED) && !json_object_get(home_of(f, s), f->name)) return false;
    return true;
}

static json_t *view(const struct kind *k, const struct state *s)
{
    json_t *v = json_pack("{s:s,s:b,s:b}", "kind", k->name, "enabled", s->enabled, "configured",
                          configured(k, s));
    for (const struct field *f = k->fields; f->name; f++) {
        if (!(f->flags & F_SECRET)) {
            json_t *x = json_object_get(s->config, f->name);
            json_object_set(v, f->name, x ? x : json_null());
        } else if (f->flags & F_API) {
            char key[64];
            snprintf(key, sizeof key, "%s_set", f->name);
            json_object_set_new(v, key, json_boolean(json_object_get(s->secrets, f->name)));
        }
    }
    json_object_set(v, "updated_at", s->updated_at);
    return v;
}

/* Applies IN to S: "enabled" and the fields an API client (API) or the server may set. */
static int apply(struct app_ctx *c, const struct kind *k, json_t *in, bool api, struct state *s,
                 struct err *e)
{
    const char *keys[MAX_FIELDS + 2] = {"enabled"};
    int n = 1;
    for (const struct field *f = k->fields; f->name; f++)
        if (!api || (f->flags & F_API)) keys[n++] = f->name;
    if (in_only(in, keys, e) != 0 || in_bool(in, "enabled", &s->enabled, e) != 0) return -1;
    bool allow_private = c->app->cfg && c->app->cfg->allow_private_targets;
    for (const struct field *f = k->fields; f->name; f++) {
        json_t *v = json_object_get(in, f->name);
        const char *text = NULL;
        if (!v || (api && !(f->flags & F_API))) continue;
        if (json_is_null(v) || (json_is_string(v) && json_string_length(v) == 0)) {
            json_object_del(home_of(f, s), f->name);
            continue;
        }
        if (in_text(in, f->name, f->max, true, false, &text, e) != 0 ||
            ((f->flags & F_URL) && netaddr_check_url(f->name, text, allow_private, e) != 0))
            return -1;
        json_object_set_new(home_of(f, s), f->name, json_string(text));
    }
    for (const struct field *f = k->fields; f->name; f++)
        if (s->enabled && (f->flags & F_NEEDED) && (f->flags & F_API) &&
            !json_object_get(home_of(f, s), f->name))
            return err_set(e, ERR_INVALID, "%s is required while the %s integration is enabled",
                           f->name, k->name);
    return 0;
}

/* Writes S as the row of K (inside the open transaction). */
static int save(struct app_ctx *c, const struct kind *k, const struct state *s, struct err *e)
{
    char *config = json_dumps(s->config, JSON_COMPACT | JSON_SORT_KEYS);
    char *plain = json_object_size(s->secrets) ? json_dumps(s->secrets, JSON_COMPACT) : NULL;
    char *sealed = plain ? secret_seal(c->app->key, plain) : NULL;
    free_plain(plain);
    int rc = store_integration_put(c->db, c->page_id, k->name, s->enabled, config, sealed, e);
    free(config);
    free(sealed);
    return rc;
}

static int configure(struct app_ctx *c, const char *kind, json_t *in, bool api, struct err *e)
{
    struct state s = {0};
    struct kind kk;
    const struct kind *k = &kk;
    int rc = -1;
    if (app_require(c, PERM_SETTINGS, e) != 0 || find_kind(kind, &kk, e) != 0 ||
        db_begin(c->db, e) != 0)
        return -1;
    if (state_load(c, k, &s, e) != 0 || apply(c, k, in, api, &s, e) != 0 ||
        save(c, k, &s, e) != 0 || app_audit(c, "integration.update", 0, k->name, e) != 0) {
        db_rollback(c->db);
        goto out;
    }
    rc = app_commit(c, false, e);
out:
    state_cleanup(&s);
    return rc;
}

int app_integration_get(struct app_ctx *c, const char *kind, json_t **out, struct err *e)
{
    struct state s = {0};
    struct kind kk;
    const struct kind *k = &kk;
    if (app_require(c, PERM_SETTINGS, e) != 0 || find_kind(kind, &kk, e) != 0 ||
        state_load(c, k, &s, e) != 0)
        return -1;
    *out = view(k, &s);
    state_cleanup(&s);
    return 0;
}

int app_integrations_list(struct app_ctx *c, json_t **out, struct err *e)
{
    json_t *list = json_array(), *one;
    for (int i = 0; i < CHANNEL_COUNT; i++) {
        if (channel_table[i].form == FORM_NONE) continue;
        if (app_integration_get(c, channel_table[i].name, &one, e) != 0) {
            json_decref(list);
            return -1;
        }
        json_array_append_new(list, one);
    }
    *out = json_pack("{s:o}", "integrations", list);
    return 0;
}

int app_integration_put(struct app_ctx *c, const char *kind, json_t *in, json_t **out,
                        struct err *e)
{
    if (configure(c, kind, in, true, e) != 0) return -1;
    return app_integration_get(c, kind, out, e);
}

int app_integration_connect(struct app_ctx *c, const char *kind, json_t *in, struct err *e)
{
    return configure(c, kind, in, false, e);
}

int app_integration_load(struct app_ctx *c, const char *kind, bool *enabled, json_t **config,
                         struct err *e)
{
    struct state s = {0};
    struct kind kk;
    const struct kind *k = &kk;
    if (app_require(c, PERM_SETTINGS, e) != 0 || find_kind(kind, &kk, e) != 0 ||
        state_load(c, k, &s, e) != 0)
        return -1;
    json_object_update(s.config, s.secrets);
    *enabled = s.enabled;
    *config = json_incref(s.config);
    state_cleanup(&s);
    return 0;
}
