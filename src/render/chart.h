/*
 * render/chart — the geometry of a response-time chart (SPEC §14: the public page's
 * server-rendered SVG of a service's latency, the last 24 hours and 90 days), as a model
 * for templates/public/_chart.svg: pure arithmetic, no I/O.
 *
 * The chart draws two lines over equal time buckets, oldest left: the median (p50) and
 * the 95th percentile (p95) in milliseconds. A bucket without data breaks both lines (a
 * lone point between gaps is a dot). The vertical scale runs from 0 to a round figure (1,
 * 2 or 5 times a power of ten) at or above the highest p95, with a grid line and label at
 * 0, half and full; three labels under the axis name the window's start, middle and end.
 * Coordinates are in a CHART_W × CHART_H viewBox; the SVG scales with its box.
 *
 * Model: {"id","title","desc","w","h","grid":[{"y","label"}],"ticks":[{"x","label",
 * "anchor"}],"p50":[{"points"}],"p95":[{"points"}],"dots":[{"cx","cy"}],"x0","x1","y0"}
 * where "points" is an SVG points list ("48,120.0 54.1,118.2 …"). Strings are plain
 * text: the template escapes them.
 */
#ifndef PHAROS_RENDER_CHART_H
#define PHAROS_RENDER_CHART_H
#include <jansson.h>
#include <stddef.h>

enum { CHART_W = 640, CHART_H = 160 };

/* A bucket's figures in milliseconds; -1: no check succeeded in it. */
struct chart_point {
    long p50, p95;
};

struct chart {
    const char *id;      /* unique on the page; the SVG's title is ID-t */
    const char *title;   /* "Response time, last 24 hours" */
    const char *desc;    /* the text summary of the figures */
    const char *tick[3]; /* under the axis: start, middle, end of the window */
    const struct chart_point *v;
    size_t n; /* ≥ 1 */
};

/* The model of C (a new reference). */
json_t *chart_model(const struct chart *c);

/* The smallest 1, 2 or 5 times a power of ten at or above MS (at least 10). */
long chart_scale(long ms);

/* MS as a label: "250 ms", "1.5 s", "12 s". */
char *chart_ms_label(long ms, char *buf, size_t size);

#endif
