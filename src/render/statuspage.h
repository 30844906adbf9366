/*
 * statuspage — the public JSON of SPEC §6, shaped like Atlassian Statuspage's
 * public API v2 (shared/reference/statuspage-v2.md), rendered from the view
 * model (public/view.h) so it always agrees with the HTML.
 *
 * Ids are strings: a service's id as is, a group's "group-<id>" (groups and
 * services are numbered separately, Statuspage ids are one namespace).
 *
 * Positions are Statuspage's: from 1, unique at each level and in the page's order.
 * The top level is the ungrouped services then the groups, in the order components.json
 * lists them; a grouped service's position is its place in its group.
 */
#ifndef PHAROS_STATUSPAGE_H
#define PHAROS_STATUSPAGE_H
#include <jansson.h>

/* The endpoints, in the order of SPEC §6; each NAME is the path under /api/v2/. */
extern const char *const statuspage_endpoints[];

/* The document of endpoint NAME ("summary.json", …) for MODEL, a new reference; NULL
 * for an unknown name. */
json_t *statuspage_render(const json_t *model, const char *name);

#endif
