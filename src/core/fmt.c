/*
 * fmt — numbers as text without printf. See fmt.h.
 */
#include "core/fmt.h"

/* The digits of V in BASE, at least MIN of them, most significant first. */
static char *put_digits(char *p, uint64_t v, unsigned base, int min)
{
    static const char digits[] = "0123456789abcdef";
    char tmp[24];
    int n = 0;
    do
        tmp[n++] = digits[v % base];
    while ((v /= base) != 0 || (n < min && n < (int)sizeof tmp));
    while (n)
        *p++ = tmp[--n];
    return p;
}

char *fmt_dec(char *p, uint64_t v, int min_digits)
{
    return put_digits(p, v, 10, min_digits);
}

char *fmt_hex(char *p, uint64_t v)
{
    return put_digits(p, v, 16, 1);
}
