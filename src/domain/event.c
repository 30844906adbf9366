/*
 * event — stage machines and vocabularies of incidents and maintenance. See event.h.
 */
#include "domain/event.h"
#include <assert.h>
#include <ctype.h>
#include <string.h>

static const char *stage_names[STAGE_COUNT] = {
    "investigating", "identified",  "monitoring",   "resolved",
    "scheduled",     "in_progress", "verification", "complete",
};
static const char *stage_labels[STAGE_COUNT] = {
    "Investigating", "Identified",  "Monitoring",   "Resolved",
    "Scheduled",     "In Progress", "Verification", "Complete",
};
static const char *impact_names[IMPACT_COUNT] = {"none", "minor", "major", "critical"};

const char *event_kind_name(enum event_kind k)
{
    return k == EVENT_MAINTENANCE ? "maintenance" : "incident";
}

int event_kind_parse(const char *s, enum event_kind *out)
{
    if (strcmp(s, "incident") == 0)
        *out = EVENT_INCIDENT;
    else if (strcmp(s, "maintenance") == 0)
        *out = EVENT_MAINTENANCE;
    else
        return -1;
    return 0;
}

static void normalise(const char *s, char *out, size_t size)
{
    size_t i = 0;
    for (; s[i] && i + 1 < size; i++)
        out[i] = (s[i] == '-' || s[i] == ' ') ? '_' : (char)tolower((unsigned char)s[i]);
    out[i] = '\0';
}

int stage_parse(enum event_kind k, const char *s, enum stage *out)
{
    char n[32];
    if (strlen(s) >= sizeof n) return -1;
    normalise(s, n, sizeof n);
    int lo = k == EVENT_INCIDENT ? STAGE_INVESTIGATING : STAGE_SCHEDULED;
    int hi = k == EVENT_INCIDENT ? STAGE_RESOLVED : STAGE_COMPLETE;
    for (int i = lo; i <= hi; i++)
        if (strcmp(n, stage_names[i]) == 0) {
            *out = (enum stage)i;
            return 0;
        }
    if (k == EVENT_MAINTENANCE) {
        if (strcmp(n, "completed") == 0) {
            *out = STAGE_COMPLETE;
            return 0;
        }
        if (strcmp(n, "verifying") == 0) {
            *out = STAGE_VERIFICATION;
            return 0;
        }
    }
    return -1;
}

const char *stage_name(enum stage s)
{
    return (unsigned)s < STAGE_COUNT ? stage_names[s] : "investigating";
}

const char *stage_label(enum stage s)
{
    return (unsigned)s < STAGE_COUNT ? stage_labels[s] : "Investigating";
}

const char *stage_accepted(enum event_kind k)
{
    return k == EVENT_INCIDENT ? "investigating, identified, monitoring, resolved"
                               : "scheduled, in_progress, verification, complete";
}

enum stage stage_initial(enum event_kind k)
{
    return k == EVENT_INCIDENT ? STAGE_INVESTIGATING : STAGE_SCHEDULED;
}

bool stage_is_final(enum stage s)
{
    return s == STAGE_RESOLVED || s == STAGE_COMPLETE;
}

const char *stage_statuspage_name(enum stage s)
{
    if (s == STAGE_VERIFICATION) return "verifying";
    if (s == STAGE_COMPLETE) return "completed";
    return stage_name(s);
}

bool stage_transition_ok(enum event_kind k, enum stage from, enum stage to)
{
    if (stage_is_final(from)) return false;
    if (k == EVENT_INCIDENT) return from <= STAGE_RESOLVED && to <= STAGE_RESOLVED;
    return from >= STAGE_SCHEDULED && to >= from && to <= STAGE_COMPLETE;
}

int impact_parse(const char *s, enum impact *out)
{
    char n[16];
    if (strlen(s) >= sizeof n) return -1;
    normalise(s, n, sizeof n);
    for (int i = 0; i < IMPACT_COUNT; i++)
        if (strcmp(n, impact_names[i]) == 0) {
            *out = (enum impact)i;
            return 0;
        }
    return -1;
}

const char *impact_name(enum impact i)
{
    return (unsigned)i < IMPACT_COUNT ? impact_names[i] : "none";
}

enum svc_status status_while_held(enum svc_status own, const enum svc_status *others, size_t n)
{
    assert((unsigned)own < SVC_STATUS_COUNT && (n == 0 || others));
    enum svc_status worst = status_worst(others, n);
    return own > worst ? own : worst;
}

enum svc_status status_after_release(const enum svc_status *held_by_others, size_t n)
{
    return status_worst(held_by_others, n);
}

static const char *const update_kind_names[UPDATE_KIND_COUNT] = {
    [UPDATE_PLAIN] = "update", [UPDATE_REMINDER] = "reminder", [UPDATE_POSTMORTEM] = "postmortem"};

const char *update_kind_name(enum update_kind k)
{
    assert(k >= 0 && k < UPDATE_KIND_COUNT);
    return update_kind_names[k];
}

int update_kind_parse(const char *s, enum update_kind *out)
{
    for (int k = 0; s && k < UPDATE_KIND_COUNT; k++)
        if (strcmp(s, update_kind_names[k]) == 0) {
            *out = (enum update_kind)k;
            return 0;
        }
    return -1;
}

const char *update_label(enum update_kind k, enum stage s)
{
    switch (k) {
    case UPDATE_REMINDER:
        return "Reminder";
    case UPDATE_POSTMORTEM:
        return "Postmortem";
    default:
        return stage_label(s);
    }
}
