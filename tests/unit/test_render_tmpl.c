/*
 * Unit tests for render/tmpl and render/tmpl_set: escaping in each mode, raw
 * tags, sections and inverted sections over every kind of value, context-stack
 * lookup, partials and their limits, standalone lines, numbers, compile errors
 * with line numbers, output limits, and concurrent renders of one template.
 * The Mustache spec cases are in test_render_tmpl_spec.c.
 */
#include "render/tmpl.h"
#include "render/tmpl_set.h"
#include "testutil.h"
#include <pthread.h>

#define J(...) #__VA_ARGS__

/* A loader over a fixed table of partial sources, compiled on first use (single-threaded). */
struct partials {
    const char *const *src; /* name, source, name, source, …, NULL */
    struct tmpl *t[16];
    int fail; /* report an error for every lookup */
};

static int on_partial(void *ctx, const char *name, const struct tmpl **out, struct err *e)
{
    struct partials *p = ctx;
    *out = NULL;
    if (p->fail) return err_set(e, ERR_UNAVAILABLE, "loader says no to %s", name);
    for (int i = 0; p->src[2 * i]; i++) {
        if (strcmp(p->src[2 * i], name) != 0) continue;
        if (!p->t[i]) p->t[i] = tmpl_compile(p->src[2 * i + 1], e);
        *out = p->t[i];
        return *out ? 0 : -1;
    }
    return 0;
}

static void partials_free(struct partials *p)
{
    for (int i = 0; i < 16; i++)
        tmpl_free(p->t[i]);
}

/* Compiles TPL and renders it with the JSON model DATA; fails the test on any error. */
static char *render_with(const char *tpl, const char *data, enum tmpl_mode mode, struct partials *p)
{
    struct err e = {0};
    struct tmpl *t = tmpl_compile(tpl, &e);
    if (!t) fail_msg("compile %s: %s", tpl, e.msg);
    json_t *m = data ? json_loads(data, JSON_DECODE_ANY, NULL) : NULL;
    assert_true(!data || m);
    struct tmpl_loader ld = {on_partial, p};
    char *s = tmpl_render(t, m, p ? &ld : NULL, mode, &e);
    if (!s) fail_msg("render %s: %s", tpl, e.msg);
    json_decref(m);
    tmpl_free(t);
    return s;
}

#define CHECK_MODE(mode, tpl, data, expected)                                                      \
    do {                                                                                           \
        char *s_ = render_with(tpl, data, mode, NULL);                                             \
        assert_string_equal(s_, expected);                                                         \
        free(s_);                                                                                  \
    } while (0)
#define CHECK(tpl, data, expected) CHECK_MODE(TMPL_HTML, tpl, data, expected)

static void escapes_html_text_and_attributes(void **state)
{
    (void)state;
    CHECK("{{s}}", J({"s" : "& < > \" ' ` ="}), "&amp; &lt; &gt; &quot; &#39; &#96; &#61;");
    CHECK("<p>{{s}}</p>", J({"s" : "<img src=x onerror=alert(1)>"}),
          "<p>&lt;img src&#61;x onerror&#61;alert(1)&gt;</p>");
    /* quoted attributes cannot be closed; unquoted ones cannot gain a value */
    CHECK("<a title=\"{{s}}\" data-x='{{s}}' data-y={{s}}>", J({"s" : "x\" onclick='alert(1)'"}),
          "<a title=\"x&quot; onclick&#61;&#39;alert(1)&#39;\" "
          "data-x='x&quot; onclick&#61;&#39;alert(1)&#39;' "
          "data-y=x&quot; onclick&#61;&#39;alert(1)&#39;>");
    CHECK("<a href=\"/x?{{q}}\">", J({"q" : "a=1&b=`2`"}),
          "<a href=\"/x?a&#61;1&amp;b&#61;&#96;2&#96;\">");
    /* non-ASCII passes through untouched */
    CHECK("{{s}}", J({"s" : "Störung – 障害 😀"}), "Störung – 障害 😀");
    /* the template's own text is never escaped */
    CHECK("<b>&amp;</b>{{! <i> }}", J({}), "<b>&amp;</b>");
}

static void raw_tags_do_not_escape(void **state)
{
    (void)state;
    CHECK("{{{h}}}|{{& h}}|{{h}}", J({"h" : "<em>a&b</em>"}),
          "<em>a&b</em>|<em>a&b</em>|&lt;em&gt;a&amp;b&lt;/em&gt;");
    CHECK_MODE(TMPL_XML, "{{{h}}}", "{\"h\": \"<p>\\u0001</p>\"}", "<p>\001</p>");
}

static void sections_over_every_kind_of_value(void **state)
{
    (void)state;
    const char *tpl = "{{#v}}[{{.}}]{{/v}}";
    CHECK(tpl, J({"v" : [ 1, "a", true ]}), "[1][a][true]");
    CHECK(tpl, J({"v" : true}), "[true]");
    CHECK(tpl, J({"v" : "x"}), "[x]");
    CHECK(tpl, J({"v" : 0}), "[0]"); /* 0 is a value, not false */
    CHECK(tpl, J({"v" : "0"}), "[0]");
    CHECK(tpl, J({"v" : {}}), "[]"); /* an object: rendered once, {{.}} renders nothing */
    CHECK(tpl, J({"v" : false}), "");
    CHECK(tpl, J({"v" : null}), "");
    CHECK(tpl, J({"v" : []}), "");
    CHECK(tpl, J({"v" : ""}), "");
    CHECK(tpl, J({}), "");
    CHECK("{{#o}}{{a}}-{{b}}{{/o}}", J({"o" : {"a" : 1, "b" : "two"}}), "1-two");
    CHECK("{{#l}}{{n}},{{/l}}", J({"l" : [ {"n" : 1}, {"n" : 2}, {} ]}), "1,2,,");
    CHECK("{{#l}}({{#.}}{{.}}{{/.}}){{/l}}", J({"l" : [ [ 1, 2 ], [], ["x"] ]}), "(12)()(x)");
    /* a top-level array or scalar model */
    CHECK("{{#.}}<{{.}}>{{/.}}", J([ 1, 2 ]), "<1><2>");
    CHECK("{{.}}", J("just a string"), "just a string");
}

static void inverted_sections_are_the_complement(void **state)
{
    (void)state;
    const char *tpl = "{{^v}}none{{/v}}";
    CHECK(tpl, J({"v" : false}), "none");
    CHECK(tpl, J({"v" : null}), "none");
    CHECK(tpl, J({"v" : []}), "none");
    CHECK(tpl, J({"v" : ""}), "none");
    CHECK(tpl, J({}), "none");
    CHECK(tpl, J({"v" : [1]}), "");
    CHECK(tpl, J({"v" : 0}), "");
    CHECK(tpl, J({"v" : {}}), "");
    CHECK("{{#l}}{{.}}{{/l}}{{^l}}No incidents.{{/l}}", J({"l" : []}), "No incidents.");
    /* inside an inverted section the context is unchanged */
    CHECK("{{#o}}{{^missing}}{{a}}{{/missing}}{{/o}}", J({"o" : {"a" : "in"}}), "in");
}

static void names_walk_up_the_context_stack(void **state)
{
    (void)state;
    const char *model = J({
        "title" : "Acme",
        "status" : "ok",
        "groups" : [ {
            "name" : "API",
            "services" : [ {"name" : "Auth", "status" : "down"}, {"name" : "Search"} ]
        } ]
    });
    CHECK("{{#groups}}{{#services}}[{{title}} {{name}} {{status}}]{{/services}}{{/groups}}", model,
          "[Acme Auth down][Acme Search ok]");
    /* dotted names resolve their first part up the stack, the rest inside it */
    CHECK("{{#groups}}{{#services}}{{groups.0}}{{/services}}{{/groups}}", model, "");
    CHECK("{{a.b.c}}|{{#a}}{{b.c}}{{/a}}|{{#a.b}}{{c}}{{/a.b}}", J({"a" : {"b" : {"c" : "deep"}}}),
          "deep|deep|deep");
    CHECK("{{#a}}{{b.c}}{{/a}}", J({"a" : {"b" : 5}, "b" : {"c" : "outer"}}), "");
    CHECK("{{s.length}}{{n.x}}", J({"s" : "abc", "n" : 3}), "");
}

static void missing_values_render_as_nothing(void **state)
{
    (void)state;
    CHECK("[{{nope}}][{{{nope}}}][{{a.b}}][{{n}}][{{o}}][{{l}}]",
          J({"n" : null, "o" : {"k" : 1}, "l" : [1]}), "[][][][][][]");
    char *s = render_with("a{{x}}b{{#x}}c{{/x}}", NULL, TMPL_HTML, NULL); /* no model */
    assert_string_equal(s, "ab");
    free(s);
}

static void numbers_and_booleans(void **state)
{
    (void)state;
    CHECK("{{a}} {{b}} {{c}} {{d}}", J({"a" : 0, "b" : -17, "c" : 9223372036854775807, "d" : 42}),
          "0 -17 9223372036854775807 42");
    CHECK("{{a}} {{b}} {{c}} {{d}} {{e}} {{f}}",
          J({"a" : 1.5, "b" : 0.1, "c" : 99.95, "d" : 100.0, "e" : 1e300, "f" : -0.000123}),
          "1.5 0.1 99.95 100 1e+300 -0.000123");
    CHECK("{{a}}", "{\"a\": 0.30000000000000004}", "0.30000000000000004");
    CHECK("{{t}} {{f}}", J({"t" : true, "f" : false}), "true false");
}

static void standalone_lines_leave_clean_output(void **state)
{
    (void)state;
    const char *tpl = "<ul>\n"
                      "  {{#services}}\n"
                      "  <li data-service-id=\"{{id}}\">{{name}}</li>\n"
                      "  {{/services}}\n"
                      "  {{^services}}\n"
                      "  <li>No services</li>\n"
                      "  {{/services}}\n"
                      "  {{! a comment on its own line }}\n"
                      "</ul>\n";
    CHECK(tpl, J({"services" : [ {"id" : 1, "name" : "API"}, {"id" : 2, "name" : "Web"} ]}),
          "<ul>\n  <li data-service-id=\"1\">API</li>\n  <li data-service-id=\"2\">Web</li>\n"
          "</ul>\n");
    CHECK(tpl, J({"services" : []}), "<ul>\n  <li>No services</li>\n</ul>\n");
    /* a text e-mail: sections on their own lines leave no blank lines */
    CHECK_MODE(TMPL_TEXT,
               "Hello {{name}},\n\n{{#updates}}\n* {{status}}: {{message}}\n{{/updates}}\n\n-- "
               "\n{{site}}\n",
               J({
                   "name" : "Ann & Bob",
                   "site" : "Acme <status>",
                   "updates" : [
                       {"status" : "Investigating", "message" : "We're on it"},
                       {"status" : "Resolved", "message" : "Fixed \"it\""}
                   ]
               }),
               "Hello Ann & Bob,\n\n* Investigating: We're on it\n* Resolved: Fixed \"it\"\n\n-- \n"
               "Acme <status>\n");
    /* tags sharing a line with text are not standalone */
    CHECK("a {{#t}}\nb\n{{/t}} c\n", J({"t" : true}), "a \nb\n c\n");
}

static void xml_mode_escapes_and_drops_forbidden_characters(void **state)
{
    (void)state;
    CHECK_MODE(TMPL_XML, "<title>{{s}}</title>", J({"s" : "& < > \" ' ` ="}),
               "<title>&amp; &lt; &gt; &quot; &apos; ` =</title>");
    CHECK_MODE(TMPL_XML, "{{s}}",
               "{\"s\": \"a\\u0001b\\u0008c\\u000bd\\u000ce\\u001ff\\t\\n\\rg\"}", "abcdef\t\n\rg");
    CHECK_MODE(TMPL_XML, "{{s}}", "{\"s\": \"x\\uFFFEy\\uFFFFz\\uFFFD é€😀\\u0085\"}",
               "xyz\xef\xbf\xbd é€😀\xc2\x85");

    /* invalid UTF-8 (which JSON text cannot carry) is dropped byte by byte */
    struct err e = {0};
    struct tmpl *t = tmpl_compile("[{{s}}]", &e);
    assert_non_null(t);
    const char bad[] = "a\xff"
                       "b\xc3(c\xed\xa0\x80"
                       "d\xf4\x90\x80\x80"
                       "e\xe2\x82";
    json_t *m = json_pack("{s:o}", "s", json_stringn_nocheck(bad, sizeof bad - 1));
    char *s = tmpl_render(t, m, NULL, TMPL_XML, &e);
    assert_string_equal(s, "[ab(cde]");
    free(s);
    json_decref(m);
    tmpl_free(t);
}

static void text_mode_escapes_nothing(void **state)
{
    (void)state;
    CHECK_MODE(TMPL_TEXT, "{{s}} {{{s}}}", J({"s" : "<b>&\"'</b>"}), "<b>&\"'</b> <b>&\"'</b>");
}

static void partials_render_in_the_current_context(void **state)
{
    (void)state;
    const char *const src[] = {
        "service.html", "<li data-status=\"{{status}}\">{{name}}</li>\n",
        "list.html",    "<ul>\n  {{#services}}\n  {{> service.html}}\n  {{/services}}\n</ul>\n",
        "tree",         "{{name}}{{#children}}({{> tree}}){{/children}}",
        NULL,
    };
    struct partials p = {.src = src};
    char *s = render_with(
        "{{> list.html}}",
        J({"services" : [ {"name" : "A<1>", "status" : "ok"}, {"name" : "B", "status" : "down"} ]}),
        TMPL_HTML, &p);
    assert_string_equal(s, "<ul>\n  <li data-status=\"ok\">A&lt;1&gt;</li>\n"
                           "  <li data-status=\"down\">B</li>\n</ul>\n");
    free(s);
    s = render_with("{{>tree}}", J({
                        "name" : "r",
                        "children" : [
                            {"name" : "a", "children" : [ {"name" : "b", "children" : []} ]},
                            {"name" : "c", "children" : []}
                        ]
                    }),
                    TMPL_HTML, &p);
    assert_string_equal(s, "r(a(b))(c)");
    free(s);
    s = render_with("[{{> nowhere}}]", J({}), TMPL_HTML, &p); /* missing: nothing */
    assert_string_equal(s, "[]");
    free(s);
    s = render_with("[{{> tree}}]", J({"name" : "x"}), TMPL_HTML, NULL); /* no loader */
    assert_string_equal(s, "[]");
    free(s);
    partials_free(&p);
}

static void partial_recursion_and_loader_errors_fail_the_render(void **state)
{
    (void)state;
    const char *const src[] = {"self", "x{{> self}}", "twice", "{{>twice}}{{>twice}}", NULL};
    struct partials p = {.src = src};
    struct tmpl_loader ld = {on_partial, &p};
    struct err e = {0};
    struct tmpl *t = tmpl_compile("{{>self}}", &e);
    struct buf b;
    buf_init(&b, 1 << 20);
    buf_puts(&b, "kept");
    assert_int_equal(tmpl_render_buf(t, NULL, &ld, TMPL_HTML, &b, &e), -1);
    assert_int_equal(e.code, ERR_INVALID);
    assert_non_null(strstr(e.msg, "partials nested deeper than 32 at {{>self}}"));
    assert_string_equal(buf_cstr(&b), "kept"); /* output rolled back */
    tmpl_free(t);

    /* recursion that fans out is cut at the same depth, at once */
    t = tmpl_compile("{{>twice}}", &e);
    assert_null(tmpl_render(t, NULL, &ld, TMPL_HTML, &e));
    assert_non_null(strstr(e.msg, "partials nested deeper than 32 at {{>twice}}"));
    tmpl_free(t);

    /* nested loops that produce nothing are stopped by the step budget */
    t = tmpl_compile("{{#l}}{{#l}}{{#l}}{{#l}}{{/l}}{{/l}}{{/l}}{{/l}}", &e);
    json_t *m = json_object();
    json_t *l = json_array();
    for (int i = 0; i < 300; i++)
        json_array_append_new(l, json_integer(i));
    json_object_set_new(m, "l", l);
    assert_null(tmpl_render(t, m, NULL, TMPL_HTML, &e));
    assert_int_equal(e.code, ERR_INVALID);
    assert_non_null(strstr(e.msg, "steps"));
    json_decref(m);
    tmpl_free(t);

    p.fail = 1;
    t = tmpl_compile("a{{>x}}b", &e);
    assert_null(tmpl_render(t, NULL, &ld, TMPL_HTML, &e));
    assert_int_equal(e.code, ERR_UNAVAILABLE);
    assert_string_equal(e.msg, "loader says no to x");
    tmpl_free(t);
    buf_free(&b);
    partials_free(&p);
}

static void standalone_partials_are_indented(void **state)
{
    (void)state;
    const char *const src[] = {"item", "<li>\n  {{name}}\n</li>\n", "inline", "<b>{{name}}</b>",
                               NULL};
    struct partials p = {.src = src};
    char *s = render_with("<ul>\n  {{#l}}\n  {{>item}}\n  {{/l}}\n</ul>\n<p>{{>inline}}</p>\n",
                          J({"l" : [ {"name" : "a\nb"}, {"name" : "c"} ]}), TMPL_HTML, &p);
    assert_string_equal(s, "<ul>\n  <li>\n    a\nb\n  </li>\n  <li>\n    c\n  </li>\n</ul>\n"
                           "<p><b></b></p>\n");
    free(s);
    partials_free(&p);
}

static void compile_errors_name_the_line(void **state)
{
    (void)state;
    static const struct {
        const char *tpl, *msg;
    } cases[] = {
        {"a\n{{#x}}\nb\n", "line 2: section {{#x}} is not closed"},
        {"{{#a}}\n{{#b}}\n{{/a}}", "line 3: {{/a}} does not close {{#b}} of line 2"},
        {"x\n\n{{/a}}", "line 3: {{/a}} closes no section"},
        {"ok\n{{name", "line 2: tag '{{' is not closed"},
        {"ok\n\n{{{name}}", "line 3: tag '{{{' is not closed"},
        {"{{}}", "line 1: empty tag name"},
        {"{{#  }}{{/}}", "line 1: empty tag name"},
        {"\n{{a..b}}", "line 2: empty part in the name 'a..b'"},
        {"{{.a}}", "line 1: empty part in the name '.a'"},
        {"{{a b}}", "line 1: white space in the name 'a b'"},
        {"{{> a b}}", "line 1: white space in the name 'a b'"},
        {"{{=<%>=}}", "line 1: bad delimiters: use {{=OPEN CLOSE=}}"},
        {"{{=<% %= %>=}}", "line 1: bad delimiters: use {{=OPEN CLOSE=}}"},
        {"{{=<% %>=}}\n<%#a%><%/b%>", "line 2: {{/b}} does not close {{#a}} of line 2"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        struct err e = {0};
        assert_null(tmpl_compile(cases[i].tpl, &e));
        assert_int_equal(e.code, ERR_INVALID);
        assert_string_equal(e.msg, cases[i].msg);
    }
}

static void compile_limits(void **state)
{
    (void)state;
    struct err e = {0};
    char deep[64 * 10 + 64 * 10 + 1] = "";
    for (int i = 0; i < TMPL_MAX_NESTING; i++)
        strcat(deep, "{{#a}}");
    for (int i = 0; i < TMPL_MAX_NESTING; i++)
        strcat(deep, "{{/a}}");
    struct tmpl *t = tmpl_compile(deep, &e);
    assert_non_null(t);
    tmpl_free(t);
    char deeper[sizeof deep + 16] = "{{#a}}";
    strcat(deeper, deep);
    strcat(deeper, "{{/a}}");
    assert_null(tmpl_compile(deeper, &e));
    assert_string_equal(e.msg, "line 1: sections nested deeper than 64");

    char *big = malloc(TMPL_MAX_SOURCE + 2);
    memset(big, 'x', TMPL_MAX_SOURCE + 1);
    big[TMPL_MAX_SOURCE + 1] = '\0';
    assert_null(tmpl_compile(big, &e));
    assert_int_equal(e.code, ERR_TOO_LARGE);
    big[TMPL_MAX_SOURCE] = '\0';
    t = tmpl_compile(big, &e);
    assert_non_null(t);
    tmpl_free(t);
    free(big);
    tmpl_free(NULL);
}

static void output_limit_fails_cleanly(void **state)
{
    (void)state;
    struct err e = {0};
    struct tmpl *t = tmpl_compile("{{#l}}{{s}}{{/l}}", &e);
    json_t *m = json_loads(J({"l" : [ 1, 2, 3, 4 ], "s" : "<<<<"}), 0, NULL);
    struct buf b;
    buf_init(&b, 60);
    buf_puts(&b, "head:");
    assert_int_equal(tmpl_render_buf(t, m, NULL, TMPL_HTML, &b, &e), -1);
    assert_int_equal(e.code, ERR_TOO_LARGE);
    assert_string_equal(buf_cstr(&b), "head:");
    assert_true(buf_full(&b));
    buf_free(&b);
    buf_init(&b, 80);
    assert_int_equal(tmpl_render_buf(t, m, NULL, TMPL_HTML, &b, &e), 0);
    assert_int_equal(b.len, 4 * 16);
    assert_false(buf_full(&b));
    buf_free(&b);
    json_decref(m);
    tmpl_free(t);
}

/* ---- threads ---- */

struct job {
    const struct tmpl *t;
    const json_t *model;
    const struct tmpl_loader *ld;
    const char *expected;
    int mismatches;
};

static void *render_many(void *arg)
{
    struct job *j = arg;
    struct buf b;
    buf_init(&b, 1 << 20);
    for (int i = 0; i < 300; i++) {
        buf_reset(&b);
        struct err e = {0};
        if (tmpl_render_buf(j->t, j->model, j->ld, TMPL_HTML, &b, &e) != 0 ||
            strcmp(buf_cstr(&b), j->expected) != 0)
            j->mismatches++;
    }
    buf_free(&b);
    return NULL;
}

static const char *thread_source(void *ctx, const char *name)
{
    (void)ctx;
    if (strcmp(name, "page") == 0)
        return "<h1>{{title}}</h1>\n{{#groups}}\n<h2>{{name}}</h2>\n  {{#services}}\n"
               "  {{> row}}\n  {{/services}}\n{{/groups}}\n";
    if (strcmp(name, "row") == 0)
        return "<div data-service-id=\"{{id}}\" data-status=\"{{status}}\">{{name}} "
               "{{uptime}}%</div>\n";
    return NULL;
}

static void one_template_renders_identically_from_many_threads(void **state)
{
    (void)state;
    struct tmpl_set *set = tmpl_set_new(thread_source, NULL);
    struct err e = {0};
    const struct tmpl *t = tmpl_set_get(set, "page", &e);
    assert_non_null(t);
    json_t *groups = json_array();
    for (int g = 0; g < 4; g++) {
        json_t *svcs = json_array();
        for (int s = 0; s < 5; s++)
            json_array_append_new(svcs, json_pack("{s:i,s:s,s:s,s:f}", "id", g * 10 + s, "name",
                                                  "Svc <&>", "status", "operational", "uptime",
                                                  99.5 + s / 10.0));
        json_array_append_new(groups, json_pack("{s:s,s:o}", "name", "Group", "services", svcs));
    }
    json_t *model = json_pack("{s:s,s:o}", "title", "Acme \"Status\"", "groups", groups);
    struct tmpl_loader ld = tmpl_set_loader(set);
    char *expected = tmpl_render(t, model, &ld, TMPL_HTML, &e);
    assert_non_null(expected);
    assert_non_null(strstr(expected, "<h1>Acme &quot;Status&quot;</h1>\n<h2>Group</h2>\n"
                                     "  <div data-service-id=\"0\" data-status=\"operational\">"
                                     "Svc &lt;&amp;&gt; 99.5%</div>\n"));

    enum { N = 8 };
    pthread_t th[N];
    struct job jobs[N];
    for (int i = 0; i < N; i++) {
        jobs[i] = (struct job){t, model, &ld, expected, 0};
        assert_int_equal(pthread_create(&th[i], NULL, render_many, &jobs[i]), 0);
    }
    for (int i = 0; i < N; i++) {
        pthread_join(th[i], NULL);
        assert_int_equal(jobs[i].mismatches, 0);
    }
    free(expected);
    json_decref(model);
    tmpl_set_free(set);
}

/* ---- tmpl_set ---- */

static const char *set_source(void *ctx, const char *name)
{
    (void)ctx;
    if (strcmp(name, "good") == 0) return "[{{> part}}]";
    if (strcmp(name, "part") == 0) return "{{x}}";
    if (strcmp(name, "bad") == 0) return "ok\n{{#x}}";
    if (strcmp(name, "uses-missing") == 0) return "{{> nothing-here}}";
    return NULL;
}

static void template_sets_compile_once_and_report_errors(void **state)
{
    (void)state;
    struct tmpl_set *set = tmpl_set_new(set_source, NULL);
    struct err e = {0};
    const struct tmpl *t = tmpl_set_get(set, "good", &e);
    assert_non_null(t);
    assert_ptr_equal(tmpl_set_get(set, "good", &e), t);
    struct tmpl_loader ld = tmpl_set_loader(set);
    json_t *m = json_pack("{s:s}", "x", "<y>");
    char *s = tmpl_render(t, m, &ld, TMPL_HTML, &e);
    assert_string_equal(s, "[&lt;y&gt;]");
    free(s);

    assert_null(tmpl_set_get(set, "nope", &e));
    assert_int_equal(e.code, ERR_NOT_FOUND);
    assert_null(tmpl_set_get(set, "bad", &e));
    assert_int_equal(e.code, ERR_INVALID);
    assert_string_equal(e.msg, "bad: line 2: section {{#x}} is not closed");

    t = tmpl_set_get(set, "uses-missing", &e);
    assert_non_null(t);
    assert_null(tmpl_render(t, m, &ld, TMPL_HTML, &e));
    assert_int_equal(e.code, ERR_INTERNAL);
    assert_string_equal(e.msg, "partial: no template called 'nothing-here'");
    json_decref(m);
    tmpl_set_free(set);
    tmpl_set_free(NULL);

    set = tmpl_set_new_embedded("templates/");
    assert_null(tmpl_set_get(set, "no/such/file.html", &e));
    assert_int_equal(e.code, ERR_NOT_FOUND);
    tmpl_set_free(set);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(escapes_html_text_and_attributes),
        cmocka_unit_test(raw_tags_do_not_escape),
        cmocka_unit_test(sections_over_every_kind_of_value),
        cmocka_unit_test(inverted_sections_are_the_complement),
        cmocka_unit_test(names_walk_up_the_context_stack),
        cmocka_unit_test(missing_values_render_as_nothing),
        cmocka_unit_test(numbers_and_booleans),
        cmocka_unit_test(standalone_lines_leave_clean_output),
        cmocka_unit_test(xml_mode_escapes_and_drops_forbidden_characters),
        cmocka_unit_test(text_mode_escapes_nothing),
        cmocka_unit_test(partials_render_in_the_current_context),
        cmocka_unit_test(partial_recursion_and_loader_errors_fail_the_render),
        cmocka_unit_test(standalone_partials_are_indented),
        cmocka_unit_test(compile_errors_name_the_line),
        cmocka_unit_test(compile_limits),
        cmocka_unit_test(output_limit_fails_cleanly),
        cmocka_unit_test(one_template_renders_identically_from_many_threads),
        cmocka_unit_test(template_sets_compile_once_and_report_errors),
    };
    return cmocka_run_group_tests_name("render/tmpl", tests, NULL, NULL);
}
