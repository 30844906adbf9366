/*
 * store/pages — pages (tenants) and the hosts that select them (SPEC §4).
 * Page JSON: {"id","slug","title","hosts":[…],"base_url","logo_url","brand_color",
 * "time_zone","footer_links":[…],"reminder_min","custom_css","footer_markdown","default_language",
 * "languages":[…],"created_at","updated_at"}; hosts sorted,
 * base_url "" when unset (domain/page_url.h has the rule that makes a page's public URL of
 * them); reminder_min: how many minutes before a maintenance starts its reminder goes out
 * (0: none; domain/reminder.h).
 */
#ifndef PHAROS_STORE_PAGES_H
#define PHAROS_STORE_PAGES_H
#include "store/db.h"

struct page_fields {
    const char *title, *base_url, *logo_url, *brand_color, *time_zone;
    const char *footer_links;    /* JSON text of an array */
    int64_t reminder_min;        /* minutes before a maintenance starts for its reminder; 0: none */
    const char *custom_css;      /* appended to the page's brand stylesheet; NULL: "" */
    const char *footer_markdown; /* the public pages' footer note; NULL: "" */
    const char *default_language; /* a tag of render/i18n.h; NULL: "en" */
    const char *languages;        /* JSON text of the offered tags; NULL: ["en"] */
};

/* Returns the new id, or -1 (409 when the slug exists). */
int64_t store_page_insert(struct db *db, const char *slug, const char *title, struct err *e);
/*
 * Replaces the hosts of PAGE_ID with the strings of the JSON array HOSTS (in normal form,
 * core/host.h), in the caller's transaction. A host of another page is a 409 naming that
 * page's slug; on any error the caller rolls back.
 */
int store_page_hosts_set(struct db *db, int64_t page_id, json_t *hosts, struct err *e);
/* The id of the default page (slug "default", else the oldest), 0 if there is no page, or -1. */
int64_t store_page_default(struct db *db, struct err *e);
/* The page for HOST, else the default page. 0 if there is no page, -1 on error. */
int64_t store_page_resolve(struct db *db, const char *host, struct err *e);
/* One page with its hosts, or NULL (E->code ERR_OK when it does not exist). */
json_t *store_page_get(struct db *db, int64_t id, struct err *e);
/* The id of the page with SLUG: 1 found, 0 not, -1 error. */
int store_page_id_by_slug(struct db *db, const char *slug, int64_t *id, struct err *e);
json_t *store_pages_list(struct db *db, struct err *e);
int store_page_update(struct db *db, int64_t id, const struct page_fields *f, struct err *e);
/*
 * In the open write transaction: records that what page PAGE_ID's visitors see changed
 * (a page_changes row: 0008_page_changes.sql), by the server NODE (its server.node_id;
 * NULL for the command line). Rows of different transactions never touch the same row,
 * so their commits wait for nothing of each other's; the statement answers nothing, so
 * on PostgreSQL it goes to the server with the COMMIT (store/db_pg.h). 0, or -1 with E.
 */
int store_page_changed(struct db *db, int64_t page_id, const char *node, int64_t now,
                       struct err *e);
/* The page_changes rows written at or after SINCE (Unix seconds) by anyone but NODE (the
 * command line's too): [{"id","page_id"}] by id; NULL with E filled. Ids grow, but may
 * commit out of their order: a caller that looks again tells new rows by their ids. */
json_t *store_page_changes_since(struct db *db, int64_t since, const char *node, struct err *e);
/* Deletes the page_changes rows older than BEFORE (Unix seconds). 0, or -1 with E filled. */
int store_page_changes_prune(struct db *db, int64_t before, struct err *e);

/*
 * The public URL of PAGE (the JSON above: "id", "base_url", "hosts"), by the rule of
 * domain/page_url.h with SERVER_BASE as server.base_url: the prefix of every absolute
 * link made for the page, no trailing '/'. Returns a malloc'd string, or NULL with E
 * filled (the default page could not be read).
 */
char *store_page_url(struct db *db, const json_t *page, const char *server_base, struct err *e);

#endif
