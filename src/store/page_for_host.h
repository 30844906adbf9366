/*
 * store/page_for_host — which page a request's Host names, as one SQL expression for
 * the queries of store/ that need it (store_page_resolve, and the API token check,
 * which answers it in the same round trip): the page the host was given to
 * (page_hosts), else the default page (slug "default", else the oldest), else 0.
 *
 * SQL for store/ files only; it takes one `?`, the host (NULL: the default page).
 * Each step is an index lookup (page_hosts.host, pages.slug, MIN of the primary key): an
 * ORDER BY on an expression made SQLite open a sorter for each call (about a tenth of a
 * snapshot build went to that, in the host map's reload).
 */
#ifndef PHAROS_STORE_PAGE_FOR_HOST_H
#define PHAROS_STORE_PAGE_FOR_HOST_H

#define PAGE_FOR_HOST                                                                              \
    "COALESCE((SELECT h.page_id FROM page_hosts h WHERE h.host = ?), "                             \
    "(SELECT p.id FROM pages p WHERE p.slug = 'default'), (SELECT MIN(p.id) FROM pages p), 0)"

#endif
