/*
 * admin/subscribers — the Subscribers screen (SPEC §8): counts by channel and
 * state, the list with filters (channel, state) and a search on the address,
 * each subscriber's services, delete with confirmation (an erasure: the delivery
 * records stay without the address, SPEC §15), one subscriber's data as a JSON
 * download (the API's export), CSV export, and adding an e-mail subscriber as an
 * admin (confirmed at once, or pending with the usual confirmation e-mail), and
 * reactivating a quarantined URL subscriber (a new test message; SPEC §15). Needs
 * PERM_SUBSCRIBERS.
 *
 * The search narrows the page of up to SEARCH_PAGE rows that the filters
 * select (app_subscribers_list has no text search); the list says so when the
 * page was full. The CSV export walks every page; cells that a spreadsheet
 * would run as a formula are prefixed with a quote.
 */
#include "app/subscribers.h"
#include "admin/admin.h"
#include "app/services.h"
#include "app/subscribe_hooks.h"
#include "core/buf.h"
#include <stdio.h>
#include <string.h>
#include <strings.h>

enum { SEARCH_PAGE = 500, CSV_MAX = 256 << 20 };

static const struct field fields[] = {
    {"channel", F_TEXT}, {"address", F_TEXT}, {"confirmed", F_BOOL}, {NULL, 0}};

/* Service names by id, for "services":[ids]. */
static json_t *service_names(struct app_ctx *c, struct err *e)
{
    struct paging pg = {.limit = 500};
    json_t *out = NULL, *svc, *names;
    size_t i;
    if (app_services_list(c, &pg, &out, e) != 0) return NULL;
    names = json_object();
    json_array_foreach(json_object_get(out, "services"), i, svc)
    {
        char id[24];
        snprintf(id, sizeof id, "%lld", (long long)json_integer_value(json_object_get(svc, "id")));
        json_object_set(names, id, json_object_get(svc, "name"));
    }
    json_decref(out);
    return names;
}

/* "All services" or the names of SUB's services, into SUB's "service_names". */
static void name_services(json_t *sub, json_t *names)
{
    json_t *s = json_object_get(sub, "services"), *v;
    size_t i;
    struct buf b;
    if (!json_is_array(s)) {
        json_object_set_new(sub, "service_names", json_string("All services"));
        return;
    }
    buf_init(&b, 4096);
    json_array_foreach(s, i, v)
    {
        char id[24];
        snprintf(id, sizeof id, "%lld", (long long)json_integer_value(v));
        const char *n = json_string_value(json_object_get(names, id));
        buf_printf(&b, "%s%s", i ? ", " : "", n ? n : id);
    }
    json_object_set_new(sub, "service_names", json_string(buf_cstr(&b)));
    buf_free(&b);
}

static json_t *filter_options(const char *const *v, const char *const *l, const char *cur)
{
    return admin_options(v, l, cur ? cur : "");
}

static void show(struct admin *a, int status, json_t *m)
{
    static const char *const cv[] = {"",      "email",   "sms",        "webhook", "slack",
                                     "teams", "discord", "googlechat", NULL};
    static const char *const cl[] = {"All channels", "E-mail",      "SMS",
                                     "Webhook",      "Slack",       "Microsoft Teams",
                                     "Discord",      "Google Chat", NULL};
    static const char *const sv[] = {"",        "pending",     "active", "stopped", "unsubscribed",
                                     "bounced", "quarantined", NULL};
    static const char *const sl[] = {"All states",   "Pending", "Active",      "Stopped",
                                     "Unsubscribed", "Bounced", "Quarantined", NULL};
    struct err e = {0};
    struct paging pg = {.limit = SEARCH_PAGE};
    json_t *out = NULL, *names = NULL, *sub, *rows = json_array();
    const char *channel = req_query(a->r, "channel"), *state = req_query(a->r, "state");
    const char *q = req_query(a->r, "q");
    size_t i;
    int rc = in_paging(NULL, req_query(a->r, "cursor"), &pg, &e);
    pg.limit = SEARCH_PAGE;
    if (rc != 0 || app_subscribers_list(&a->c, channel, state, &pg, &out, &e) != 0 ||
        !(names = service_names(&a->c, &e))) {
        json_decref(rows);
        json_decref(out);
        json_decref(m);
        admin_error(a, &e);
        return;
    }
    json_array_foreach(json_object_get(out, "subscribers"), i, sub)
    {
        const char *addr = json_string_value(json_object_get(sub, "address"));
        if (q && *q && !(addr && strcasestr(addr, q))) continue;
        name_services(sub, names);
        const char *st = json_string_value(json_object_get(sub, "state"));
        json_object_set_new(sub, "quarantined", json_boolean(st && !strcmp(st, "quarantined")));
        json_array_append(rows, sub);
    }
    json_object_set_new(m, "subscribers", rows);
    json_object_set(m, "next_cursor", json_object_get(out, "next_cursor"));
    json_object_set_new(m, "filter",
                        json_pack("{s:s,s:s,s:s}", "channel", channel ? channel : "", "state",
                                  state ? state : "", "q", q ? q : ""));
    json_object_set_new(m, "channel_options", filter_options(cv, cl, channel));
    static const char *const av[] = {"email", "sms", NULL};
    static const char *const al[] = {"E-mail", "SMS", NULL};
    json_t *form = json_object_get(m, "form");
    const char *chosen = form ? json_string_value(json_object_get(form, "channel")) : NULL;
    json_object_set_new(m, "add_channel_options", admin_options(av, al, chosen ? chosen : "email"));
    json_object_set_new(m, "state_options", filter_options(sv, sl, state));
    json_object_set_new(m, "counts",
                        json_object_get(out, "counts") ? json_incref(json_object_get(out, "counts"))
                                                       : json_object());
    json_decref(out);
    json_decref(names);
    admin_render(a, status, "subscribers.html", "Subscribers", "subscribers", m);
}

static void list(struct req *r)
{
    admin_show(r, PERM_SUBSCRIBERS, show);
}

static void create(struct req *r)
{
    admin_post_create(r, PERM_SUBSCRIBERS, fields, app_subscriber_create, show,
                      "/admin/subscribers");
}

/* POST /admin/subscribers/{id}/reactivate: a quarantined URL subscriber gets a new test
 * message (app_subscriber_hook_reactivate). */
static void reactivate(struct req *r)
{
    admin_post_id(r, PERM_SUBSCRIBERS, app_subscriber_hook_reactivate, "/admin/subscribers",
                  "reactivated");
}

static void del(struct req *r)
{
    admin_post_id(r, PERM_SUBSCRIBERS, app_subscriber_delete, "/admin/subscribers", "deleted");
}

/* GET /admin/subscribers/{id}/export: everything stored about one subscriber, as a JSON
 * file to download (app_subscriber_export). */
static void export_one(struct req *r)
{
    struct admin a;
    struct err e = {0};
    json_t *out = NULL;
    char name[80];
    if (admin_begin(r, &a, PERM_SUBSCRIBERS) != 0) return;
    int64_t id = admin_id(&a, 0);
    if (id && app_subscriber_export(&a.c, id, &out, &e) != 0) {
        admin_error(&a, &e);
    } else if (id) {
        snprintf(name, sizeof name, "attachment; filename=\"subscriber-%lld.json\"", (long long)id);
        reply_header(r, "Content-Disposition", name);
        reply_json(r, 200, out);
    }
    admin_end(&a);
}

/* Appends S as one CSV cell (RFC 4180 quoting; formula-looking cells defused). */
static void csv_cell(struct buf *b, const char *s, bool last)
{
    s = s ? s : "";
    bool formula = strchr("=@\t\r", s[0]) && s[0];
    formula = formula || ((s[0] == '+' || s[0] == '-') && s[1] && !strchr("0123456789", s[1]));
    buf_putc(b, '"');
    if (formula) buf_putc(b, '\'');
    for (; *s; s++) {
        if (*s == '"') buf_putc(b, '"');
        buf_putc(b, *s);
    }
    buf_puts(b, last ? "\"\r\n" : "\",");
}

static void export_csv(struct req *r)
{
    struct admin a;
    struct err e = {0};
    struct buf b;
    json_t *names = NULL, *out = NULL, *sub;
    size_t i;
    if (admin_begin(r, &a, PERM_SUBSCRIBERS) != 0) return;
    buf_init(&b, CSV_MAX);
    buf_puts(&b, "id,channel,address,state,services,created_at,confirmed_at\r\n");
    if (!(names = service_names(&a.c, &e))) goto fail;
    for (struct paging pg = {.limit = 500};;) {
        if (app_subscribers_list(&a.c, NULL, NULL, &pg, &out, &e) != 0) goto fail;
        json_array_foreach(json_object_get(out, "subscribers"), i, sub)
        {
            char id[24];
            name_services(sub, names);
            const char *st = json_string_value(json_object_get(sub, "state"));
            json_object_set_new(sub, "quarantined", json_boolean(st && !strcmp(st, "quarantined")));
            snprintf(id, sizeof id, "%lld",
                     (long long)json_integer_value(json_object_get(sub, "id")));
            csv_cell(&b, id, false);
            static const char *const cols[] = {"channel",       "address",    "state",
                                               "service_names", "created_at", "confirmed_at"};
            for (size_t k = 0; k < 6; k++)
                csv_cell(&b, json_string_value(json_object_get(sub, cols[k])), k == 5);
        }
        const char *next = json_string_value(json_object_get(out, "next_cursor"));
        if (!next || in_paging("500", next, &pg, &e) != 0) break;
        json_decref(out);
        out = NULL;
    }
    if (buf_full(&b)) {
        err_set(&e, ERR_TOO_LARGE, "too many subscribers to export at once");
        goto fail;
    }
    reply_header(r, "Content-Disposition", "attachment; filename=\"subscribers.csv\"");
    reply_header(r, "Cache-Control", "no-store");
    reply_bytes(r, 200, "text/csv; charset=utf-8", buf_cstr(&b), b.len);
    goto out;
fail:
    admin_error(&a, &e);
out:
    json_decref(out);
    json_decref(names);
    buf_free(&b);
    admin_end(&a);
}

const struct route admin_subscriber_routes[] = {
    {M_GET, "/admin/subscribers", list},
    {M_POST, "/admin/subscribers", create},
    {M_GET, "/admin/subscribers.csv", export_csv},
    {M_GET, "/admin/subscribers/{id}/export", export_one},
    {M_POST, "/admin/subscribers/{id}/delete", del},
    {M_POST, "/admin/subscribers/{id}/reactivate", reactivate},
    {0, NULL, NULL},
};
