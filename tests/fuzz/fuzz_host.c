/*
 * Fuzz target for core/host (libFuzzer; `make fuzz`).
 *
 * The input, up to its first NUL, is given to host_normalize() and to
 * host_from_header(). Invariants: a normalised host is 1 to 253 characters of
 * a-z, 0-9, '-' and '.', with no empty label, no label over 63 characters and
 * none starting or ending with '-'; normalising it again, or reading it as a
 * Host header, gives it back unchanged (stored and requested hosts meet). A
 * refusal is ERR_INVALID quoting the host, with "" in the output. A Host
 * header's result fits its buffer, has no upper-case ASCII and no ':' outside
 * an IPv6 literal's brackets.
 */
#include "core/host.h"
#include <assert.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

static void check_normal(const char *h)
{
    size_t n = strlen(h);
    assert(n >= 1 && n <= 253);
    size_t label = 0;
    for (size_t i = 0; i <= n; i++) {
        char c = h[i];
        if (c == '.' || c == '\0') {
            assert(label >= 1 && label <= 63);
            assert(h[i - 1] != '-' && h[i - label] != '-');
            label = 0;
            continue;
        }
        assert((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-');
        label++;
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *in = malloc(size + 1);
    memcpy(in, data, size);
    in[size] = '\0';
    char out[HOST_MAX], again[HOST_MAX], header[HOST_MAX];
    struct err e = {0};
    if (host_normalize(in, out, sizeof out, &e) == 0) {
        check_normal(out);
        struct err e2 = {0};
        assert(host_normalize(out, again, sizeof again, &e2) == 0);
        assert(strcmp(out, again) == 0);
        host_from_header(out, header, sizeof header);
        assert(strcmp(out, header) == 0);
    } else {
        assert(e.code == ERR_INVALID);
        assert(out[0] == '\0');
        assert(strncmp(e.msg, "host \"", 6) == 0);
    }
    host_from_header(in, header, sizeof header);
    size_t hn = strlen(header);
    assert(hn < HOST_MAX);
    for (size_t i = 0; i < hn; i++)
        assert(!(header[i] >= 'A' && header[i] <= 'Z'));
    if (header[0] != '[') assert(!strchr(header, ':'));
    free(in);
    return 0;
}
