/*
 * text — field checks. See text.h.
 */
#include "core/text.h"
#include "core/utf8.h"
#include <string.h>

int text_check(const char *field, const char *s, size_t max, bool required, bool multiline,
               struct err *e)
{
    size_t len = strlen(s);
    long n = utf8_length(s, len);
    if (n < 0) return err_set(e, ERR_INVALID, "%s is not valid UTF-8 text", field);
    if (required && n == 0)
        return err_set(e, ERR_INVALID, "%s is required and may not be empty", field);
    if ((size_t)n > max)
        return err_set(e, ERR_INVALID, "%s is %ld characters long; at most %zu are accepted", field,
                       n, max);
    for (size_t i = 0; i < len; i++) {
        unsigned char c = (unsigned char)s[i];
        /* C1 controls U+0080..U+009F are 0xC2 0x80..0x9F (the text is valid UTF-8 here) */
        bool c1 = c == 0xc2 && (unsigned char)s[i + 1] <= 0x9f;
        if ((c < 0x20 && !(multiline && (c == '\n' || c == '\r' || c == '\t'))) || c == 0x7f || c1)
            return err_set(e, ERR_INVALID, "%s contains a control character%s", field,
                           multiline ? "" : " (line breaks are not accepted here)");
    }
    return 0;
}

void text_cut(char *s, size_t max)
{
    size_t chars = 0;
    for (char *p = s; *p; p++) {
        if (((unsigned char)*p & 0xC0) == 0x80) continue; /* a continuation byte */
        if (chars++ == max) {
            *p = '\0';
            return;
        }
    }
}
