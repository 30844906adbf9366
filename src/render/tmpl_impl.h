/*
 * tmpl_impl — the compiled form of a template, shared by the parser
 * (tmpl_parse.c) and the renderer (tmpl.c). Not for use outside src/render/tmpl*.
 *
 * A template compiles to a flat array of nodes. Text nodes are spans of a private
 * copy of the source, already trimmed of standalone tag lines, so rendering text
 * is one memcpy. A section node's body is the nodes after it up to `end`
 * (exclusive), so sections nest without pointers. Names live in one pool of
 * NUL-terminated strings: a dotted name "a.b.c" is stored as "a\0b\0c\0" with
 * nseg = 3, ready for json_object_get() without copying; "." has nseg = 0.
 */
#ifndef PHAROS_TMPL_IMPL_H
#define PHAROS_TMPL_IMPL_H
#include "render/tmpl.h"
#include <stdint.h>

enum tmpl_node_kind {
    NODE_TEXT,     /* off/len: text to copy; newline */
    NODE_VAR,      /* {{name}}: name/nseg */
    NODE_RAW,      /* {{{name}}}, {{&name}}: name/nseg */
    NODE_SECTION,  /* {{#name}}: name/nseg; body up to end */
    NODE_INVERTED, /* {{^name}}: name/nseg; body up to end */
    NODE_PARTIAL,  /* {{>name}}: name (one string); off/len: indentation when standalone */
};

struct tmpl_node {
    uint8_t kind;
    uint8_t standalone; /* the tag had its line to itself (sections, partials) */
    uint8_t newline;    /* text: holds a '\n' (only then can indentation apply inside it) */
    uint16_t nseg;      /* parts of a dotted name; 0 for "." */
    uint32_t name;      /* offset of the first part in the names pool */
    uint32_t off, len;  /* span of src */
    uint32_t end;       /* sections: index of the first node after the body */
};

struct tmpl {
    char *src; /* copy of the source text */
    size_t src_len;
    struct tmpl_node *nodes;
    uint32_t n;
    char *names; /* pool of NUL-terminated name parts */
};

#endif
