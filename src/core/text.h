/*
 * text — the check every text field passes before it reaches the database
 * (SPEC §11: valid UTF-8, length limits in characters, no control characters but
 * tab and newlines), with the message that names the field.
 */
#ifndef PHAROS_CORE_TEXT_H
#define PHAROS_CORE_TEXT_H
#include "core/err.h"
#include <stdbool.h>
#include <stddef.h>

/* Field limits of SPEC §11, in characters. */
enum { LIMIT_TITLE = 200, LIMIT_MESSAGE = 20000, LIMIT_NAME = 100, LIMIT_SHORT = 500 };
enum { LIMIT_POSTMORTEM = 100000 }; /* a postmortem's Markdown, in characters */

/*
 * Checks that S is valid UTF-8 of at most MAX characters (at least 1 when
 * REQUIRED), and holds no control characters (C0, DEL and the C1 range
 * U+0080..U+009F) other than tab, CR and LF when MULTILINE, none at all
 * otherwise. On failure fills E (naming FIELD) and returns -1.
 */
int text_check(const char *field, const char *s, size_t max, bool required, bool multiline,
               struct err *e);

/* Cuts the valid UTF-8 string S in place to at most MAX characters (a title built from a
 * name that may be as long as the limit itself). */
void text_cut(char *s, size_t max);

#endif
