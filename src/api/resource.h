/*
 * api/resource — the handler bodies of resources shaped like SPEC §9's
 * "GET lists, POST creates, GET/PATCH/DELETE one": authenticate, parse, call
 * the one app/ function, reply {"<name>": OBJECT} (201 on create, 204 on delete).
 * A resource file fills a `struct api_resource` and lists API_RESOURCE_ROUTES
 * in its route table: the handlers find the resource in req->route_arg.
 */
#ifndef PHAROS_API_RESOURCE_H
#define PHAROS_API_RESOURCE_H
#include "api/api.h"

struct api_resource {
    const char *name; /* "group": the key of one object in replies, the word in 404s */
    int (*get)(struct app_ctx *c, int64_t id, json_t **out, struct err *e);
    int (*create)(struct app_ctx *c, json_t *in, json_t **out, struct err *e);
    int (*update)(struct app_ctx *c, int64_t id, json_t *in, json_t **out, struct err *e);
    int (*del)(struct app_ctx *c, int64_t id, struct err *e);
    /* A list with paging only (NULL when the resource's list takes filters of its own). */
    int (*list)(struct app_ctx *c, const struct paging *pg, json_t **out, struct err *e);
};

/* {NAME: OUT} (OUT stolen) when RC is 0, else NULL: the reply body of one object. */
json_t *api_wrap(int rc, const char *name, json_t *out);

/* POST …/things: 201 {"thing":…}. */
void api_resource_create(struct req *r, const struct api_resource *res);
/* GET …/things/{id}: 200 {"thing":…}. */
void api_resource_get(struct req *r, const struct api_resource *res);
/* PATCH …/things/{id}: 200 {"thing":…}. */
void api_resource_update(struct req *r, const struct api_resource *res);

/* The body of both: the id of capture 0 and the JSON body given to APPLY, answered
 * with STATUS and {NAME: OUT}. Also POST …/{id}/updates (api/events.c). */
typedef int (*api_apply_fn)(struct app_ctx *c, int64_t id, json_t *in, json_t **out, struct err *e);
void api_resource_apply(struct req *r, const char *name, api_apply_fn apply, int status);
/* DELETE …/things/{id}: 204. */
void api_resource_delete(struct req *r, const struct api_resource *res);

/* GET …/things: 200 with the list and next_cursor (RES->list). */
void api_resource_list(struct req *r, const struct api_resource *res);

/* Route handlers calling the above with the `struct api_resource` in r->route_arg. */
void api_resource_list_route(struct req *r);
void api_resource_create_route(struct req *r);
void api_resource_get_route(struct req *r);
void api_resource_update_route(struct req *r);
void api_resource_delete_route(struct req *r);

/* The POST, GET, PATCH and DELETE routes of resource RES at API_BASE PATH[/{id}]. */
#define API_RESOURCE_ROUTES(path, res)                                                             \
    {M_POST, API_BASE path, api_resource_create_route, &(res)},                                    \
        {M_GET, API_BASE path "/{id}", api_resource_get_route, &(res)},                            \
        {M_PATCH, API_BASE path "/{id}", api_resource_update_route, &(res)},                       \
    {                                                                                              \
        M_DELETE, API_BASE path "/{id}", api_resource_delete_route, &(res)                         \
    }

#endif
