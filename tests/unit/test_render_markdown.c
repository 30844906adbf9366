/*
 * Unit tests for render/markdown: CommonMark to HTML (raw HTML dropped,
 * dangerous links emptied, no smart punctuation) and to plain text.
 */
#include "render/markdown.h"
#include "testutil.h"

#define HTML(md, expected)                                                                         \
    do {                                                                                           \
        char *s_ = markdown_to_html(md);                                                           \
        assert_string_equal(s_, expected);                                                         \
        free(s_);                                                                                  \
    } while (0)
#define TEXT(md, expected)                                                                         \
    do {                                                                                           \
        char *s_ = markdown_to_text(md);                                                           \
        assert_string_equal(s_, expected);                                                         \
        free(s_);                                                                                  \
    } while (0)

static void renders_commonmark(void **state)
{
    (void)state;
    HTML("# Title\n\nSome *em*, **strong** and `code`.\n\n- a\n- b\n\n1. one\n2. two\n",
         "<h1>Title</h1>\n<p>Some <em>em</em>, <strong>strong</strong> and <code>code</code>.</p>\n"
         "<ul>\n<li>a</li>\n<li>b</li>\n</ul>\n<ol>\n<li>one</li>\n<li>two</li>\n</ol>\n");
    HTML("> quoted\n\n```\nx < y\n```\n", "<blockquote>\n<p>quoted</p>\n</blockquote>\n"
                                          "<pre><code>x &lt; y\n</code></pre>\n");
    HTML("[docs](https://example.com/a?b=1&c=2) <https://example.com>",
         "<p><a href=\"https://example.com/a?b=1&amp;c=2\">docs</a> "
         "<a href=\"https://example.com\">https://example.com</a></p>\n");
    HTML("line one\nline two", "<p>line one\nline two</p>\n");
    /* smart punctuation is off */
    HTML("\"quotes\" -- dashes... 'single'", "<p>&quot;quotes&quot; -- dashes... 'single'</p>\n");
    HTML("", "");
    HTML(NULL, "");
    /* invalid UTF-8 becomes U+FFFD */
    HTML("a\xff"
         "b",
         "<p>a\xef\xbf\xbd"
         "b</p>\n");
}

static void raw_html_is_dropped(void **state)
{
    (void)state;
    const char *inputs[] = {
        "<script>alert(1)</script>",
        "before\n\n<script>\nalert(1)\n</script>\n\nafter",
        "text <img src=x onerror=alert(1)> more",
        "<div onclick=\"alert(1)\">hi</div>",
        "<iframe src=\"https://evil.example\"></iframe>",
        "a <a href=\"javascript:alert(1)\">b</a> c",
        "<style>body{display:none}</style>",
    };
    for (size_t i = 0; i < sizeof inputs / sizeof *inputs; i++) {
        char *s = markdown_to_html(inputs[i]);
        assert_null(strstr(s, "<script"));
        assert_null(strstr(s, "<img"));
        assert_null(strstr(s, "<div"));
        assert_null(strstr(s, "<iframe"));
        assert_null(strstr(s, "<style"));
        assert_null(strstr(s, "javascript:"));
        assert_null(strstr(s, "onerror="));
        free(s);
    }
    HTML("x <b>y</b> z", "<p>x <!-- raw HTML omitted -->y<!-- raw HTML omitted --> z</p>\n");
}

static void dangerous_links_are_neutralised(void **state)
{
    (void)state;
    HTML("[x](javascript:alert(1))", "<p><a href=\"\">x</a></p>\n");
    HTML("[x](JaVaScRiPt:alert(1))", "<p><a href=\"\">x</a></p>\n");
    HTML("[x](<java\tscript:alert(1)>)", "<p><a href=\"\">x</a></p>\n");
    HTML("[x](java&#9;script:alert(1))", "<p><a href=\"\">x</a></p>\n");
    HTML("[x](&#x6A;avascript:alert(1))", "<p><a href=\"\">x</a></p>\n");
    HTML("[x](vbscript:msgbox)", "<p><a href=\"\">x</a></p>\n");
    HTML("[x](file:///etc/passwd)", "<p><a href=\"\">x</a></p>\n");
    HTML("[x](data:text/html;base64,PHNjcmlwdD4=)", "<p><a href=\"\">x</a></p>\n");
    HTML("[x](data:image/png;base64,iVBORw0KGgo=)", "<p><a href=\"\">x</a></p>\n");
    HTML("<javascript:alert(1)>", "<p><a href=\"\">javascript:alert(1)</a></p>\n");
    HTML("[x][r]\n\n[r]: javascript:alert(1)", "<p><a href=\"\">x</a></p>\n");
    HTML("![i](javascript:alert(1))", "<p><img src=\"\" alt=\"i\" /></p>\n");
    /* allowed */
    HTML("![i](data:image/png;base64,iVBORw0KGgo=)",
         "<p><img src=\"data:image/png;base64,iVBORw0KGgo=\" alt=\"i\" /></p>\n");
    HTML("[a](http://e.com) [b](mailto:ops@e.com) [c](/incidents/3) [d](#top)",
         "<p><a href=\"http://e.com\">a</a> <a href=\"mailto:ops@e.com\">b</a> "
         "<a href=\"/incidents/3\">c</a> <a href=\"#top\">d</a></p>\n");

    assert_true(markdown_url_is_dangerous("javascript:x", false));
    assert_true(markdown_url_is_dangerous(" \x01JAVASCRIPT:x", false));
    assert_true(markdown_url_is_dangerous("jav\nascr\tipt:x", false));
    assert_true(markdown_url_is_dangerous("VBScript:x", true));
    assert_true(markdown_url_is_dangerous("file:x", true));
    assert_true(markdown_url_is_dangerous("data:text/html,x", true));
    assert_true(markdown_url_is_dangerous("data:image/svg+xml,<svg/onload=alert(1)>", true));
    assert_true(markdown_url_is_dangerous("data:image/png,x", false));
    assert_false(markdown_url_is_dangerous("data:image/png;base64,x", true));
    assert_false(markdown_url_is_dangerous("DATA:IMAGE/JPEG,x", true));
    assert_false(markdown_url_is_dangerous("https://e.com/javascript:x", false));
    assert_false(markdown_url_is_dangerous("./javascript:x", false));
    assert_false(markdown_url_is_dangerous("javascript", false));
    assert_false(markdown_url_is_dangerous("", false));
}

static void renders_plain_text(void **state)
{
    (void)state;
    TEXT("**Investigating** - we are looking into [elevated errors](https://e.com/x) on the *API*.",
         "Investigating - we are looking into elevated errors (https://e.com/x) on the API.");
    TEXT("See <https://e.com> or <ops@e.com>.", "See https://e.com or ops@e.com.");
    TEXT("- <https://e.com>\n- [x](https://e.com/x)\n\n> <https://e.com/q>",
         "- https://e.com\n- x (https://e.com/x)\n\n> https://e.com/q");
    TEXT("# Title\n\nFirst paragraph\nwraps.\n\nSecond &amp; last &lt;3",
         "Title\n\nFirst paragraph\nwraps.\n\nSecond & last <3");
    TEXT("- a\n- b\n  - c\n- d", "- a\n- b\n  - c\n- d");
    TEXT("3) three\n4) four", "3) three\n4) four");
    TEXT("1. one\n\n   more\n2. two", "1. one\n\n   more\n\n2. two");
    TEXT("> quoted\n> text\n>\n> again", "> quoted\n> text\n>\n> again");
    TEXT("```\ncode <b>\n  indented\n```\nafter", "code <b>\n  indented\n\nafter");
    TEXT("a <b>bold</b> word\n\n<div>\nblock\n</div>\n\nend", "a bold word\n\nend");
    TEXT("![status graph](https://e.com/g.png)", "status graph (https://e.com/g.png)");
    TEXT("[click](javascript:alert(1))", "click");
    TEXT("hard  \nbreak", "hard\nbreak");
    TEXT("above\n\n---\n\nbelow", "above\n\n----\n\nbelow");
    TEXT("\n\n  \n", "");
    TEXT(NULL, "");
    TEXT("- > quote in item\n- 1. nested\n     ordered",
         "- > quote in item\n- 1. nested\n     ordered");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(renders_commonmark),
        cmocka_unit_test(raw_html_is_dropped),
        cmocka_unit_test(dangerous_links_are_neutralised),
        cmocka_unit_test(renders_plain_text),
    };
    return cmocka_run_group_tests_name("render/markdown", tests, NULL, NULL);
}
