/* Unit tests for notify/smtp_conn's DATA content: dot-stuffing and the end-of-data line. */
#include "notify/smtp_conn.h"
#include "testutil.h"
#include <event2/buffer.h>

static char *content(const char *data)
{
    struct evbuffer *b = evbuffer_new();
    smtp_put_content(b, data, strlen(data));
    size_t n = evbuffer_get_length(b);
    char *s = malloc(n + 1);
    evbuffer_remove(b, s, n);
    s[n] = '\0';
    evbuffer_free(b);
    return s;
}

static void expect(const char *data, const char *want)
{
    char *got = content(data);
    assert_string_equal(got, want);
    free(got);
}

static void lines_starting_with_a_dot_are_stuffed(void **state)
{
    (void)state;
    expect("Subject: x\r\n\r\nbody\r\n", "Subject: x\r\n\r\nbody\r\n.\r\n");
    expect(".first\r\n", "..first\r\n.\r\n");
    expect("a\r\n.\r\nb\r\n", "a\r\n..\r\nb\r\n.\r\n"); /* a lone dot is not the end */
    expect("a\r\n..x\r\n", "a\r\n...x\r\n.\r\n");
    expect("a.b\r\n", "a.b\r\n.\r\n"); /* only at the start of a line */
}

static void a_missing_final_crlf_is_added(void **state)
{
    (void)state;
    expect("no end", "no end\r\n.\r\n");
    expect("half\r", "half\r\n.\r\n");
    expect("", "\r\n.\r\n");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(lines_starting_with_a_dot_are_stuffed),
        cmocka_unit_test(a_missing_final_crlf_is_added),
    };
    return cmocka_run_group_tests_name("notify/smtp_conn", tests, NULL, NULL);
}
