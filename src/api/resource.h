/*
 * api/resource — the handler bodies of resources shaped like SPEC §9's
 * "GET lists, POST creates, GET/PATCH/DELETE one": authenticate, parse, call
 * the one app/ function, reply {"<name>": OBJECT} (201 on create, 204 on delete).
 * A resource file fills a `struct api_resource` and wraps these in its routes.
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
};

/* {NAME: OUT} (OUT stolen) when RC is 0, else NULL: the reply body of one object. */
json_t *api_wrap(int rc, const char *name, json_t *out);

/* POST …/things: 201 {"thing":…}. */
void api_resource_create(struct req *r, const struct api_resource *res);
/* GET …/things/{id}: 200 {"thing":…}. */
void api_resource_get(struct req *r, const struct api_resource *res);
/* PATCH …/things/{id}: 200 {"thing":…}. */
void api_resource_update(struct req *r, const struct api_resource *res);
/* DELETE …/things/{id}: 204. */
void api_resource_delete(struct req *r, const struct api_resource *res);

#endif
