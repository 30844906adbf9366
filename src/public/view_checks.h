/*
 * view_checks — what a page's monitors add to its view model (SPEC §14): each monitored
 * service's checks per day, which its uptime bars count instead of its status history
 * (domain/uptime.h), and, for the services that show their response time, the models of
 * two charts (render/chart.h): the last 24 hours in 15-minute buckets and the last 90
 * days, each with a text summary.
 *
 * The figures come from the monitors' day sums and per-minute roll-ups (store/monitors.h),
 * which grow once a minute. Reading them costs one or two set-based queries per page, and
 * a busy page is built many times a second, so a page's figures are remembered with what
 * they were read from: the minute, the newest roll-up of any monitor, and which services
 * show a chart. A build that finds all three unchanged takes the remembered figures (the
 * same immutable values, shared by reference); a monitor created or deleted therefore
 * shows within a minute. Any thread (one lock around the memo; reads outside it).
 */
#ifndef PHAROS_VIEW_CHECKS_H
#define PHAROS_VIEW_CHECKS_H
#include "core/err.h"
#include "domain/uptime.h"
#include "store/db.h"
#include <jansson.h>
#include <stdint.h>

struct view_checks;

/* PAGE_ID's figures as of NOW, the charts for the NCHART services of CHART_IDS (those
 * that show their response time, in any order). NULL with E filled on a read error. Give
 * it back with view_checks_release. */
struct view_checks *view_checks_get(struct db *db, int64_t page_id, int64_t now,
                                    const int64_t *chart_ids, size_t nchart, struct err *e);
void view_checks_release(struct view_checks *vc);

/* SERVICE_ID's checks per day for the VIEW_UPTIME_DAYS days ending with NOW's (oldest
 * first), and in *HASH what tells they changed; NULL (and *HASH 0) when its monitors have
 * no day sums. Valid until VC is released. */
const struct uptime_checks *view_checks_days(const struct view_checks *vc, int64_t service_id,
                                             uint64_t *hash);

/* SERVICE_ID's charts, {"day":CHART,"quarter":CHART} (render/chart.h models whose ids
 * are "rt-ID-day" and "rt-ID-90"), or NULL when it shows none: a borrowed reference. */
json_t *view_checks_charts(const struct view_checks *vc, int64_t service_id);

#endif
