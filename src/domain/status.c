/*
 * status — service status vocabulary and ordering. See status.h.
 */
#include "domain/status.h"
#include <ctype.h>
#include <string.h>

static const char *names[SVC_STATUS_COUNT] = {
    "operational", "under_maintenance", "degraded_performance", "partial_outage", "major_outage",
};
static const char *labels[SVC_STATUS_COUNT] = {
    "Operational", "Under Maintenance", "Degraded Performance", "Partial Outage", "Major Outage",
};

static const struct {
    const char *word;
    enum svc_status status;
} aliases[] = {
    {"degraded", SVC_DEGRADED},
    {"partial", SVC_PARTIAL},
    {"major", SVC_MAJOR},
    {"outage", SVC_MAJOR},
    {"maintenance", SVC_UNDER_MAINTENANCE},
};

int status_parse(const char *s, enum svc_status *out)
{
    char norm[32];
    size_t n = strlen(s);
    if (n == 0 || n >= sizeof norm) return -1;
    for (size_t i = 0; i <= n; i++) {
        char c = s[i];
        norm[i] = (c == '-' || c == ' ') ? '_' : (char)tolower((unsigned char)c);
    }
    for (int i = 0; i < SVC_STATUS_COUNT; i++)
        if (strcmp(norm, names[i]) == 0) {
            *out = (enum svc_status)i;
            return 0;
        }
    for (size_t i = 0; i < sizeof aliases / sizeof aliases[0]; i++)
        if (strcmp(norm, aliases[i].word) == 0) {
            *out = aliases[i].status;
            return 0;
        }
    return -1;
}

const char *status_name(enum svc_status s)
{
    return (unsigned)s < SVC_STATUS_COUNT ? names[s] : "operational";
}

const char *status_label(enum svc_status s)
{
    return (unsigned)s < SVC_STATUS_COUNT ? labels[s] : "Operational";
}

const char *status_accepted(void)
{
    return "operational, degraded_performance, partial_outage, major_outage, under_maintenance "
           "(or degraded, partial, major, outage, maintenance)";
}

enum svc_status status_worst(const enum svc_status *v, size_t n)
{
    enum svc_status w = SVC_OPERATIONAL;
    for (size_t i = 0; i < n; i++)
        if (v[i] > w) w = v[i];
    return w;
}

const char *status_overall_label(enum svc_status worst)
{
    return worst == SVC_OPERATIONAL ? "All Systems Operational" : status_label(worst);
}

const char *status_indicator(enum svc_status worst)
{
    static const char *ind[SVC_STATUS_COUNT] = {"none", "maintenance", "minor", "major",
                                                "critical"};
    return (unsigned)worst < SVC_STATUS_COUNT ? ind[worst] : "none";
}

const char *status_indicator_description(enum svc_status worst)
{
    static const char *d[SVC_STATUS_COUNT] = {"All Systems Operational",
                                              "Service Under Maintenance", "Minor Service Outage",
                                              "Partial System Outage", "Major System Outage"};
    return (unsigned)worst < SVC_STATUS_COUNT ? d[worst] : d[0];
}
