/*
 * markdown — incident and maintenance messages (SPEC §11: CommonMark, raw HTML
 * dropped) rendered to HTML for pages, feeds and HTML e-mails, and to plain
 * text for SMS, tweets and text e-mails. Built on cmark (the CommonMark
 * reference implementation); smart punctuation is off, so what the author
 * typed is what readers see.
 *
 * Safety: raw HTML (blocks and inline tags) is never passed through, and links
 * and images whose scheme is javascript:, vbscript:, file: or data: (except
 * data:image/png, gif, jpeg and webp images) get an empty URL. The scheme is
 * read the way browsers read it: case-insensitively, ignoring leading spaces
 * and control characters and tabs or newlines anywhere in it.
 */
#ifndef PHAROS_MARKDOWN_H
#define PHAROS_MARKDOWN_H
#include <stdbool.h>

/*
 * Renders the Markdown TEXT (NUL-terminated; NULL is taken as "") to an HTML
 * fragment, safe to insert unescaped ({{{…}}}) into a page. Invalid UTF-8 is
 * replaced by U+FFFD. Returns a malloc'd string the caller frees; never NULL.
 */
char *markdown_to_html(const char *text);

/*
 * Renders TEXT as readable plain text: no markup, entities decoded, paragraphs
 * separated by a blank line, list items as "- item" or "1. item", block quotes
 * with "> ", links as "text (url)" (just the URL when the text is the URL),
 * images as their alt text and URL, raw HTML dropped. No leading or trailing
 * blank lines. The result is not escaped for any markup language: escape it
 * where it is inserted. Returns a malloc'd string the caller frees; never NULL.
 */
char *markdown_to_text(const char *text);

/* True when a link (or, with IMAGE, an image) to URL must not be followed. */
bool markdown_url_is_dangerous(const char *url, bool image);

#endif
