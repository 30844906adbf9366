/*
 * tmpl_parse — compiles Mustache text into the node array of tmpl_impl.h.
 *
 * One pass over the source: find the next open delimiter, classify the tag,
 * emit the text before it and a node for it. Standalone lines (a section,
 * inverted, close, partial, comment or delimiter tag alone on its line with
 * only spaces and tabs around it) are decided here, by trimming the text nodes
 * on either side, so the renderer never looks at line structure except to
 * indent standalone partials. Open sections are kept on a fixed stack, which
 * bounds nesting at TMPL_MAX_NESTING and lets a close tag be checked at once.
 * Every error names the line it was found on, counted only when reporting.
 */
#include "core/utf8.h"
#include "core/xalloc.h"
#include "render/tmpl_impl.h"
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

enum { MAX_DELIM = 16 };

struct open_section {
    uint32_t node;     /* index of its node */
    size_t name, nlen; /* its name, as written, in src */
    size_t pos;        /* where its tag starts */
};

struct parser {
    struct tmpl *t;
    size_t cap;       /* nodes allocated */
    struct buf names; /* the names pool being built */
    char open[MAX_DELIM + 1], close[MAX_DELIM + 2];
    size_t olen, clen; /* close[] has room for a leading '}' */
    struct open_section stack[TMPL_MAX_NESTING];
    int depth;
    struct err *e;
};

static long line_of(const char *src, size_t pos)
{
    long line = 1;
    for (size_t i = 0; i < pos; i++)
        line += src[i] == '\n';
    return line;
}

/* Copies N bytes at S into OUT as a printable quote: valid UTF-8, clipped. */
static const char *quote(char out[48], const char *s, size_t n)
{
    char tmp[48];
    if (n >= sizeof tmp) n = sizeof tmp - 1;
    memcpy(tmp, s, n);
    tmp[n] = '\0';
    return utf8_clip(tmp, out, 48);
}

static int fail(struct parser *p, size_t pos, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static int fail(struct parser *p, size_t pos, const char *fmt, ...)
{
    char msg[200];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    return err_set(p->e, ERR_INVALID, "line %ld: %s", line_of(p->t->src, pos), msg);
}

static struct tmpl_node *add_node(struct parser *p, enum tmpl_node_kind kind)
{
    if (p->t->n == p->cap) {
        p->cap = p->cap ? p->cap * 2 : 32;
        p->t->nodes = xrealloc(p->t->nodes, p->cap * sizeof *p->t->nodes);
    }
    struct tmpl_node *n = &p->t->nodes[p->t->n++];
    memset(n, 0, sizeof *n);
    n->kind = (uint8_t)kind;
    return n;
}

static void add_text(struct parser *p, size_t from, size_t to)
{
    if (to <= from) return;
    struct tmpl_node *n = add_node(p, NODE_TEXT);
    n->off = (uint32_t)from;
    n->len = (uint32_t)(to - from);
    n->newline = memchr(p->t->src + from, '\n', to - from) != NULL;
}

static bool is_space(char c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f';
}

/* Trims the span *S, *N of white space on both ends. */
static void trim(const char **s, size_t *n)
{
    while (*n && is_space(**s))
        (*s)++, (*n)--;
    while (*n && is_space((*s)[*n - 1]))
        (*n)--;
}

/*
 * Stores the tag content S/N (trimmed) as NODE's name: split on dots unless WHOLE
 * (partial names are file names). Refuses empty names, white space inside a name
 * and empty parts ("a..b", ".a").
 */
static int set_name(struct parser *p, struct tmpl_node *node, const char *s, size_t n, bool whole,
                    size_t pos)
{
    char q[48];
    trim(&s, &n);
    if (n == 0) return fail(p, pos, "empty tag name");
    for (size_t i = 0; i < n; i++)
        if (is_space(s[i]) || s[i] == '\0')
            return fail(p, pos, "white space in the name '%s'", quote(q, s, n));
    node->name = (uint32_t)p->names.len;
    if (whole || (n == 1 && s[0] == '.')) {
        node->nseg = whole ? 1 : 0;
        if (whole && (buf_append(&p->names, s, n) != 0 || buf_putc(&p->names, '\0') != 0))
            return err_set(p->e, ERR_TOO_LARGE, "template names too long");
        return 0;
    }
    unsigned nseg = 0;
    size_t start = 0;
    for (size_t i = 0; i <= n; i++) {
        if (i < n && s[i] != '.') continue;
        if (i == start) return fail(p, pos, "empty part in the name '%s'", quote(q, s, n));
        if (buf_append(&p->names, s + start, i - start) != 0 || buf_putc(&p->names, '\0') != 0)
            return err_set(p->e, ERR_TOO_LARGE, "template names too long");
        nseg++;
        start = i + 1;
    }
    if (nseg > UINT16_MAX) return fail(p, pos, "too many parts in the name '%s'", quote(q, s, n));
    node->nseg = (uint16_t)nseg;
    return 0;
}

/* {{=OPEN CLOSE=}}: two delimiters of 1..MAX_DELIM bytes, no white space or '='. */
static int set_delimiters(struct parser *p, const char *s, size_t n, size_t pos)
{
    trim(&s, &n);
    size_t a = 0;
    while (a < n && !is_space(s[a]))
        a++;
    const char *c = s + a;
    size_t cn = n - a;
    trim(&c, &cn);
    bool ok = a > 0 && a <= MAX_DELIM && cn > 0 && cn <= MAX_DELIM;
    for (size_t i = 0; ok && i < cn; i++)
        ok = !is_space(c[i]);
    ok = ok && !memchr(s, '=', a) && !memchr(c, '=', cn);
    if (!ok) return fail(p, pos, "bad delimiters: use {{=OPEN CLOSE=}}");
    memcpy(p->open, s, a);
    p->open[a] = '\0';
    p->olen = a;
    memcpy(p->close + 1, c, cn);
    p->close[cn + 1] = '\0';
    p->clen = cn;
    return 0;
}

static int open_section(struct parser *p, enum tmpl_node_kind kind, const char *s, size_t n,
                        size_t pos, bool standalone)
{
    if (p->depth == TMPL_MAX_NESTING)
        return fail(p, pos, "sections nested deeper than %d", TMPL_MAX_NESTING);
    struct tmpl_node *node = add_node(p, kind);
    node->standalone = standalone;
    if (set_name(p, node, s, n, false, pos) != 0) return -1;
    trim(&s, &n);
    struct open_section *o = &p->stack[p->depth++];
    o->node = p->t->n - 1;
    o->name = (size_t)(s - p->t->src);
    o->nlen = n;
    o->pos = pos;
    return 0;
}

static int close_section(struct parser *p, const char *s, size_t n, size_t pos)
{
    char q[48], q2[48];
    trim(&s, &n);
    if (p->depth == 0) return fail(p, pos, "{{/%s}} closes no section", quote(q, s, n));
    struct open_section *o = &p->stack[p->depth - 1];
    if (o->nlen != n || memcmp(p->t->src + o->name, s, n) != 0) {
        return fail(p, pos, "{{/%s}} does not close {{#%s}} of line %ld", quote(q, s, n),
                    quote(q2, p->t->src + o->name, o->nlen), line_of(p->t->src, o->pos));
    }
    p->t->nodes[o->node].end = p->t->n;
    p->depth--;
    return 0;
}

/*
 * Parses the tag whose open delimiter starts at POS. Sets *TAG_END past its close
 * delimiter, *TYPE to its sigil (0 for a variable) and *BODY, *BLEN to its content.
 */
static int scan_tag(struct parser *p, size_t pos, size_t *tag_end, char *type, const char **body,
                    size_t *blen)
{
    const char *src = p->t->src;
    size_t c = pos + p->olen;
    char t = src[c];
    const char *close = p->close + 1;
    size_t clen = p->clen;
    if (t && strchr("#^/>!=&{", t))
        c++;
    else
        t = 0;
    if (t == '{' || t == '=') { /* ends with "}" or "=" before the close delimiter */
        p->close[0] = t == '{' ? '}' : '=';
        close = p->close;
        clen++;
    }
    const char *end = strstr(src + c, close);
    char q[48];
    if (!end)
        return fail(p, pos, "tag '%s%s' is not closed", quote(q, p->open, p->olen),
                    t == '{' ? "{" : "");
    *tag_end = (size_t)(end - src) + clen;
    *type = t;
    *body = src + c;
    *blen = (size_t)(end - (src + c));
    return 0;
}

static int parse(struct parser *p)
{
    const char *src = p->t->src;
    size_t len = p->t->src_len, text = 0;
    bool text_bol = true; /* TEXT starts a line */
    for (;;) {
        const char *hit = strstr(src + text, p->open);
        if (!hit) break;
        size_t pos = (size_t)(hit - src), tag_end = 0, blen = 0;
        const char *body = NULL;
        char type = 0;
        if (scan_tag(p, pos, &tag_end, &type, &body, &blen) != 0) return -1;

        /* standalone: alone on its line but for spaces and tabs */
        bool standalone = false;
        size_t ws = pos, after = tag_end;
        if (type && strchr("#^/>!=", type)) {
            while (ws > text && (src[ws - 1] == ' ' || src[ws - 1] == '\t'))
                ws--;
            bool bol = ws == text ? text_bol : src[ws - 1] == '\n';
            while (after < len && (src[after] == ' ' || src[after] == '\t'))
                after++;
            bool eol = after == len || src[after] == '\n' ||
                       (src[after] == '\r' && src[after + 1] == '\n');
            standalone = bol && eol;
        }
        if (standalone) {
            add_text(p, text, ws);
            text = after == len ? len : after + (src[after] == '\r' ? 2 : 1);
            text_bol = true;
        } else {
            add_text(p, text, pos);
            text = tag_end;
            text_bol = false;
        }

        struct tmpl_node *node;
        int rc = 0;
        switch (type) {
        case '!':
            break;
        case '=':
            rc = set_delimiters(p, body, blen, pos);
            break;
        case '#':
        case '^':
            rc = open_section(p, type == '#' ? NODE_SECTION : NODE_INVERTED, body, blen, pos,
                              standalone);
            break;
        case '/':
            rc = close_section(p, body, blen, pos);
            break;
        case '>':
            node = add_node(p, NODE_PARTIAL);
            node->standalone = standalone;
            node->off = (uint32_t)ws;
            node->len = standalone ? (uint32_t)(pos - ws) : 0;
            rc = set_name(p, node, body, blen, true, pos);
            break;
        default:
            node = add_node(p, type ? NODE_RAW : NODE_VAR);
            rc = set_name(p, node, body, blen, false, pos);
            break;
        }
        if (rc != 0) return -1;
    }
    add_text(p, text, len);
    if (p->depth > 0) {
        struct open_section *o = &p->stack[p->depth - 1];
        char q[48];
        return fail(p, o->pos, "section {{#%s}} is not closed", quote(q, src + o->name, o->nlen));
    }
    return 0;
}

struct tmpl *tmpl_compile(const char *text, struct err *e)
{
    struct tmpl *out = NULL;
    size_t len = strnlen(text, (size_t)TMPL_MAX_SOURCE + 1);
    if (len > TMPL_MAX_SOURCE) {
        err_set(e, ERR_TOO_LARGE, "template longer than %d bytes", TMPL_MAX_SOURCE);
        return NULL;
    }
    struct parser p = {.olen = 2, .clen = 2, .e = e};
    memcpy(p.open, "{{", 3);
    memcpy(p.close, "}}}", 4); /* close + 1 is "}}" */
    buf_init(&p.names, TMPL_MAX_SOURCE);
    p.t = xcalloc(1, sizeof *p.t);
    p.t->src = xstrndup(text, len);
    p.t->src_len = len;
    if (parse(&p) != 0) goto out;
    p.t->names = buf_steal(&p.names);
    out = p.t;
    p.t = NULL;
out:
    buf_free(&p.names);
    tmpl_free(p.t);
    return out;
}

void tmpl_free(struct tmpl *t)
{
    if (!t) return;
    free(t->src);
    free(t->nodes);
    free(t->names);
    free(t);
}
