/*
 * status — service statuses (SPEC §5): parsing with aliases, severity order,
 * the overall status of a page and its Statuspage-compatible indicator.
 * Pure functions, no I/O.
 */
#ifndef PHAROS_STATUS_H
#define PHAROS_STATUS_H
#include <stddef.h>

/* In order of severity: a larger value is worse. */
enum svc_status {
    SVC_OPERATIONAL = 0,
    SVC_UNDER_MAINTENANCE,
    SVC_DEGRADED,
    SVC_PARTIAL,
    SVC_MAJOR,
    SVC_STATUS_COUNT
};

/* Parses a status: case-insensitive, '-' and ' ' count as '_', aliases degraded, partial,
 * major, outage, maintenance. Returns 0 and sets *OUT, or -1 for anything else. */
int status_parse(const char *s, enum svc_status *out);
/* "operational", "degraded_performance", … */
const char *status_name(enum svc_status s);
/* "Operational", "Degraded Performance", … (for people) */
const char *status_label(enum svc_status s);
/* The words listing every accepted value, for error messages. */
const char *status_accepted(void);

/* The worst of N statuses; operational when N is 0. */
enum svc_status status_worst(const enum svc_status *v, size_t n);
/* The overall banner: "All Systems Operational", "Under Maintenance", "Partial Outage", … */
const char *status_overall_label(enum svc_status worst);
/* Statuspage's status.indicator: none, maintenance, minor, major, critical. */
const char *status_indicator(enum svc_status worst);
/* Statuspage's status.description for the indicator. */
const char *status_indicator_description(enum svc_status worst);

#endif
