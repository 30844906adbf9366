/*
 * tmpl — renders a compiled template (tmpl_impl.h) with a jansson view model.
 *
 * The renderer walks the node array recursively: a section renders the node
 * range of its body once per item, a partial renders another template's whole
 * range. All render state (the context stack, the partial depth) lives in one
 * struct on the caller's stack, so the compiled template is only read and any
 * number of threads may render it at once. Nothing is allocated per node:
 * names are looked up with json_object_get() on strings prepared at compile
 * time, numbers are formatted in a local array, and output goes straight into
 * the caller's struct buf, whose sticky `full` flag is checked after each node.
 * Recursion is bounded by TMPL_MAX_OPEN sections and TMPL_MAX_PARTIAL_DEPTH
 * partials, and the work of one render by TMPL_MAX_STEPS.
 *
 * Indentation of standalone partials follows the spec's textual definition
 * (each line of the partial starts with the tag's indentation) without
 * re-compiling: each partial invocation has a struct indent chained to its
 * caller's, and "a line has just ended" is remembered as `pending` so the
 * indentation is written only before something follows on the next line.
 */
#include "core/utf8.h"
#include "render/tmpl_impl.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct indent {
    const struct indent *parent; /* the calling template's indentation */
    const char *s;               /* this partial tag's own indentation */
    size_t len;
    bool active;  /* this or a parent has some indentation */
    bool pending; /* a line ended: indent before the next output */
};

struct render {
    struct buf *out;
    const struct tmpl_loader *loader;
    enum tmpl_mode mode;
    struct err *e;
    unsigned sp;    /* entries in ctx */
    unsigned open;  /* sections being rendered (sp ≤ open + 1) */
    unsigned depth; /* partials being rendered */
    unsigned long steps;
    const json_t *ctx[TMPL_MAX_OPEN + 1];
};

static int render_range(struct render *r, const struct tmpl *t, uint32_t from, uint32_t to,
                        struct indent *in);

/* ---- escaping ---- */

#define ENT(s)                                                                                     \
    {                                                                                              \
        s, sizeof s - 1                                                                            \
    }
struct entity {
    const char *s;
    size_t len;
};

static const struct entity html_entity[128] = {
    ['&'] = ENT("&amp;"),  ['<'] = ENT("&lt;"),  ['>'] = ENT("&gt;"),  ['"'] = ENT("&quot;"),
    ['\''] = ENT("&#39;"), ['`'] = ENT("&#96;"), ['='] = ENT("&#61;"),
};

static const struct entity xml_entity[128] = {
    ['&'] = ENT("&amp;"),  ['<'] = ENT("&lt;"),    ['>'] = ENT("&gt;"),
    ['"'] = ENT("&quot;"), ['\''] = ENT("&apos;"),
};

static void put_html(struct buf *b, const char *s, size_t n)
{
    size_t run = 0;
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        if (c >= 128 || !html_entity[c].s) continue;
        buf_append(b, s + run, i - run);
        buf_append(b, html_entity[c].s, html_entity[c].len);
        run = i + 1;
    }
    buf_append(b, s + run, n - run);
}

/*
 * Length of the UTF-8 sequence at S (N ≥ 1 bytes, S[0] ≥ 0x80) if it is valid and a
 * character XML 1.0 allows; otherwise 0, with *SKIP set to the bytes to drop.
 */
static size_t xml_char(const unsigned char *s, size_t n, size_t *skip)
{
    unsigned c = s[0];
    size_t len;
    unsigned lo = 0x80, hi = 0xbf;
    *skip = 1;
    if (c >= 0xc2 && c <= 0xdf)
        len = 2;
    else if (c >= 0xe0 && c <= 0xef)
        len = 3, lo = c == 0xe0 ? 0xa0 : 0x80, hi = c == 0xed ? 0x9f : 0xbf;
    else if (c >= 0xf0 && c <= 0xf4)
        len = 4, lo = c == 0xf0 ? 0x90 : 0x80, hi = c == 0xf4 ? 0x8f : 0xbf;
    else
        return 0;
    if (len > n || s[1] < lo || s[1] > hi) return 0;
    for (size_t k = 2; k < len; k++)
        if ((s[k] & 0xc0) != 0x80) return 0;
    if (c == 0xef && s[1] == 0xbf && (s[2] == 0xbe || s[2] == 0xbf)) { /* U+FFFE, U+FFFF */
        *skip = 3;
        return 0;
    }
    return len;
}

static void put_xml(struct buf *b, const char *str, size_t n)
{
    const unsigned char *s = (const unsigned char *)str;
    size_t run = 0, i = 0, skip;
    while (i < n) {
        const struct entity *ent = NULL;
        if (s[i] < 0x80) {
            /* XML 1.0 forbids the C0 controls but tab, LF and CR: they are dropped */
            bool drop = s[i] < 0x20 && s[i] != '\t' && s[i] != '\n' && s[i] != '\r';
            if (!drop && !xml_entity[s[i]].s) {
                i++;
                continue;
            }
            ent = drop ? NULL : &xml_entity[s[i]];
            skip = 1;
        } else {
            size_t len = xml_char(s + i, n - i, &skip);
            if (len) {
                i += len;
                continue;
            }
        }
        buf_append(b, str + run, i - run);
        if (ent) buf_append(b, ent->s, ent->len);
        i += skip;
        run = i;
    }
    buf_append(b, str + run, n - run);
}

static void put_escaped(struct render *r, const char *s, size_t n, bool escape)
{
    if (!escape || r->mode == TMPL_TEXT)
        buf_append(r->out, s, n);
    else if (r->mode == TMPL_XML)
        put_xml(r->out, s, n);
    else
        put_html(r->out, s, n);
}

/* ---- values ---- */

/* Writes the decimal digits of V into the end of BUF (size ≥ 21); returns where they start. */
static char *format_u64(char *end, uint64_t v)
{
    do
        *--end = (char)('0' + v % 10);
    while (v /= 10);
    return end;
}

static size_t format_integer(char out[32], json_int_t v)
{
    char tmp[24], *end = tmp + sizeof tmp;
    char *p = format_u64(end, v < 0 ? 0 - (uint64_t)v : (uint64_t)v);
    if (v < 0) *--p = '-';
    memcpy(out, p, (size_t)(end - p));
    return (size_t)(end - p);
}

/*
 * The shortest decimal that reads back as D. Values that are a whole number of
 * millionths below 10^9 (uptime percentages, response times…) are done with
 * integer arithmetic; others with printf at 15, 16 then 17 significant digits.
 */
static size_t format_real(char out[40], double d)
{
    double scale = 1;
    for (int k = 0; k <= 6; k++, scale *= 10) {
        double m = d * scale;
        if (!(m > -9e15 && m < 9e15) || !(d > -1e9 && d < 1e9)) break;
        int64_t r = (int64_t)(m + (m >= 0 ? 0.5 : -0.5));
        if ((double)r / scale != d) continue;
        char tmp[32], *end = tmp + sizeof tmp;
        char *p = format_u64(end, r < 0 ? 0 - (uint64_t)r : (uint64_t)r);
        while (end - p <= k) /* at least one digit before the point */
            *--p = '0';
        size_t n = 0, digits = (size_t)(end - p);
        if (r < 0) out[n++] = '-';
        memcpy(out + n, p, digits - (size_t)k);
        n += digits - (size_t)k;
        if (k) {
            out[n++] = '.';
            memcpy(out + n, end - k, (size_t)k);
            n += (size_t)k;
        }
        return n;
    }
    int n = 0;
    for (int prec = 15; prec <= 17; prec++) {
        n = snprintf(out, 40, "%.*g", prec, d);
        if (strtod(out, NULL) == d) break;
    }
    return (size_t)n;
}

static void put_value(struct render *r, const json_t *v, bool escape)
{
    char num[40];
    size_t n;
    switch (v ? json_typeof(v) : JSON_NULL) {
    case JSON_STRING:
        put_escaped(r, json_string_value(v), json_string_length(v), escape);
        return;
    case JSON_INTEGER:
        n = format_integer(num, json_integer_value(v));
        break;
    case JSON_REAL:
        n = format_real(num, json_real_value(v));
        break;
    case JSON_TRUE:
        buf_append(r->out, "true", 4);
        return;
    case JSON_FALSE:
        buf_append(r->out, "false", 5);
        return;
    default: /* null, objects and arrays render as nothing */
        return;
    }
    buf_append(r->out, num, n);
}

/* The value NODE names in the current context stack, or NULL. */
static const json_t *lookup(const struct render *r, const struct tmpl *t,
                            const struct tmpl_node *node)
{
    if (node->nseg == 0) return r->sp ? r->ctx[r->sp - 1] : NULL;
    const char *part = t->names + node->name;
    const json_t *v = NULL;
    for (unsigned i = r->sp; i-- > 0 && !v;)
        if (json_is_object(r->ctx[i])) v = json_object_get(r->ctx[i], part);
    for (unsigned k = 1; v && k < node->nseg; k++) {
        part += strlen(part) + 1;
        v = json_is_object(v) ? json_object_get(v, part) : NULL;
    }
    return v;
}

static bool is_falsy(const json_t *v)
{
    switch (v ? json_typeof(v) : JSON_NULL) {
    case JSON_NULL:
    case JSON_FALSE:
        return true;
    case JSON_ARRAY:
        return json_array_size(v) == 0;
    case JSON_STRING:
        return json_string_length(v) == 0;
    default:
        return false;
    }
}

/* ---- indentation of standalone partials ---- */

static void put_indent(struct buf *b, const struct indent *in)
{
    if (!in) return;
    put_indent(b, in->parent);
    buf_append(b, in->s, in->len);
}

static void flush_indent(struct render *r, struct indent *in)
{
    if (in->pending) {
        in->pending = false;
        put_indent(r->out, in);
    }
}

static void put_text(struct render *r, struct indent *in, const char *s, size_t n, bool newline)
{
    if (!in->active || !newline) {
        flush_indent(r, in);
        buf_append(r->out, s, n);
        return;
    }
    while (n) {
        flush_indent(r, in);
        const char *nl = memchr(s, '\n', n);
        size_t k = nl ? (size_t)(nl - s) + 1 : n;
        buf_append(r->out, s, k);
        s += k, n -= k;
        in->pending = nl != NULL;
    }
}

/* ---- sections and partials ---- */

/* Counts one node or one more item of a section against TMPL_MAX_STEPS. */
static int step(struct render *r)
{
    if (++r->steps <= TMPL_MAX_STEPS) return 0;
    return err_set(r->e, ERR_INVALID, "template render took more than %d steps", TMPL_MAX_STEPS);
}

static int render_section(struct render *r, const struct tmpl *t, uint32_t i, struct indent *in)
{
    const struct tmpl_node *node = &t->nodes[i];
    const json_t *v = lookup(r, t, node);
    bool falsy = is_falsy(v);
    if (node->kind == NODE_INVERTED ? !falsy : falsy) return 0;
    if (r->open == TMPL_MAX_OPEN)
        return err_set(r->e, ERR_INVALID, "more than %d sections open at once", TMPL_MAX_OPEN);
    r->open++;
    int rc = 0;
    if (node->kind == NODE_INVERTED) {
        rc = render_range(r, t, i + 1, node->end, in);
    } else {
        size_t count = json_is_array(v) ? json_array_size(v) : 1;
        for (size_t k = 0; k < count && rc == 0; k++) {
            if (k && step(r) != 0) {
                rc = -1;
                break;
            }
            r->ctx[r->sp++] = json_is_array(v) ? json_array_get(v, k) : v;
            rc = render_range(r, t, i + 1, node->end, in);
            r->sp--;
        }
    }
    r->open--;
    return rc;
}

static int render_partial(struct render *r, const struct tmpl *t, const struct tmpl_node *node,
                          struct indent *in)
{
    const char *name = t->names + node->name;
    const struct tmpl *p = NULL;
    char q[48];
    if (!node->standalone) flush_indent(r, in);
    if (!r->loader || !r->loader->on_partial) return 0;
    if (r->depth == TMPL_MAX_PARTIAL_DEPTH)
        return err_set(r->e, ERR_INVALID, "partials nested deeper than %d at {{>%s}}",
                       TMPL_MAX_PARTIAL_DEPTH, utf8_clip(name, q, sizeof q));
    if (r->loader->on_partial(r->loader->ctx, name, &p, r->e) != 0) return -1;
    if (!p) return 0;
    struct indent sub = {0};
    if (node->standalone) {
        sub.parent = in;
        sub.s = t->src + node->off;
        sub.len = node->len;
        sub.active = sub.pending = in->active || node->len > 0;
    }
    r->depth++;
    int rc = render_range(r, p, 0, p->n, &sub);
    r->depth--;
    return rc;
}

static int render_range(struct render *r, const struct tmpl *t, uint32_t from, uint32_t to,
                        struct indent *in)
{
    for (uint32_t i = from; i < to; i++) {
        const struct tmpl_node *node = &t->nodes[i];
        if (step(r) != 0) return -1;
        switch ((enum tmpl_node_kind)node->kind) {
        case NODE_TEXT:
            put_text(r, in, t->src + node->off, node->len, node->newline);
            break;
        case NODE_VAR:
        case NODE_RAW:
            flush_indent(r, in);
            put_value(r, lookup(r, t, node), node->kind == NODE_VAR);
            break;
        case NODE_SECTION:
        case NODE_INVERTED:
            if (!node->standalone) flush_indent(r, in);
            if (render_section(r, t, i, in) != 0) return -1;
            i = node->end - 1;
            break;
        case NODE_PARTIAL:
            if (render_partial(r, t, node, in) != 0) return -1;
            break;
        }
        if (buf_full(r->out))
            return err_set(r->e, ERR_TOO_LARGE, "rendered output larger than %zu bytes",
                           r->out->max);
    }
    return 0;
}

int tmpl_render_buf(const struct tmpl *t, const json_t *model, const struct tmpl_loader *loader,
                    enum tmpl_mode mode, struct buf *out, struct err *e)
{
    struct render r = {.out = out, .loader = loader, .mode = mode, .e = e};
    struct indent top = {0};
    size_t start = out->len;
    bool was_full = out->full;
    out->full = false;
    if (model) r.ctx[r.sp++] = model;
    int rc = render_range(&r, t, 0, t->n, &top);
    if (rc != 0) buf_truncate(out, start);
    out->full = out->full || was_full;
    return rc;
}

char *tmpl_render(const struct tmpl *t, const json_t *model, const struct tmpl_loader *loader,
                  enum tmpl_mode mode, struct err *e)
{
    struct buf b;
    buf_init(&b, TMPL_MAX_OUTPUT);
    buf_reserve(&b, t->src_len + t->src_len / 2);
    if (tmpl_render_buf(t, model, loader, mode, &b, e) != 0) {
        buf_free(&b);
        return NULL;
    }
    return buf_steal(&b);
}
