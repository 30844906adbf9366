/*
 * utf8 — a strict UTF-8 decoder used only to validate and count. See utf8.h.
 */
#include "core/utf8.h"
#include <string.h>

long utf8_length(const char *str, size_t len)
{
    const unsigned char *s = (const unsigned char *)str;
    long count = 0;
    size_t i = 0;
    while (i < len) {
        unsigned c = s[i];
        unsigned cp;
        int extra;
        if (c == 0)
            return -1;
        if (c < 0x80) {
            i++;
            count++;
            continue;
        } else if ((c & 0xe0) == 0xc0) {
            cp = c & 0x1f, extra = 1;
        } else if ((c & 0xf0) == 0xe0) {
            cp = c & 0x0f, extra = 2;
        } else if ((c & 0xf8) == 0xf0) {
            cp = c & 0x07, extra = 3;
        } else {
            return -1;
        }
        if (i + (size_t)extra >= len)
            return -1;
        for (int k = 1; k <= extra; k++) {
            if ((s[i + k] & 0xc0) != 0x80)
                return -1;
            cp = (cp << 6) | (s[i + k] & 0x3f);
        }
        static const unsigned min[] = {0, 0x80, 0x800, 0x10000};
        if (cp < min[extra] || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
            return -1;
        i += extra + 1;
        count++;
    }
    return count;
}

const char *utf8_clip(const char *s, char *buf, size_t size)
{
    size_t n = 0, len = strnlen(s, size - 1);
    while (n < len) {
        unsigned char c = (unsigned char)s[n];
        size_t step = c < 0x80 ? 1 : (c & 0xe0) == 0xc0 ? 2 : (c & 0xf0) == 0xe0 ? 3 : 4;
        if (n + step > len || utf8_length(s + n, step) != 1)
            break;
        n += step;
    }
    memcpy(buf, s, n);
    buf[n] = '\0';
    return buf;
}

int text_check(const char *field, const char *s, size_t max, bool required, bool multiline,
               struct err *e)
{
    size_t len = strlen(s);
    long n = utf8_length(s, len);
    if (n < 0)
        return err_set(e, ERR_INVALID, "%s is not valid UTF-8 text", field);
    if (required && n == 0)
        return err_set(e, ERR_INVALID, "%s is required and may not be empty", field);
    if ((size_t)n > max)
        return err_set(e, ERR_INVALID, "%s is %ld characters long; at most %zu are accepted",
                       field, n, max);
    for (size_t i = 0; i < len; i++) {
        unsigned char c = (unsigned char)s[i];
        /* C1 controls U+0080..U+009F are 0xC2 0x80..0x9F (the text is valid UTF-8 here) */
        bool c1 = c == 0xc2 && (unsigned char)s[i + 1] <= 0x9f;
        if ((c < 0x20 && !(multiline && (c == '\n' || c == '\r' || c == '\t'))) || c == 0x7f ||
            c1)
            return err_set(e, ERR_INVALID, "%s contains a control character%s", field,
                           multiline ? "" : " (line breaks are not accepted here)");
    }
    return 0;
}

void utf8_sanitize(char *s)
{
    size_t len = strlen(s);
    size_t i = 0;
    while (i < len) {
        unsigned char c = (unsigned char)s[i];
        size_t n = c < 0x80 ? 1 : (c & 0xe0) == 0xc0 ? 2 : (c & 0xf0) == 0xe0 ? 3
                 : (c & 0xf8) == 0xf0 ? 4 : 0;
        if (n && i + n <= len && utf8_length(s + i, n) == 1) {
            i += n;
            continue;
        }
        s[i++] = '?';
    }
}
