/*
 * web/subscribe — what the subscription pages share: the helpers of web/subscribe_page.c
 * (used by web/subscribe.c, web/subscribe_hooks.c, web/subscribe_sms.c) and the URL
 * subscriptions' part of the pages (web/subscribe_hooks.c). Their routes are in web.h.
 */
#ifndef PHAROS_WEB_SUBSCRIBE_H
#define PHAROS_WEB_SUBSCRIBE_H
#include "app/app.h"
#include "web/web.h"
#include <jansson.h>

/* A public app context on R's page (chosen by Host). Returns 0, or -1 with E. */
int web_subscribe_ctx(struct req *r, struct app_ctx *c, struct err *e);
/* Answers R with STATUS and template NAME in the public layout; EXTRA (stolen) joins the
 * model with a fresh csrf_token. */
void web_subscribe_render(struct req *r, int status, const char *name, json_t *extra);
/* The urlencoded form of R into *FORM, with its csrf_token (when present) checked.
 * Returns 0, or -1 after answering R. */
int web_subscribe_form(struct req *r, json_t **form);
/* POST /subscribe with a URL channel (channel=, url=): answers R (web/subscribe_hooks.c). */
void web_subscribe_hook(struct req *r, json_t *form);
/* For a URL subscription, what its preferences page adds to PREFS (the page's model, of
 * management TOKEN): "is_hook","channel_label","can_reactivate", a "state_text" of its own. */
void web_subscription_hook_model(struct app_ctx *c, const char *token, json_t *prefs);

#endif
