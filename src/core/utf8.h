/*
 * utf8 — validation and length of user text. Every text field that reaches the
 * database passes text_check() first (SPEC §11: valid UTF-8, length limits in
 * characters, no control characters but tab and newlines).
 */
#ifndef PHAROS_UTF8_H
#define PHAROS_UTF8_H
#include <stdbool.h>
#include <stddef.h>
#include "core/err.h"

/* Returns the number of code points in the LEN bytes at S, or -1 if they are not valid UTF-8
 * (overlongs, surrogates, code points past U+10FFFF and NUL bytes are invalid). */
long utf8_length(const char *s, size_t len);

/*
 * Copies into BUF (SIZE ≥ 1 bytes, always NUL-terminated) the longest prefix of S
 * that is valid UTF-8 and fits, so user text can be quoted in a message: the copy
 * ends at a character boundary and before the first invalid byte. Returns BUF.
 */
const char *utf8_clip(const char *s, char *buf, size_t size);

/* Replaces, in place, every byte of S that is not part of a valid UTF-8 sequence with '?',
 * so that text quoted from a request (a path, a field) can go into JSON and HTML safely. */
void utf8_sanitize(char *s);

/* Field limits of SPEC §11, in characters. */
enum { LIMIT_TITLE = 200, LIMIT_MESSAGE = 20000, LIMIT_NAME = 100, LIMIT_SHORT = 500 };

/*
 * Checks that S is valid UTF-8 of at most MAX characters (at least 1 when
 * REQUIRED), and holds no control characters (C0, DEL and the C1 range
 * U+0080..U+009F) other than tab, CR and LF when MULTILINE, none at all
 * otherwise. On failure fills E (naming FIELD) and returns -1.
 */
int text_check(const char *field, const char *s, size_t max, bool required, bool multiline,
               struct err *e);

#endif
