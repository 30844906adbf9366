/*
 * utf8 — UTF-8 validation, length in characters, and safe quoting of user text.
 * Pure functions on bytes (the field checks built on them are core/text.h).
 */
#ifndef PHAROS_UTF8_H
#define PHAROS_UTF8_H
#include <stdbool.h>
#include <stddef.h>

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

#endif
