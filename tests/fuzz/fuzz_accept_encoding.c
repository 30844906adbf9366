/*
 * Fuzz target for http/req's Accept-Encoding reading (libFuzzer; `make fuzz`).
 *
 * The input, up to its first NUL, is an Accept-Encoding value. Invariants: the
 * answer is the same when asked twice; a later element about gzip decides, so
 * appending ", gzip" makes it true and ", gzip;q=0" false, whatever came before;
 * and nothing is read outside the string (AddressSanitizer).
 */
#include "http/req.h"
#include <assert.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *in = malloc(size + 16);
    memcpy(in, data, size);
    in[size] = '\0';
    bool a = req_gzip_accepted(in);
    assert(req_gzip_accepted(in) == a);
    size_t n = strlen(in);
    memcpy(in + n, ", gzip", 7);
    assert(req_gzip_accepted(in));
    memcpy(in + n, ", gzip;q=0", 11);
    assert(!req_gzip_accepted(in));
    free(in);
    return 0;
}
