/*
 * Fuzz target for core/timeutil's RFC 3339 parser (libFuzzer; `make fuzz`).
 *
 * The input, as a NUL-terminated string in a buffer of exactly its size (so
 * ASan sees any read past the end), goes to time_parse(). Invariants: an
 * accepted time lies in TIME_MIN..TIME_MAX; time_format() writes it as 20
 * characters ending in "Z" which parse back to the same second; and a time
 * already in that canonical form formats back to the very same text.
 */
#include "core/timeutil.h"
#include <assert.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *s = malloc(size + 1);
    if (!s) return 0;
    memcpy(s, data, size);
    s[size] = '\0';

    int64_t t = 0;
    if (time_parse(s, &t) == 0) {
        assert(t >= TIME_MIN && t <= TIME_MAX);
        char buf[32];
        time_format(t, buf, sizeof buf);
        assert(strlen(buf) == 20 && buf[19] == 'Z' && buf[10] == 'T');
        int64_t back = -1;
        assert(time_parse(buf, &back) == 0);
        assert(back == t);
        /* canonical input (no fraction, offset, lower case or leap second) is reproduced */
        if (size == 20 && s[10] == 'T' && s[19] == 'Z' && strcmp(s + 17, "60Z") != 0)
            assert(strcmp(buf, s) == 0);
    }
    free(s);
    return 0;
}
