/*
 * api/events — what the incident and maintenance routes add to the shared CRUD
 * handlers of api/resource.h: the list with its ?state= filter, and
 * POST …/{id}/updates.
 */
#ifndef PHAROS_API_EVENTS_H
#define PHAROS_API_EVENTS_H
#include "api/resource.h"

typedef int (*api_events_list_fn)(struct app_ctx *c, const struct paging *pg, const char *state,
                                  json_t **out, struct err *e);
typedef api_apply_fn api_events_update_fn;

/* GET list (?limit=, ?cursor=, ?state=): 200 with LIST's reply. */
void api_events_list(struct req *r, api_events_list_fn list);
/* POST …/{id}/updates: 201 {"<res->name>": EVENT} (the event with its new update). */
void api_events_post_update(struct req *r, const struct api_resource *res,
                            api_events_update_fn post);

#endif
