/*
 * admin — the console adapters (SPEC §8): server-rendered HTML under /admin/.
 *
 * Each screen file parses a form, calls one app/ function and renders the
 * result with a template of templates/admin/ inside the layout
 * (templates/admin/layout.html). This header is what they share:
 *
 *  - admin_begin(): the session (a signed-out visitor is sent to /admin/login,
 *    303), the permission the screen needs (403 page otherwise) and, for a POST,
 *    the form with its csrf_token checked (403 and nothing done when it is
 *    missing or wrong, or when the Origin header names another site).
 *  - admin_render(): the screen inside the layout, with the model keys every
 *    template may use: csrf, user, can.{content,subscribers,settings,team},
 *    nav.<screen>, pages (the page switcher), notice (from ?notice=); the layouts
 *    link asset.{admin_css,admin_js,favicon}, the content-hashed static URLs. Pages
 *    go out with "Cache-Control: no-store", in gzip when accepted (reply_bytes_gzip).
 *  - admin_map(): a form (strings) to the typed JSON input of a use case.
 *  - admin_fail(): a refused use case re-renders the form with its message next
 *    to the field it names (errors.<field>) or on top (error).
 *
 * Screens before sign-in (setup, login, invitation) carry a "pre-session" CSRF
 * token instead: the time it was issued and an HMAC of it with a key derived
 * from the server's secret key, valid PRE_TOKEN_TTL_S.
 */
#ifndef PHAROS_ADMIN_H
#define PHAROS_ADMIN_H
#include "app/sessions.h"
#include "core/tz.h"
#include "http/form.h"
#include "http/reply.h"
#include "http/router.h"

enum { PRE_TOKEN_TTL_S = 12 * 3600 };

#define ADMIN_COOKIE "pharos_session"

/* One console request. */
struct admin {
    struct req *r;
    struct app_session s;
    struct app_ctx c;
    json_t *form; /* the POST form (NULL for other methods) */
};

/*
 * Starts a console request needing permission P. Returns 0, or -1 after having
 * replied (redirect to sign-in, 403, 400 for a malformed form). Call
 * admin_end() after a 0.
 */
int admin_begin(struct req *r, struct admin *a, enum perm p);
void admin_end(struct admin *a);

/*
 * Renders screen template NAME (under templates/admin/) with MODEL (stolen) in
 * the layout, titled TITLE, with NAV marking the current menu entry. Replies
 * with STATUS (200, or 4xx when re-showing a refused form).
 */
void admin_render(struct admin *a, int status, const char *name, const char *title, const char *nav,
                  json_t *model);
/* The same for screens without a session (setup, login, invitation): a plain layout
 * and a pre-session csrf token. */
void admin_render_public(struct req *r, int status, const char *name, const char *title,
                         json_t *model);

/* 303 to LOCATION (printf-style; the result must be a local path). */
void admin_redirect(struct req *r, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Types of form fields for admin_map(). */
enum field_type {
    F_TEXT,    /* the string as is */
    F_OPT,     /* the string, left out when empty ("" = use the default) */
    F_INT,     /* a whole number; left out when empty */
    F_BOOL,    /* a checkbox: present → true, absent → false */
    F_ID_NULL, /* an id, or null when empty */
    F_TIME,    /* <input type=datetime-local>: a wall time of the page's zone (admin_map_in), or
                  RFC 3339; left out when empty */
    F_IDS,     /* checkboxes of ids → an array of numbers (always present) */
};
struct field {
    const char *name;
    enum field_type type;
};

/* Maps FORM's FIELDS ({NULL} ends them) to a new object in *OUT, or -1 with a 400
 * naming the field. */
int admin_map(json_t *form, const struct field *fields, json_t **out, struct err *e);
/* The same with F_TIME fields read as wall times of ZONE (admin_map: UTC). */
int admin_map_in(json_t *form, const struct field *fields, const char *zone, json_t **out,
                 struct err *e);
/* The time zone of A's page (a known zone, else "UTC") into ZONE. */
void admin_page_zone(struct admin *a, char zone[TZ_NAME_MAX]);

/*
 * Sets the model of a refused form: "form" (the submitted values, so the
 * inputs keep them), and "errors":{FIELD: message} for the first of FIELDS the
 * message names, else "error": message. Returns the HTTP status for E.
 */
int admin_form_errors(json_t *model, json_t *form, const struct field *fields, const struct err *e);

/* [{"value","label","selected"}…] for the service statuses, CURRENT selected. With
 * BLANK, a first option "" labelled BLANK. */
json_t *admin_status_options(const char *current, const char *blank);
/* [{"value","label","selected"}…] of VALUES (NULL-terminated) labelled by LABELS. */
json_t *admin_options(const char *const *values, const char *const *labels, const char *current);

/* Replies with the console's error page for E (403, 404, …). */
void admin_error(struct admin *a, const struct err *e);
/* After a use case: on RC 0 redirects 303 to LOCATION + "?notice=" NOTICE, else shows E. */
void admin_done(struct admin *a, int rc, const struct err *e, const char *location,
                const char *notice);

/* A screen drawn by a SHOW function: M (stolen) holds what a refused form left. */
typedef void (*admin_show_fn)(struct admin *a, int status, json_t *m);
/* GET handler of a screen: begins with P, calls SHOW(a, 200, {}), ends. */
void admin_show(struct req *r, enum perm p, admin_show_fn show);
/* POST handler acting on the id of capture 0 with CALL, then admin_done(LOCATION, NOTICE). */
void admin_post_id(struct req *r, enum perm p,
                   int (*call)(struct app_ctx *c, int64_t id, struct err *e), const char *location,
                   const char *notice);
/* POST handler creating from the form mapped with FIELDS: 303 to LOCATION?notice=created,
 * or SHOW with the error next to its field. */
void admin_post_create(struct req *r, enum perm p, const struct field *fields,
                       int (*create)(struct app_ctx *c, json_t *in, json_t **out, struct err *e),
                       admin_show_fn show, const char *location);

/* The route capture I as an id, or 0 after a 404 reply. */
int64_t admin_id(struct admin *a, int i);

/* A pre-session CSRF token into OUT, and its check. */
void admin_pre_token(struct req *r, char out[96]);
bool admin_pre_token_ok(struct req *r, const char *token);
/* Sets the session cookie (NULL: clears it). */
void admin_set_session_cookie(struct req *r, const char *value);
/* True (after a 403 reply) when the request's Origin header names another host. */
bool admin_cross_origin(struct req *r);

/* Route tables of the screens. */
extern const struct route admin_auth_routes[];
extern const struct route admin_dashboard_routes[];
extern const struct route admin_service_routes[];
extern const struct route admin_incident_routes[];
extern const struct route admin_maintenance_routes[];
extern const struct route admin_template_routes[];
extern const struct route admin_subscriber_routes[];
extern const struct route admin_team_routes[];
extern const struct route admin_token_routes[];
extern const struct route admin_monitor_routes[];
extern const struct route admin_settings_routes[];
extern const struct route admin_access_routes[]; /* admin/access.c */
/* The Settings screen of A's page with STATUS; EXTRA's keys (stolen, may be NULL) replace
 * the model's (admin/settings.c). */
void admin_settings_show(struct admin *a, int status, json_t *extra);
/* The "who can see this page" part of the Settings screen for PAGE (app_page_get's JSON):
 * {"visibility_options","ip_allow","has_password","read_key"} (admin/settings.c); _of: with
 * the visibility CUR and the blocks as text IP_ALLOW (a form sent back with an error). */
json_t *admin_access_model(const json_t *page);
json_t *admin_access_model_of(const char *cur, const char *ip_allow, const json_t *page);
extern const struct route admin_integration_routes[];
extern const struct route admin_delivery_routes[];
extern const struct route admin_oidc_routes[];

/* Adds "sso" (and "sso_problem", why it cannot work now) to login page model M when
 * single sign-on is configured (admin/oidc.c). */
void admin_oidc_login_model(struct req *r, json_t *m);

/* Adds every console route (call before serving; loads the templates lazily). */
void admin_register(void);

#endif
