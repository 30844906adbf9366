/*
 * Fuzz target for core/utf8 (libFuzzer; `make fuzz`).
 *
 * utf8_length() is checked against an independent reference: the table of
 * well-formed byte sequences of the Unicode Standard (§3.9, Table 3-7), with
 * NUL refused as pharos does. When valid, the count is the number of bytes that
 * are not continuation bytes. text_check() is run on the input up to its first
 * NUL: it may accept only what is valid UTF-8, within the limit, and free of
 * control characters (tab, CR and LF allowed when multiline), and its message
 * is always valid UTF-8. utf8_clip() must return a valid prefix that fits.
 */
#include "core/text.h"
#include "core/utf8.h"
#include <assert.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

/* Unicode Table 3-7; returns the number of code points or -1. */
static long reference_length(const uint8_t *s, size_t n)
{
    long count = 0;
    size_t i = 0;
    while (i < n) {
        uint8_t b = s[i];
        size_t len;
        uint8_t lo = 0x80, hi = 0xbf; /* range of the second byte */
        if (b == 0x00) return -1;
        if (b <= 0x7f)
            len = 1;
        else if (b >= 0xc2 && b <= 0xdf)
            len = 2;
        else if (b == 0xe0)
            len = 3, lo = 0xa0;
        else if ((b >= 0xe1 && b <= 0xec) || b == 0xee || b == 0xef)
            len = 3;
        else if (b == 0xed)
            len = 3, hi = 0x9f;
        else if (b == 0xf0)
            len = 4, lo = 0x90;
        else if (b >= 0xf1 && b <= 0xf3)
            len = 4;
        else if (b == 0xf4)
            len = 4, hi = 0x8f;
        else
            return -1;
        if (i + len > n) return -1;
        if (len > 1 && (s[i + 1] < lo || s[i + 1] > hi)) return -1;
        for (size_t k = 2; k < len; k++)
            if (s[i + k] < 0x80 || s[i + k] > 0xbf) return -1;
        i += len;
        count++;
    }
    return count;
}

static bool has_control(const uint8_t *s, size_t n, bool multiline)
{
    for (size_t i = 0; i < n; i++) {
        uint8_t c = s[i];
        if (c == 0x7f || (c == 0xc2 && i + 1 < n && s[i + 1] <= 0x9f)) return true;
        if (c < 0x20 && !(multiline && (c == '\t' || c == '\n' || c == '\r'))) return true;
    }
    return false;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    long n = utf8_length((const char *)data, size);
    long ref = reference_length(data, size);
    assert(n == ref);
    if (n >= 0) {
        long starts = 0;
        for (size_t i = 0; i < size; i++)
            starts += (data[i] & 0xc0) != 0x80;
        assert(n == starts);
    }

    /* text_check on the text up to the first NUL, in a buffer of exactly that size */
    size_t len = strnlen((const char *)data, size);
    char *s = malloc(len + 1);
    if (!s) return 0;
    memcpy(s, data, len);
    s[len] = '\0';
    size_t max = size ? data[0] % 32 : 0;
    bool multiline = size > 1 && (data[1] & 1);
    bool required = size > 1 && (data[1] & 2);
    struct err e = {0};
    int rc = text_check("field", s, max, required, multiline, &e);
    long chars = reference_length((const uint8_t *)s, len);
    if (rc == 0) {
        assert(chars >= 0 && (size_t)chars <= max);
        assert(!required || chars > 0);
        assert(!has_control((const uint8_t *)s, len, multiline));
    } else {
        assert(e.code == ERR_INVALID);
        assert(strncmp(e.msg, "field ", 6) == 0);
        assert(chars < 0 || (size_t)chars > max || (required && chars == 0) ||
               has_control((const uint8_t *)s, len, multiline));
        assert(reference_length((const uint8_t *)e.msg, strlen(e.msg)) >= 0);
    }

    /* utf8_clip: a valid prefix of S that fits */
    char clip[40];
    size_t room = 1 + (size > 2 ? data[2] % sizeof clip : 0);
    const char *c = utf8_clip(s, clip, room);
    size_t cl = strlen(c);
    assert(c == clip && cl < room && cl <= len);
    assert(memcmp(c, s, cl) == 0);
    assert(reference_length((const uint8_t *)c, cl) >= 0);

    free(s);
    return 0;
}
