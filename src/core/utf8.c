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
        if (c == 0) return -1;
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
        if (i + (size_t)extra >= len) return -1;
        for (int k = 1; k <= extra; k++) {
            if ((s[i + k] & 0xc0) != 0x80) return -1;
            cp = (cp << 6) | (s[i + k] & 0x3f);
        }
        static const unsigned min[] = {0, 0x80, 0x800, 0x10000};
        if (cp < min[extra] || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)) return -1;
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
        if (n + step > len || utf8_length(s + n, step) != 1) break;
        n += step;
    }
    memcpy(buf, s, n);
    buf[n] = '\0';
    return buf;
}

void utf8_sanitize(char *s)
{
    size_t len = strlen(s);
    size_t i = 0;
    while (i < len) {
        unsigned char c = (unsigned char)s[i];
        size_t n = c < 0x80             ? 1
                   : (c & 0xe0) == 0xc0 ? 2
                   : (c & 0xf0) == 0xe0 ? 3
                   : (c & 0xf8) == 0xf0 ? 4
                                        : 0;
        if (n && i + n <= len && utf8_length(s + i, n) == 1) {
            i += n;
            continue;
        }
        s[i++] = '?';
    }
}
