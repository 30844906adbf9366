/*
 * app/pages — pages (tenants): creation (CLI), settings (API, console), lookup by host.
 */
#ifndef PHAROS_APP_PAGES_H
#define PHAROS_APP_PAGES_H
#include "app/app.h"

/* Creates a page. HOSTS is a JSON array of host names (may be NULL). Sets *ID. CLI or system. */
int app_page_create(struct app_ctx *c, const char *slug, const char *title, json_t *hosts,
                    int64_t *id, struct err *e);
/* Creates the default page (slug "default", title "Status") when there is no page. */
int app_page_ensure_default(struct app_ctx *c, struct err *e);
/* The page id for HOST (SPEC §4). */
int app_page_resolve(struct db *db, const char *host, int64_t *page_id, struct err *e);
/* The page of C as JSON. */
int app_page_get(struct app_ctx *c, json_t **out, struct err *e);
/* PATCH page: title, logo_url, brand_color, time_zone, footer_links, hosts. */
int app_page_update(struct app_ctx *c, json_t *in, json_t **out, struct err *e);
/* All pages (CLI, and the console's page switcher filters by membership). */
int app_pages_list(struct app_ctx *c, json_t **out, struct err *e);

#endif
