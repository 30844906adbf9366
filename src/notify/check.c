/*
 * notify/check — the kind-independent part of a check: starting the right kind, the
 * end (latency, outcome, DONE), cancelling and freeing. See check.h.
 */
#include "notify/check.h"
#include "core/timeutil.h"
#include <assert.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>

int check_start(struct check *c)
{
    assert(c->env && c->done && c->target);
    c->started_at = time_now();
    c->t0_us = time_mono_us();
    return c->kind == MON_HTTP ? check_http_start(c) : check_net_start(c);
}

void check_end(struct check *c, const char *error, ...)
{
    if (!c->latency_ms) c->latency_ms = (time_mono_us() - c->t0_us + 500) / 1000;
    c->ok = error == NULL;
    if (error) {
        va_list ap;
        va_start(ap, error);
        vsnprintf(c->error, sizeof c->error, error, ap);
        va_end(ap);
    }
    c->done(c->arg, c);
}

void check_cancel(struct check *c)
{
    if (c->kind == MON_HTTP)
        check_http_cancel(c);
    else
        check_net_cancel(c);
}

void check_free(struct check *c)
{
    if (!c) return;
    free(c->target);
    free(c->keyword);
    free(c->body);
    free(c);
}
