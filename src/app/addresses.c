/*
 * app/addresses — e-mail addresses and phone numbers. See addresses.h.
 */
#include "app/addresses.h"
#include "core/utf8.h"
#include <ctype.h>
#include <string.h>

int app_email_normalise(const char *in, char *out, size_t size, struct err *e)
{
    size_t n = strlen(in);
    const char *at = strchr(in, '@');
    if (n < 3 || n >= size || n > 254 || !at || at == in || !at[1] || strchr(at + 1, '@') ||
        !strchr(at + 1, '.') || at[strlen(at) - 1] == '.') {
        char quoted[84];
        return err_set(e, ERR_INVALID, "\"%s\" is not an e-mail address (name@example.com)",
                       utf8_clip(in, quoted, sizeof quoted));
    }
    for (size_t i = 0; i < n; i++) {
        unsigned char ch = (unsigned char)in[i];
        if (ch <= ' ' || ch == 0x7f || strchr("<>()[]\\,;:\"", ch))
            return err_set(e, ERR_INVALID,
                           "an e-mail address may not contain spaces, quotes or <>()[],;:");
        out[i] = (char)tolower(ch);
    }
    out[n] = '\0';
    return utf8_length(out, n) < 0
               ? err_set(e, ERR_INVALID, "the e-mail address is not valid UTF-8")
               : 0;
}

int app_phone_normalise(const char *in, char *out, size_t size, struct err *e)
{
    size_t n = 0;
    for (const char *p = in; *p; p++) {
        if (strchr(" -.()", *p)) continue;
        if ((n == 0 ? *p != '+' : !isdigit((unsigned char)*p)) || n > 15 || n + 1 >= size) goto bad;
        out[n++] = *p;
    }
    out[n] = '\0';
    if (n < 9 || out[1] == '0') goto bad;
    return 0;
bad:;
    char quoted[40];
    return err_set(e, ERR_INVALID,
                   "\"%s\" is not a phone number in E.164 form: + and 8 to 15 digits, "
                   "such as +14155550100",
                   utf8_clip(in, quoted, sizeof quoted));
}
