/*
 * render/chart — a response-time chart's geometry. See chart.h.
 */
#include "render/chart.h"
#include "core/buf.h"
#include <assert.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>

/* The plot's box inside the viewBox: room for the labels left and under it. */
enum { PLOT_X0 = 56, PLOT_X1 = CHART_W - 8, PLOT_Y0 = 10, PLOT_Y1 = CHART_H - 30 };

long chart_scale(long ms)
{
    long p = 10;
    for (;;) {
        if (ms <= p) return p;
        if (ms <= 2 * p) return 2 * p;
        if (ms <= 5 * p) return 5 * p;
        p *= 10;
    }
}

char *chart_ms_label(long ms, char *buf, size_t size)
{
    if (ms < 1000)
        snprintf(buf, size, "%ld ms", ms);
    else if (ms % 1000 == 0 || ms >= 10000)
        snprintf(buf, size, "%ld s", (ms + 500) / 1000);
    else
        snprintf(buf, size, "%.1f s", (double)ms / 1000.0);
    return buf;
}

static double x_of(size_t i, size_t n)
{
    return n == 1 ? (PLOT_X0 + PLOT_X1) / 2.0
                  : PLOT_X0 + (double)(PLOT_X1 - PLOT_X0) * (double)i / (double)(n - 1);
}

/* A coordinate rounded for the model (the points lists keep a decimal). */
static json_int_t px(double v)
{
    return (json_int_t)lround(v);
}

static double y_of(long ms, long scale)
{
    if (ms > scale) ms = scale;
    return PLOT_Y1 - (double)(PLOT_Y1 - PLOT_Y0) * (double)ms / (double)scale;
}

/* Appends to LINES one {"points"} per run of buckets with data of the figure at OFFSET
 * (p50 or p95) of C's points; a run of one point goes to DOTS instead (when not NULL). */
static void lines(const struct chart *c, int p95, long scale, json_t *out, json_t *dots)
{
    struct buf b;
    buf_init(&b, 1 << 20);
    size_t run = 0, last = 0;
    for (size_t i = 0; i <= c->n; i++) {
        long ms = i < c->n ? (p95 ? c->v[i].p95 : c->v[i].p50) : -1;
        if (ms >= 0) {
            buf_printf(&b, "%s%.1f,%.1f", run ? " " : "", x_of(i, c->n), y_of(ms, scale));
            run++;
            last = i;
            continue;
        }
        if (run > 1)
            json_array_append_new(out, json_pack("{s:s%}", "points", b.data, b.len));
        else if (run == 1 && dots)
            json_array_append_new(dots, json_pack("{s:I,s:I}", "cx", px(x_of(last, c->n)), "cy",
                                                  px(y_of(c->v[last].p50, scale))));
        run = 0;
        buf_reset(&b);
    }
    buf_free(&b);
}

json_t *chart_model(const struct chart *c)
{
    assert(c && c->n >= 1 && c->id && c->title && c->desc);
    long top = 0;
    for (size_t i = 0; i < c->n; i++) {
        if (c->v[i].p95 > top) top = c->v[i].p95;
        if (c->v[i].p50 > top) top = c->v[i].p50;
    }
    long scale = chart_scale(top);
    char label[32];
    json_t *grid = json_array();
    for (int k = 0; k <= 2; k++) {
        long ms = scale * k / 2;
        json_array_append_new(grid, json_pack("{s:I,s:s}", "y", px(y_of(ms, scale)), "label",
                                              chart_ms_label(ms, label, sizeof label)));
    }
    static const char *const anchor[] = {"start", "middle", "end"};
    static const double at[] = {PLOT_X0, (PLOT_X0 + PLOT_X1) / 2.0, PLOT_X1};
    json_t *ticks = json_array();
    for (int k = 0; k < 3; k++)
        json_array_append_new(ticks, json_pack("{s:I,s:s,s:s}", "x", px(at[k]), "label",
                                               c->tick[k] ? c->tick[k] : "", "anchor", anchor[k]));
    json_t *p50 = json_array(), *p95 = json_array(), *dots = json_array();
    lines(c, 1, scale, p95, NULL);
    lines(c, 0, scale, p50, dots);
    return json_pack("{s:s,s:s,s:s,s:i,s:i,s:o,s:o,s:o,s:o,s:o,s:i,s:i,s:i,s:i}", "id", c->id,
                     "title", c->title, "desc", c->desc, "w", CHART_W, "h", CHART_H, "grid", grid,
                     "ticks", ticks, "p50", p50, "p95", p95, "dots", dots, "x0", PLOT_X0, "x1",
                     PLOT_X1, "y0", PLOT_Y1, "ty", CHART_H - 8);
}
