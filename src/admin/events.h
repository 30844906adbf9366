/*
 * admin/events — what the Incidents and Maintenance screens share: the list,
 * the "new" form (from scratch or prefilled from a template, with a
 * server-rendered Markdown preview), the event's page (timeline, the form to
 * post an update, the form to edit it, delete with confirmation, and for a draft
 * incident its "Draft" badge and the Publish button) and their POST handlers. incidents.c and
 * maintenance.c describe their kind with a struct ev_screen and route to these with it as the
 * route's arg.
 */
#ifndef PHAROS_ADMIN_EVENTS_H
#define PHAROS_ADMIN_EVENTS_H
#include "admin/admin.h"
#include "app/input.h"
#include "domain/event.h"

struct ev_screen {
    enum event_kind kind;
    const char *path;     /* "/admin/incidents" */
    const char *list_key; /* the key of the app/ list: "incidents", "maintenance" */
    const char *name;     /* "incident", "maintenance" (template kind too) */
    const char *title;    /* "Incidents" */
    const char *closed;   /* the final state's list filter: "resolved", "complete" */
    const struct field *create_fields, *edit_fields, *update_fields;
    int (*list)(struct app_ctx *c, const struct paging *pg, const char *state, json_t **out,
                struct err *e);
    int (*get)(struct app_ctx *c, int64_t id, json_t **out, struct err *e);
    int (*create)(struct app_ctx *c, json_t *in, json_t **out, struct err *e);
    int (*post_update)(struct app_ctx *c, int64_t id, json_t *in, json_t **out, struct err *e);
    int (*edit)(struct app_ctx *c, int64_t id, json_t *in, json_t **out, struct err *e);
    int (*del)(struct app_ctx *c, int64_t id, struct err *e);
    /* Publishes a draft (incidents; NULL for maintenance, which has no drafts). */
    int (*publish)(struct app_ctx *c, int64_t id, json_t **out, struct err *e);
};

/* The event screen of K's event ID with status STATUS and M (stolen: what a refused form
 * left: "error", "form"), for handlers of their own (admin/incidents.c's postmortem). */
void ev_show_refused(struct admin *a, const struct ev_screen *k, int64_t id, int status, json_t *m);

void ev_list(struct req *r);
void ev_new(struct req *r);
void ev_create(struct req *r);
void ev_show(struct req *r);
void ev_post_update(struct req *r);
void ev_edit(struct req *r);
void ev_delete(struct req *r);
/* POST PATH/{id}/publish: publishes the draft, back to its page with a notice; a refusal
 * (published already) is shown on the event's page. */
void ev_publish(struct req *r);

#endif
