/*
 * host — normal forms of host names. See host.h.
 *
 * libidn2 sees a name only when it holds non-ASCII bytes, or an "xn--" label
 * to check: its lookup also refuses ASCII labels with "--" in third and fourth
 * place (IDNA2008 reserves them), which plain DNS names such as
 * r3---sn-x.example may have. Its STD3 flag is not used (the Debian 12 version
 * drops disallowed characters instead of refusing them); check_labels() does
 * that check on the result.
 */
#include "core/host.h"
#include "core/utf8.h"
#include <assert.h>
#include <idn2.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

enum { INPUT_MAX = 1024 }; /* bytes of a name before mapping: a long Unicode name fits */

static bool is_ascii(const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if ((unsigned char)s[i] >= 0x80) return false;
    return true;
}

static void lower_copy(char *out, const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++)
        out[i] = s[i] >= 'A' && s[i] <= 'Z' ? (char)(s[i] - 'A' + 'a') : s[i];
    out[n] = '\0';
}

/* An "xn--" label that libidn2 decodes and accepts, as it is. */
static bool alabel_ok(const char *label, size_t n)
{
    char buf[64];
    uint8_t *back = NULL;
    memcpy(buf, label, n);
    buf[n] = '\0';
    bool ok = idn2_lookup_u8((const uint8_t *)buf, &back, IDN2_NONTRANSITIONAL) == IDN2_OK &&
              strcmp((const char *)back, buf) == 0;
    idn2_free(back);
    return ok;
}

/* The labels of the lower-case ASCII name H; NULL when good, else what is wrong. */
static const char *check_labels(const char *h)
{
    size_t total = strlen(h);
    if (total == 0) return "it is empty";
    if (total > 253) return "it is longer than 253 characters";
    for (const char *p = h;; p++) {
        size_t n = strcspn(p, ".");
        if (n == 0) return "a label is empty (two dots in a row, or a dot at the start)";
        if (n > 63) return "a label is longer than 63 characters";
        if (p[0] == '-' || p[n - 1] == '-') return "a label starts or ends with '-'";
        for (size_t i = 0; i < n; i++)
            if (!((p[i] >= 'a' && p[i] <= 'z') || (p[i] >= '0' && p[i] <= '9') || p[i] == '-'))
                return "only letters, digits, '-' and '.' are allowed";
        if (n >= 4 && memcmp(p, "xn--", 4) == 0 && !alabel_ok(p, n))
            return "an xn-- label is not a valid international name";
        p += n;
        if (!*p) return NULL;
    }
}

int host_normalize(const char *in, char *out, size_t size, struct err *e)
{
    assert(size >= HOST_MAX);
    char buf[HOST_MAX];
    const char *why = NULL;
    size_t n = strlen(in);
    out[0] = '\0';
    if (n > INPUT_MAX || utf8_length(in, n) < 0) {
        why = "it is too long or not UTF-8";
    } else if (strpbrk(in, ":/@?#[]\\")) {
        return err_set(e, ERR_INVALID,
                       "host \"%.80s\" must be a DNS name without port or scheme "
                       "(e.g. status.example.com)",
                       in);
    } else if (is_ascii(in, n)) {
        if (n >= sizeof buf)
            why = "it is longer than 253 characters";
        else
            lower_copy(buf, in, n);
    } else {
        uint8_t *a = NULL;
        int rc = idn2_lookup_u8((const uint8_t *)in, &a, IDN2_NONTRANSITIONAL | IDN2_NFC_INPUT);
        if (rc != IDN2_OK)
            why = idn2_strerror(rc);
        else if (strlen((const char *)a) >= sizeof buf)
            why = "it is longer than 253 characters";
        else
            lower_copy(buf, (const char *)a, strlen((const char *)a));
        idn2_free(a);
    }
    if (!why) {
        size_t len = strlen(buf);
        if (len > 1 && buf[len - 1] == '.') buf[len - 1] = '\0'; /* the root: "b.test." is b.test */
        why = check_labels(buf);
    }
    if (why)
        return err_set(e, ERR_INVALID,
                       "host \"%.80s\" is not a valid DNS name: %s (e.g. status.example.com)", in,
                       why);
    strcpy(out, buf);
    return 0;
}

void host_from_header(const char *v, char *out, size_t size)
{
    assert(size >= HOST_MAX);
    out[0] = '\0';
    if (!v) return;
    if (v[0] == '[') { /* [v6]:port */
        const char *close = strchr(v, ']');
        size_t n = close ? (size_t)(close - v) + 1 : 0;
        if (n > 0 && n < size && is_ascii(v, n)) lower_copy(out, v, n);
        return;
    }
    size_t n = strcspn(v, ":");
    if (n == 0 || n > INPUT_MAX) return;
    if (is_ascii(v, n)) {
        if (n >= size) return;
        lower_copy(out, v, n);
        if (n > 1 && out[n - 1] == '.') out[n - 1] = '\0';
        return;
    }
    char name[INPUT_MAX + 1];
    memcpy(name, v, n);
    name[n] = '\0';
    host_normalize(name, out, size, NULL);
}
