/*
 * store/pages — SQL for pages and page_hosts. See pages.h.
 *
 * page_hosts.host is the primary key, so the schema keeps a host on one page;
 * store_page_hosts_set() looks the owner up first so that its 409 names the page
 * that holds the host (the key's own error names nothing).
 */
#include "store/pages.h"
#include "core/timeutil.h"
#include "core/xalloc.h"
#include "domain/page_url.h"
#include "store/page_for_host.h"

int64_t store_page_insert(struct db *db, const char *slug, const char *title, struct err *e)
{
    int64_t now = time_now();
    int64_t id =
        db_insert(db, e, "INSERT INTO pages (slug, title, created_at, updated_at) VALUES (?,?,?,?)",
                  "ssii", slug, title, now, now);
    if (id < 0 && e->code == ERR_CONFLICT)
        err_set(e, ERR_CONFLICT, "a page with slug \"%s\" exists already", slug);
    return id;
}

int store_page_hosts_set(struct db *db, int64_t page_id, json_t *hosts, struct err *e)
{
    if (db_exec(db, e, NULL, "DELETE FROM page_hosts WHERE page_id = ?", "i", page_id) != 0)
        return -1;
    size_t i;
    json_t *h;
    json_array_foreach(hosts, i, h)
    {
        const char *host = json_string_value(h);
        json_t *owner = db_query_one(db, e,
                                     "SELECT p.slug FROM page_hosts h JOIN pages p ON p.id = "
                                     "h.page_id WHERE h.host = ? AND h.page_id <> ?",
                                     "si", host, page_id);
        if (owner) {
            err_set(e, ERR_CONFLICT, "host %s already belongs to page \"%s\"", host,
                    json_string_value(json_object_get(owner, "slug")));
            json_decref(owner);
            return -1;
        }
        if (e->code) return -1;
        /* The primary key on host is the last word (a name twice in HOSTS). */
        if (db_exec(db, e, NULL, "INSERT INTO page_hosts (host, page_id) VALUES (?, ?)", "si", host,
                    page_id) != 0) {
            if (e->code == ERR_CONFLICT) err_set(e, ERR_CONFLICT, "host %s is listed twice", host);
            return -1;
        }
    }
    return 0;
}

int64_t store_page_default(struct db *db, struct err *e)
{
    return store_page_resolve(db, NULL, e); /* no host: the default page (page_for_host.h) */
}

int64_t store_page_resolve(struct db *db, const char *host, struct err *e)
{
    int64_t id = 0;
    int found = db_query_int(db, e, &id, "SELECT " PAGE_FOR_HOST, "s", host && *host ? host : NULL);
    return found < 0 ? -1 : id;
}

static int add_details(struct db *db, json_t *page, struct err *e)
{
    int64_t id = json_integer_value(json_object_get(page, "id"));
    json_t *rows =
        db_query_all(db, e, "SELECT host FROM page_hosts WHERE page_id = ? ORDER BY host", "i", id);
    if (!rows) return -1;
    json_t *hosts = json_array();
    size_t i;
    json_t *r;
    json_array_foreach(rows, i, r) json_array_append(hosts, json_object_get(r, "host"));
    json_decref(rows);
    json_object_set_new(page, "hosts", hosts);
    json_t *links = json_loads(json_string_value(json_object_get(page, "footer_links")), 0, NULL);
    json_object_set_new(page, "footer_links", links ? links : json_array());
    json_t *langs = json_loads(json_string_value(json_object_get(page, "languages")), 0, NULL);
    json_object_set_new(page, "languages", json_is_array(langs) ? langs : json_pack("[s]", "en"));
    if (!json_is_array(langs)) json_decref(langs);
    return 0;
}

#define PAGE_COLUMNS                                                                               \
    "SELECT id, slug, title, base_url, logo_url, brand_color, time_zone, footer_links, "           \
    "reminder_min, custom_css, footer_markdown, default_language, languages, created_at, "         \
    "updated_at FROM pages "

json_t *store_page_get(struct db *db, int64_t id, struct err *e)
{
    json_t *p = db_query_one(db, e, PAGE_COLUMNS "WHERE id = ?", "i", id);
    if (p && add_details(db, p, e) != 0) {
        json_decref(p);
        return NULL;
    }
    return p;
}

int store_page_id_by_slug(struct db *db, const char *slug, int64_t *id, struct err *e)
{
    return db_query_int(db, e, id, "SELECT id FROM pages WHERE slug = ?", "s", slug);
}

json_t *store_pages_list(struct db *db, struct err *e)
{
    json_t *rows = db_query_all(db, e, PAGE_COLUMNS "ORDER BY id", NULL);
    size_t i;
    json_t *p;
    json_array_foreach(rows, i, p) if (add_details(db, p, e) != 0)
    {
        json_decref(rows);
        return NULL;
    }
    return rows;
}

int store_page_update(struct db *db, int64_t id, const struct page_fields *f, struct err *e)
{
    return db_exec(
        db, e, NULL,
        "UPDATE pages SET title = ?, base_url = ?, logo_url = ?, brand_color = ?, "
        "time_zone = ?, footer_links = ?, reminder_min = ?, custom_css = ?, "
        "footer_markdown = ?, default_language = ?, languages = ?, updated_at = ? WHERE id = ?",
        "ssssssissssii", f->title, f->base_url, f->logo_url, f->brand_color, f->time_zone,
        f->footer_links, f->reminder_min, f->custom_css ? f->custom_css : "",
        f->footer_markdown ? f->footer_markdown : "",
        f->default_language ? f->default_language : "en", f->languages ? f->languages : "[\"en\"]",
        time_now(), id);
}

int store_page_changed(struct db *db, int64_t page_id, const char *node, int64_t now, struct err *e)
{
    return db_exec(db, e, NULL, "INSERT INTO page_changes (page_id, node, at) VALUES (?, ?, ?)",
                   "isi", page_id, node, now);
}

json_t *store_page_changes_since(struct db *db, int64_t since, const char *node, struct err *e)
{
    return db_query_all(db, e,
                        "SELECT id, page_id FROM page_changes WHERE at >= ? AND "
                        "(node IS NULL OR node <> ?) ORDER BY id",
                        "is", since, node);
}

int store_page_changes_prune(struct db *db, int64_t before, struct err *e)
{
    return db_exec(db, e, NULL, "DELETE FROM page_changes WHERE at < ?", "i", before);
}

char *store_page_url(struct db *db, const json_t *page, const char *server_base, struct err *e)
{
    int64_t def = store_page_default(db, e);
    if (def < 0) return NULL;
    const json_t *hosts = json_object_get(page, "hosts");
    size_t n = json_array_size(hosts);
    const char **names = n ? xcalloc(n, sizeof *names) : NULL;
    for (size_t i = 0; i < n; i++)
        names[i] = json_string_value(json_array_get(hosts, i));
    char *url = page_url_public(json_string_value(json_object_get(page, "base_url")), server_base,
                                json_integer_value(json_object_get(page, "id")) == def, names, n);
    free(names);
    return url;
}
