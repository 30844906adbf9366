/*
 * app/templates — incident and maintenance templates (SPEC §8, §9). Reads need
 * PERM_READ, writes PERM_CONTENT. TEMPLATE JSON: see store/templates.h.
 */
#ifndef PHAROS_APP_TEMPLATES_H
#define PHAROS_APP_TEMPLATES_H
#include "app/app.h"
#include "app/input.h"

/* {"templates":[TEMPLATE…],"next_cursor":…} by id; only of KIND ("incident",
 * "maintenance") unless it is NULL or empty (anything else is a 400). */
int app_templates_list(struct app_ctx *c, const char *kind, const struct paging *pg, json_t **out,
                       struct err *e);
/* One template, or 404. */
int app_template_get(struct app_ctx *c, int64_t id, json_t **out, struct err *e);
/* IN: kind (required), name (required, ≤ 100), title (required, ≤ 200), message (≤ 20000). */
int app_template_create(struct app_ctx *c, json_t *in, json_t **out, struct err *e);
/* IN: any of the create fields; absent fields keep their value. */
int app_template_update(struct app_ctx *c, int64_t id, json_t *in, json_t **out, struct err *e);
int app_template_delete(struct app_ctx *c, int64_t id, struct err *e);

#endif
