/*
 * store/service_order — the one order of services, for every query of store/ that
 * lists them: ungrouped services first, then each group by its position (then id),
 * and within each by the service's position (then id).
 *
 * Every list of services people or scripts see follows it — the console (dashboard,
 * services screen, pickers), the public page, /api/v2, the admin API, the eStatus list
 * (SPEC §9: "ordered by group, then position"), the subscription preferences, an
 * event's services and the names in notifications — so they never disagree. Top-level
 * components lead, as on a Statuspage page, where a component in no group is a row of
 * its own and the groups follow as headed sections.
 *
 * SQL for store/ files only: the query names services "s" and joins their group with
 * SERVICE_GROUP_JOIN (as "g").
 */
#ifndef PHAROS_STORE_SERVICE_ORDER_H
#define PHAROS_STORE_SERVICE_ORDER_H

#define SERVICE_GROUP_JOIN "LEFT JOIN groups g ON g.id = s.group_id "
#define SERVICE_ORDER "CASE WHEN g.id IS NULL THEN 0 ELSE 1 END, g.position, g.id, s.position, s.id"

#endif
