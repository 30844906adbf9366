/*
 * notify/check — the kind-independent part of a check: its clock, its end (latency,
 * outcome, DONE) and freeing. See check.h.
 */
#include "notify/check.h"
#include "core/timeutil.h"
#include <assert.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>

void check_begin(struct mon_check *c)
{
    assert(c->env && c->done && c->target);
    c->started_at = time_now();
    c->t0_us = time_mono_us();
}

void check_end(struct mon_check *c, const char *error, ...)
{
    if (!c->latency_ms) c->latency_ms = (time_mono_us() - c->t0_us + 999) / 1000; /* ≥ 1 */
    c->ok = error == NULL;
    if (error) {
        va_list ap;
        va_start(ap, error);
        vsnprintf(c->error, sizeof c->error, error, ap);
        va_end(ap);
    }
    c->done(c->arg, c);
}

void check_free(struct mon_check *c)
{
    if (!c) return;
    free(c->target);
    free(c->keyword);
    free(c->body);
    free(c);
}
