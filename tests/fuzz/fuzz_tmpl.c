/*
 * Fuzz target for render/tmpl (libFuzzer; `make fuzz`).
 *
 * The input is compiled as a template. A failure must be ERR_INVALID with a
 * message "line N: …" for a line that exists, or ERR_TOO_LARGE, and the message
 * must be valid UTF-8. A template that compiles is rendered in the three modes
 * against a small model whose strings hold every special character, with
 * partials "self" (the input itself, so recursion is reached) and "p", into a
 * buffer limited to 64 KiB that already holds a prefix. Invariants: success
 * leaves the prefix and at most the limit; failure is ERR_TOO_LARGE or
 * ERR_INVALID and leaves exactly the prefix; a second render is identical;
 * and in HTML mode, when the template cannot emit raw values or markup (no
 * '<', no '&', no "{{{", no '='), the output holds no '<' although the model does.
 */
#include "core/utf8.h"
#include "render/tmpl.h"
#include <assert.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

enum { LIMIT = 64 << 10 };

static json_t *model;
static struct tmpl *fixed;

static int on_partial(void *ctx, const char *name, const struct tmpl **out, struct err *e)
{
    (void)e;
    *out = strcmp(name, "self") == 0 ? ctx : strcmp(name, "p") == 0 ? fixed : NULL;
    return 0;
}

static void init(void)
{
    model = json_loads("{\"s\":\"<script>&\\\"'`=\\u0001\\uFFFE\",\"n\":42,\"r\":1.5,\"t\":true,"
                       "\"f\":false,\"z\":null,\"e\":\"\",\"a\":[1,\"<a>\",{\"s\":\"<b>\",\"a\":[]}],"
                       "\"o\":{\"s\":\"<o>\",\"o\":{\"s\":\"deep<\"}}}",
                       0, NULL);
    struct err e = {0};
    fixed = tmpl_compile("[{{s}}{{#a}}({{.}}){{/a}}]\n", &e);
    assert(model && fixed);
}

static void check_render(const struct tmpl *t, enum tmpl_mode mode, bool inert)
{
    struct tmpl_loader ld = {on_partial, (void *)t};
    struct buf b, again;
    struct err e = {0};
    buf_init(&b, LIMIT);
    buf_init(&again, LIMIT);
    buf_puts(&b, "prefix");
    buf_puts(&again, "prefix");
    int rc = tmpl_render_buf(t, model, &ld, mode, &b, &e);
    if (rc == 0) {
        assert(b.len >= 6 && b.len <= LIMIT && memcmp(b.data, "prefix", 6) == 0);
        assert(strlen(buf_cstr(&b)) <= b.len);
        if (mode == TMPL_HTML && inert)
            assert(!memchr(b.data, '<', b.len));
    } else {
        assert(e.code == ERR_TOO_LARGE || e.code == ERR_INVALID);
        assert(b.len == 6 && strcmp(buf_cstr(&b), "prefix") == 0);
    }
    struct err e2 = {0};
    int rc2 = tmpl_render_buf(t, model, &ld, mode, &again, &e2);
    assert(rc2 == rc && again.len == b.len && memcmp(again.data, b.data, b.len) == 0);
    buf_free(&b);
    buf_free(&again);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (!model)
        init();
    char *text = malloc(size + 1);
    if (!text)
        return 0;
    memcpy(text, data, size);
    text[size] = '\0';
    size_t len = strlen(text);

    struct err e = {0};
    struct tmpl *t = tmpl_compile(text, &e);
    if (!t) {
        assert(utf8_length(e.msg, strlen(e.msg)) >= 0);
        if (e.code == ERR_INVALID) {
            long lines = 1;
            for (size_t i = 0; i < len; i++)
                lines += text[i] == '\n';
            char *end;
            assert(strncmp(e.msg, "line ", 5) == 0);
            long line = strtol(e.msg + 5, &end, 10);
            assert(*end == ':' && line >= 1 && line <= lines);
        } else {
            assert(e.code == ERR_TOO_LARGE);
        }
    } else {
        bool inert = !strpbrk(text, "<&=") && !strstr(text, "{{{");
        check_render(t, TMPL_HTML, inert);
        check_render(t, TMPL_TEXT, false);
        check_render(t, TMPL_XML, false);
        tmpl_free(t);
    }
    free(text);
    return 0;
}
