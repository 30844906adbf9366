/*
 * app/pages — pages (tenants): creation (CLI), settings (API, console), lookup by host.
 */
#ifndef PHAROS_APP_PAGES_H
#define PHAROS_APP_PAGES_H
#include "app/app.h"

/* Creates a page. HOSTS is a JSON array of host names (may be NULL): normalised, 400 for one
 * that is no host name, 409 for one another page holds or the host of server.base_url.
 * Sets *ID. CLI or system. */
int app_page_create(struct app_ctx *c, const char *slug, const char *title, json_t *hosts,
                    int64_t *id, struct err *e);
/* Creates the default page (slug "default", title "Status") when there is no page. */
int app_page_ensure_default(struct app_ctx *c, struct err *e);
/* The page id for HOST, in normal form (core/host.h; SPEC §4): its page, else the default page;
 * always the default page for the host of APP's server.base_url (APP may be NULL). 404 when
 * there is no page at all. */
int app_page_resolve(const struct app *app, struct db *db, const char *host, int64_t *page_id,
                     struct err *e);
/* HOST as store/ looks it up: NULL (the default page's) for the host of APP's
 * server.base_url, else HOST. */
const char *app_page_host(const struct app *app, const char *host);
/* The page of C as JSON (store/pages.h) plus "url", its public URL (SPEC §6, store_page_url),
 * and who may see it (app_page_access_describe: the read key for admins only). */
int app_page_get(struct app_ctx *c, json_t **out, struct err *e);
/* How long a page's custom CSS and its footer note may be (SPEC §16). */
enum { PAGE_CSS_MAX = 64 << 10, LIMIT_FOOTER = 4000 };

/* PATCH page: title, logo_url, brand_color, custom_css, footer_markdown, time_zone,
 * footer_links, hosts, base_url,
 * visibility, password and ip_allow (app/page_access.h), reminder_min (minutes from 0, none, to a
 * week: app/reminders.h; a change wakes app->on_work, so the scheduler looks at the reminders'
 * times again). Hosts or a base_url that differ from the page's (after normalising: core/host.h,
 * domain/page_url.h) need the operator (app_page_hosts_editable), else 403; a bad base_url
 * from the operator is a 400 naming it. */
int app_page_update(struct app_ctx *c, json_t *in, json_t **out, struct err *e);
/* *YES when C's actor may change hosts and base_url: the CLI, or an owner of the default
 * page. */
int app_page_hosts_editable(struct app_ctx *c, bool *yes, struct err *e);
/* All pages (CLI, and the console's page switcher filters by membership). */
int app_pages_list(struct app_ctx *c, json_t **out, struct err *e);

#endif
