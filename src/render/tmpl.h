/*
 * tmpl — a Mustache template engine rendering a jansson view model.
 *
 * Every page, console screen, e-mail and feed is a template under templates/
 * rendered from one JSON view model (ARCHITECTURE.md, "The public snapshot").
 *
 * Supported (the Mustache spec's comments, delimiters, interpolation, inverted,
 * partials and sections modules; no lambdas):
 *   {{name}}             the value, escaped for the render mode (HTML by default)
 *   {{{name}}} {{&name}} the value unescaped: only for trusted, pre-rendered HTML
 *                        such as markdown_to_html() output
 *   {{a.b.c}}  {{.}}     dotted names; the current item
 *   {{#name}}…{{/name}}  section: skipped when the value is false, null, missing,
 *                        an empty array or an empty string; repeated for each
 *                        element of an array (pushed on the context stack);
 *                        rendered once otherwise, with the value pushed (an
 *                        object's keys become visible, a scalar is {{.}})
 *   {{^name}}…{{/name}}  inverted section: rendered only when the section would be skipped
 *   {{> name}}           partial, found through a struct tmpl_loader, rendered in
 *                        the current context; a partial alone on its line has
 *                        that line's indentation added to each of its lines
 *   {{! comment }}  {{=<% %>=}}  comments; changing the delimiters
 * A name is looked up in the innermost context that has its first part, then
 * outwards (Mustache semantics); the rest of a dotted name is resolved inside
 * that value only. Missing names render as nothing. Numbers render as integers
 * or with the fewest decimals that read back exactly; booleans as true/false.
 * A line holding only a section, inverted, close, partial, comment or delimiter
 * tag plus spaces or tabs is removed with its line ending ("standalone" lines).
 *
 * A compiled template is immutable: one may be rendered from many threads at
 * once. Rendering allocates nothing but output buffer growth.
 */
#ifndef PHAROS_TMPL_H
#define PHAROS_TMPL_H
#include "core/buf.h"
#include "core/err.h"
#include <jansson.h>

struct tmpl;

/* How {{name}} escapes values (triple mustaches and {{&name}} never escape). */
enum tmpl_mode {
    TMPL_HTML =
        0,     /* & < > " ' ` = become entities: safe in text and quoted or unquoted attributes */
    TMPL_TEXT, /* nothing escaped: text e-mails, SMS */
    TMPL_XML,  /* & < > " ' become entities and characters XML 1.0 forbids (C0
                * controls but tab, LF, CR; U+FFFE, U+FFFF; invalid UTF-8) are dropped */
};

enum {
    TMPL_MAX_SOURCE = 1 << 20,   /* bytes of template text tmpl_compile() accepts */
    TMPL_MAX_NESTING = 64,       /* sections open at once in one template */
    TMPL_MAX_PARTIAL_DEPTH = 32, /* partials inside partials (catches recursion) */
    TMPL_MAX_OPEN = 256,         /* sections open at once in a render, partials included */
    TMPL_MAX_STEPS = 1 << 24,    /* nodes visited in one render: bounds the time a
                                  * recursive partial can take without output */
    TMPL_MAX_OUTPUT = 64 << 20,  /* bytes tmpl_render() produces at most */
};

/*
 * Called for {{> NAME}}: sets *OUT to the compiled partial, or to NULL when there is
 * no such partial (it then renders as nothing), and returns 0; or fills E and
 * returns -1 to fail the render. *OUT must stay valid until the render returns.
 * Called from every thread that renders, so it must be thread-safe.
 */
typedef int (*tmpl_on_partial)(void *ctx, const char *name, const struct tmpl **out, struct err *e);

struct tmpl_loader {
    tmpl_on_partial on_partial;
    void *ctx;
};

/*
 * Compiles the NUL-terminated TEXT (copied; the caller keeps it). Returns the
 * template, to be freed with tmpl_free(), or NULL with E filled: ERR_INVALID with
 * a message "line N: …" for a syntax error (unclosed tag or section, a close tag
 * that does not match, an empty or malformed name, bad delimiters, sections
 * nested deeper than TMPL_MAX_NESTING), ERR_TOO_LARGE past TMPL_MAX_SOURCE bytes.
 */
struct tmpl *tmpl_compile(const char *text, struct err *e);

/* Frees T; NULL is a no-op. No render of T may be running. */
void tmpl_free(struct tmpl *t);

/*
 * Renders T with MODEL (any JSON value, the bottom of the context stack; NULL
 * renders as if it were an empty object) and appends the result to OUT, whose
 * limit bounds the output. LOADER resolves partials (NULL: partials render as
 * nothing). Returns 0, or -1 with E filled and OUT back to its former length:
 * ERR_TOO_LARGE when the output would pass OUT's limit; ERR_INVALID when
 * partials nest deeper than TMPL_MAX_PARTIAL_DEPTH, more than TMPL_MAX_OPEN
 * sections are open at once or the render takes more than TMPL_MAX_STEPS
 * steps; whatever the loader reported.
 */
int tmpl_render_buf(const struct tmpl *t, const json_t *model, const struct tmpl_loader *loader,
                    enum tmpl_mode mode, struct buf *out, struct err *e);

/* tmpl_render_buf() into a fresh string of at most TMPL_MAX_OUTPUT bytes. Returns
 * it (the caller frees it), or NULL with E filled. */
char *tmpl_render(const struct tmpl *t, const json_t *model, const struct tmpl_loader *loader,
                  enum tmpl_mode mode, struct err *e);

#endif
