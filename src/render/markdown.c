/*
 * markdown — CommonMark to HTML and to plain text with cmark. See markdown.h.
 *
 * Both renderings parse with cmark and then walk the tree once to empty the
 * URL of every dangerous link or image (cmark 0.30 does the same in its HTML
 * renderer unless CMARK_OPT_UNSAFE is given; doing it on the tree as well
 * covers the text rendering, obfuscated schemes, and older cmark versions,
 * where CMARK_OPT_SAFE was needed to drop raw HTML).
 *
 * The text renderer uses cmark's iterator rather than recursion, so deeply
 * nested input cannot exhaust the stack. Container blocks (block quotes and
 * list items) are handled with two prefix buffers: `first` is what the next
 * line starts with (it holds list markers not yet printed), `cont` what the
 * lines after it start with; entering a container appends to both, leaving it
 * truncates both back to the length saved on a stack of marks.
 */
#include "render/markdown.h"
#include "core/buf.h"
#include "core/xalloc.h"
#include <cmark.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

enum { OPTIONS = CMARK_OPT_SAFE | CMARK_OPT_VALIDATE_UTF8 };

bool markdown_url_is_dangerous(const char *url, bool image)
{
    const unsigned char *p = (const unsigned char *)url;
    char scheme[16];
    size_t n = 0;
    while (*p && *p <= 0x20)
        p++;
    for (; *p != ':'; p++) {
        if (!*p) return false; /* no scheme: a relative URL */
        if (*p == '\t' || *p == '\n' || *p == '\r') continue;
        bool ok = (*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
                  (*p >= '0' && *p <= '9') || *p == '+' || *p == '-' || *p == '.';
        if (!ok || n == sizeof scheme - 1) return false; /* not a scheme, or none we refuse */
        scheme[n++] = (char)(*p | 0x20);
    }
    scheme[n] = '\0';
    if (!strcmp(scheme, "javascript") || !strcmp(scheme, "vbscript") || !strcmp(scheme, "file"))
        return true;
    if (strcmp(scheme, "data") != 0) return false;
    static const char *const safe[] = {"image/png", "image/gif", "image/jpeg", "image/webp"};
    for (size_t i = 0; image && i < sizeof safe / sizeof *safe; i++) {
        size_t l = strlen(safe[i]);
        if (strncasecmp((const char *)p + 1, safe[i], l) == 0 &&
            (p[1 + l] == ';' || p[1 + l] == ','))
            return false;
    }
    return true;
}

/* Parses TEXT and empties dangerous URLs. */
static cmark_node *parse(const char *text)
{
    if (!text) text = "";
    cmark_node *doc = cmark_parse_document(text, strlen(text), OPTIONS);
    cmark_iter *it = cmark_iter_new(doc);
    cmark_event_type ev;
    while ((ev = cmark_iter_next(it)) != CMARK_EVENT_DONE) {
        cmark_node *n = cmark_iter_get_node(it);
        cmark_node_type type = cmark_node_get_type(n);
        if (ev != CMARK_EVENT_ENTER || (type != CMARK_NODE_LINK && type != CMARK_NODE_IMAGE))
            continue;
        const char *url = cmark_node_get_url(n);
        if (url && markdown_url_is_dangerous(url, type == CMARK_NODE_IMAGE))
            cmark_node_set_url(n, "");
    }
    cmark_iter_free(it);
    return doc;
}

char *markdown_to_html(const char *text)
{
    cmark_node *doc = parse(text);
    char *html = cmark_render_html(doc, OPTIONS); /* cmark's default allocator is malloc */
    cmark_node_free(doc);
    return html;
}

/* ---- plain text ---- */

struct mark {
    size_t prefix; /* prefix length before the container */
    size_t out;    /* output length when a link started */
    long number;   /* lists: the next item's number */
};

struct text {
    struct buf out, first, cont;
    struct mark *marks;
    size_t nmarks, cap;
    bool bol; /* at the start of a line */
};

static struct mark *push(struct text *x)
{
    if (x->nmarks == x->cap) {
        x->cap = x->cap ? x->cap * 2 : 16;
        x->marks = xrealloc(x->marks, x->cap * sizeof *x->marks);
    }
    struct mark *m = &x->marks[x->nmarks++];
    m->prefix = x->cont.len;
    m->out = x->out.len;
    m->number = 1;
    return m;
}

static void pop(struct text *x)
{
    struct mark *m = &x->marks[--x->nmarks];
    buf_truncate(&x->first, m->prefix);
    buf_truncate(&x->cont, m->prefix);
}

/* At the start of a line, writes its prefix; the lines after it get `cont`. */
static void begin_line(struct text *x)
{
    if (!x->bol) return;
    buf_append(&x->out, x->first.data, x->first.len);
    buf_truncate(&x->first, 0);
    buf_append(&x->first, x->cont.data, x->cont.len);
    x->bol = false;
}

/* Appends S/N to the output, starting each line with the prefix. */
static void put(struct text *x, const char *s, size_t n)
{
    while (n) {
        const char *nl = memchr(s, '\n', n);
        size_t k = nl ? (size_t)(nl - s) : n;
        if (k) begin_line(x);
        buf_append(&x->out, s, k);
        if (nl) {
            buf_putc(&x->out, '\n');
            x->bol = true;
            k++;
        }
        s += k, n -= k;
    }
}

static void end_line(struct text *x)
{
    if (!x->bol) put(x, "\n", 1);
}

static bool in_tight_list(cmark_node *n)
{
    cmark_node *p = cmark_node_parent(n);
    if (p && cmark_node_get_type(p) == CMARK_NODE_ITEM) p = cmark_node_parent(p);
    return p && cmark_node_get_type(p) == CMARK_NODE_LIST && cmark_node_get_list_tight(p);
}

/* A blank line before a block that follows another, but within tight lists. */
static void separate(struct text *x, cmark_node *n)
{
    if (!cmark_node_previous(n) || x->out.len == 0) return;
    end_line(x);
    if (in_tight_list(n)) return;
    size_t l = x->cont.len;
    while (l && x->cont.data[l - 1] == ' ')
        l--;
    buf_append(&x->out, x->cont.data, l);
    buf_putc(&x->out, '\n');
}

static void put_str(struct text *x, const char *s)
{
    if (s) put(x, s, strlen(s));
}

static void enter(struct text *x, cmark_node *n, cmark_node_type type)
{
    char marker[32];
    switch (type) {
    case CMARK_NODE_PARAGRAPH:
    case CMARK_NODE_HEADING:
    case CMARK_NODE_THEMATIC_BREAK:
    case CMARK_NODE_CODE_BLOCK:
    case CMARK_NODE_BLOCK_QUOTE:
    case CMARK_NODE_LIST:
    case CMARK_NODE_ITEM:
        separate(x, n);
        break;
    default:
        break;
    }
    switch (type) {
    case CMARK_NODE_BLOCK_QUOTE:
        push(x);
        buf_puts(&x->first, "> ");
        buf_puts(&x->cont, "> ");
        break;
    case CMARK_NODE_LIST:
        push(x)->number = cmark_node_get_list_start(n);
        break;
    case CMARK_NODE_ITEM: {
        cmark_node *list = cmark_node_parent(n);
        if (cmark_node_get_list_type(list) == CMARK_ORDERED_LIST) {
            bool paren = cmark_node_get_list_delim(list) == CMARK_PAREN_DELIM;
            snprintf(marker, sizeof marker, "%ld%c ", x->marks[x->nmarks - 1].number++,
                     paren ? ')' : '.');
        } else {
            strcpy(marker, "- ");
        }
        push(x);
        buf_puts(&x->first, marker); /* after the markers of outer items not yet printed */
        for (size_t i = 0; marker[i]; i++)
            buf_putc(&x->cont, ' ');
        break;
    }
    case CMARK_NODE_CODE_BLOCK:
        put_str(x, cmark_node_get_literal(n));
        end_line(x);
        break;
    case CMARK_NODE_THEMATIC_BREAK:
        put(x, "----\n", 5);
        break;
    case CMARK_NODE_TEXT:
    case CMARK_NODE_CODE:
        put_str(x, cmark_node_get_literal(n));
        break;
    case CMARK_NODE_SOFTBREAK:
    case CMARK_NODE_LINEBREAK:
        put(x, "\n", 1);
        break;
    case CMARK_NODE_LINK:
    case CMARK_NODE_IMAGE:
        begin_line(x); /* so the mark holds just the link text */
        push(x);
        break;
    default: /* raw HTML is dropped; emphasis is just its text */
        break;
    }
}

/* After a link's text: " (url)" unless the text already is the URL. */
static void link_url(struct text *x, cmark_node *n)
{
    const char *url = cmark_node_get_url(n);
    const char *t = x->out.data ? x->out.data + x->marks[x->nmarks - 1].out : "";
    size_t tl = x->out.len - x->marks[x->nmarks - 1].out;
    if (!url || !*url) return;
    if ((strlen(url) == tl && memcmp(url, t, tl) == 0) ||
        (strncmp(url, "mailto:", 7) == 0 && strlen(url + 7) == tl && memcmp(url + 7, t, tl) == 0))
        return;
    put(x, tl ? " (" : "(", tl ? 2 : 1);
    put_str(x, url);
    put(x, ")", 1);
}

static void leave(struct text *x, cmark_node *n, cmark_node_type type)
{
    switch (type) {
    case CMARK_NODE_PARAGRAPH:
    case CMARK_NODE_HEADING:
        end_line(x);
        break;
    case CMARK_NODE_LINK:
    case CMARK_NODE_IMAGE:
        link_url(x, n);
        x->nmarks--;
        break;
    case CMARK_NODE_BLOCK_QUOTE:
    case CMARK_NODE_LIST:
    case CMARK_NODE_ITEM:
        end_line(x);
        pop(x);
        break;
    default:
        break;
    }
}

char *markdown_to_text(const char *text)
{
    cmark_node *doc = parse(text);
    struct text x = {.bol = true};
    buf_init(&x.out, SIZE_MAX);
    buf_init(&x.first, SIZE_MAX);
    buf_init(&x.cont, SIZE_MAX);
    cmark_iter *it = cmark_iter_new(doc);
    cmark_event_type ev;
    while ((ev = cmark_iter_next(it)) != CMARK_EVENT_DONE) {
        cmark_node *n = cmark_iter_get_node(it);
        cmark_node_type type = cmark_node_get_type(n);
        if (ev == CMARK_EVENT_ENTER)
            enter(&x, n, type);
        else
            leave(&x, n, type);
    }
    cmark_iter_free(it);
    cmark_node_free(doc);

    /* no blank lines or spaces at either end */
    size_t start = 0, end = x.out.len;
    while (start < end && (x.out.data[start] == '\n' || x.out.data[start] == ' '))
        start++;
    while (end > start && (x.out.data[end - 1] == '\n' || x.out.data[end - 1] == ' '))
        end--;
    char *s = xstrndup(x.out.data ? x.out.data + start : "", end - start);
    buf_free(&x.out);
    buf_free(&x.first);
    buf_free(&x.cont);
    free(x.marks);
    return s;
}
