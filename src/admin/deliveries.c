/*
 * admin/deliveries — the notification log (SPEC §8, §10): every delivery (an
 * update's notification — a maintenance's reminder told apart —, a subscription
 * confirmation, a team invitation) with
 * its channel, recipient, state, attempts and last error, newest first,
 * filtered by channel and state, paged with "Older" links. Needs PERM_SETTINGS.
 */
#include "app/deliveries.h"
#include "admin/admin.h"
#include "domain/channel.h"
#include "domain/event.h"
#include <string.h>

/* What a delivery of KIND about an update of UPDATE_KIND (NULL: none) of an incident (INC)
 * or a maintenance is, for the log: "Maintenance reminder", "Incident update", … */
static const char *kind_label(const char *kind, const char *update_kind, bool inc)
{
    if (strcmp(kind, "confirmation") == 0) return "Confirmation";
    if (strcmp(kind, "invitation") == 0) return "Invitation";
    enum update_kind uk = UPDATE_PLAIN;
    update_kind_parse(update_kind, &uk);
    if (uk == UPDATE_REMINDER) return "Maintenance reminder";
    if (uk == UPDATE_POSTMORTEM) return "Incident postmortem";
    return inc ? "Incident update" : "Maintenance update";
}

/* Sets "kind_label" (and for an update "event_path") on each delivery of LIST. */
static void label(json_t *list)
{
    size_t i;
    json_t *d;
    json_array_foreach(list, i, d)
    {
        const char *kind = json_string_value(json_object_get(d, "kind"));
        const char *ek = json_string_value(json_object_get(d, "event_kind"));
        bool inc = ek && strcmp(ek, "incident") == 0;
        json_object_set_new(d, "kind_label",
                            json_string(kind_label(
                                kind, json_string_value(json_object_get(d, "update_kind")), inc)));
        if (ek)
            json_object_set_new(
                d, "event_path",
                json_sprintf("%s/%lld", inc ? "incidents" : "maintenance",
                             (long long)json_integer_value(json_object_get(d, "event_id"))));
    }
}

static void list(struct req *r)
{
    const char *cv[CHANNEL_COUNT + 2] = {""}, *cl[CHANNEL_COUNT + 2] = {"All channels"};
    for (int i = 0; i < CHANNEL_COUNT; i++) { /* one option per channel of the table */
        cv[i + 1] = channel_table[i].name;
        cl[i + 1] = channel_table[i].label;
    }
    static const char *const sv[] = {"",     "pending",   "sending", "sent", "failed",
                                     "dead", "coalesced", "skipped", NULL};
    static const char *const sl[] = {"All states", "Pending",   "Sending", "Sent", "Failed",
                                     "Dead",       "Coalesced", "Skipped", NULL};
    struct admin a;
    struct err e = {0};
    struct paging pg;
    json_t *out = NULL;
    if (admin_begin(r, &a, PERM_SETTINGS) != 0) return;
    const char *channel = req_query(r, "channel"), *state = req_query(r, "state");
    if (in_paging("100", req_query(r, "cursor"), &pg, &e) != 0 ||
        app_deliveries_list(&a.c, channel, state, &pg, &out, &e) != 0) {
        admin_error(&a, &e);
    } else {
        label(json_object_get(out, "deliveries"));
        json_t *m = json_pack("{s:O,s:O,s:o,s:o,s:{s:s,s:s}}", "deliveries",
                              json_object_get(out, "deliveries"), "next_cursor",
                              json_object_get(out, "next_cursor"), "channel_options",
                              admin_options(cv, cl, channel ? channel : ""), "state_options",
                              admin_options(sv, sl, state ? state : ""), "filter", "channel",
                              channel ? channel : "", "state", state ? state : "");
        admin_render(&a, 200, "deliveries.html", "Notification log", "deliveries", m);
    }
    json_decref(out);
    admin_end(&a);
}

const struct route admin_delivery_routes[] = {
    {M_GET, "/admin/deliveries", list},
    {0, NULL, NULL},
};
