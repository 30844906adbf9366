/*
 * store/page_for_host — which page a request's Host names, as one SQL expression for
 * the queries of store/ that need it (store_page_resolve, and the API token check,
 * which answers it in the same round trip): the page the host was given to
 * (page_hosts), else the default page (slug "default", else the oldest), else 0.
 *
 * SQL for store/ files only; it takes one `?`, the host (NULL: the default page).
 */
#ifndef PHAROS_STORE_PAGE_FOR_HOST_H
#define PHAROS_STORE_PAGE_FOR_HOST_H

#define PAGE_FOR_HOST                                                                              \
    "COALESCE((SELECT h.page_id FROM page_hosts h WHERE h.host = ?), "                             \
    "(SELECT p.id FROM pages p ORDER BY CASE WHEN p.slug = 'default' THEN 0 ELSE 1 END, p.id "     \
    "LIMIT 1), 0)"

#endif
