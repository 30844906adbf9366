/*
 * admin/deliveries — the notification log (SPEC §8, §10): every delivery with
 * its channel, recipient, state, attempts and last error, newest first,
 * filtered by channel and state, paged with "Older" links. Needs PERM_SETTINGS.
 */
#include "app/deliveries.h"
#include "admin/admin.h"

static void list(struct req *r)
{
    static const char *const cv[] = {"", "email", "sms", "slack", "twitter", "webhook", NULL};
    static const char *const cl[] = {"All channels", "E-mail",  "SMS", "Slack",
                                     "Twitter",      "Webhook", NULL};
    static const char *const sv[] = {"", "pending", "sending", "sent", "failed", "dead", NULL};
    static const char *const sl[] = {"All states", "Pending", "Sending", "Sent",
                                     "Failed",     "Dead",    NULL};
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
