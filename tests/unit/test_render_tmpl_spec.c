/*
 * Unit tests for render/tmpl against the official Mustache specification
 * (github.com/mustache/spec, the specs directory, v1.3): the cases of the comments,
 * delimiters, interpolation, inverted, partials and sections modules, written
 * here as C tables (lambdas and inheritance are optional modules pharos does
 * not implement). Data and partials are JSON, written with J() so they need no
 * escaping; each case renders in HTML mode with a loader serving its partials.
 */
#include "render/tmpl.h"
#include "testutil.h"

#define J(...) #__VA_ARGS__

struct spec_case {
    const char *name;
    const char *data;     /* JSON */
    const char *partials; /* JSON object: name → source, or NULL */
    const char *template;
    const char *expected;
};

static const struct spec_case comments[] = {
    {"Inline", J({}), NULL, "12345{{! Comment Block! }}67890", "1234567890"},
    {"Multiline", J({}), NULL, "12345{{!\n  This is a\n  multi-line comment...\n}}67890\n",
     "1234567890\n"},
    {"Standalone", J({}), NULL, "Begin.\n{{! Comment Block! }}\nEnd.\n", "Begin.\nEnd.\n"},
    {"Indented Standalone", J({}), NULL, "Begin.\n  {{! Indented Comment Block! }}\nEnd.\n",
     "Begin.\nEnd.\n"},
    {"Standalone Line Endings", J({}), NULL, "|\r\n{{! Standalone Comment }}\r\n|", "|\r\n|"},
    {"Standalone Without Previous Line", J({}), NULL, "  {{! I'm Still Standalone }}\n!", "!"},
    {"Standalone Without Newline", J({}), NULL, "!\n  {{! I'm Still Standalone }}", "!\n"},
    {"Multiline Standalone", J({}), NULL, "Begin.\n{{!\nSomething's going on here...\n}}\nEnd.\n",
     "Begin.\nEnd.\n"},
    {"Indented Multiline Standalone", J({}), NULL,
     "Begin.\n  {{!\n    Something's going on here...\n  }}\nEnd.\n", "Begin.\nEnd.\n"},
    {"Indented Inline", J({}), NULL, "  12 {{! 34 }}\n", "  12 \n"},
    {"Surrounding Whitespace", J({}), NULL, "12345 {{! Comment Block! }} 67890", "12345  67890"},
    {"Variable Name Collision",
     J({"! comment" : 1, "! comment " : 2, "!comment" : 3, "comment" : 4}), NULL,
     "comments never show: >{{! comment }}<", "comments never show: ><"},
};

static const struct spec_case delimiters[] = {
    {"Pair Behavior", J({"text" : "Hey!"}), NULL, "{{=<% %>=}}(<%text%>)", "(Hey!)"},
    {"Special Characters", J({"text" : "It worked!"}), NULL, "({{=[ ]=}}[text])", "(It worked!)"},
    {"Sections", J({"section" : true, "data" : "I got interpolated."}), NULL,
     "[\n{{#section}}\n  {{data}}\n  |data|\n{{/section}}\n\n{{= | | =}}\n|#section|\n  {{data}}\n"
     "  |data|\n|/section|\n]\n",
     "[\n  I got interpolated.\n  |data|\n\n  {{data}}\n  I got interpolated.\n]\n"},
    {"Inverted Sections", J({"section" : false, "data" : "I got interpolated."}), NULL,
     "[\n{{^section}}\n  {{data}}\n  |data|\n{{/section}}\n\n{{= | | =}}\n|^section|\n  {{data}}\n"
     "  |data|\n|/section|\n]\n",
     "[\n  I got interpolated.\n  |data|\n\n  {{data}}\n  I got interpolated.\n]\n"},
    {"Partial Inheritence", J({"value" : "yes"}), J({"include" : ".{{value}}."}),
     "[ {{>include}} ]\n{{= | | =}}\n[ |>include| ]\n", "[ .yes. ]\n[ .yes. ]\n"},
    {"Post-Partial Behavior", J({"value" : "yes"}),
     J({"include" : ".{{value}}. {{= | | =}} .|value|."}),
     "[ {{>include}} ]\n[ .{{value}}.  .|value|. ]\n", "[ .yes.  .yes. ]\n[ .yes.  .|value|. ]\n"},
    {"Surrounding Whitespace", J({}), NULL, "| {{=@ @=}} |", "|  |"},
    {"Outlying Whitespace (Inline)", J({}), NULL, " | {{=@ @=}}\n", " | \n"},
    {"Standalone Tag", J({}), NULL, "Begin.\n{{=@ @=}}\nEnd.\n", "Begin.\nEnd.\n"},
    {"Indented Standalone Tag", J({}), NULL, "Begin.\n  {{=@ @=}}\nEnd.\n", "Begin.\nEnd.\n"},
    {"Standalone Line Endings", J({}), NULL, "|\r\n{{= @ @ =}}\r\n|", "|\r\n|"},
    {"Standalone Without Previous Line", J({}), NULL, "  {{=@ @=}}\n=", "="},
    {"Standalone Without Newline", J({}), NULL, "=\n  {{=@ @=}}", "=\n"},
    {"Pair with Padding", J({}), NULL, "|{{= @   @ =}}|", "||"},
};

static const struct spec_case interpolation[] = {
    {"No Interpolation", J({}), NULL, "Hello from {Mustache}!\n", "Hello from {Mustache}!\n"},
    {"Basic Interpolation", J({"subject" : "world"}), NULL, "Hello, {{subject}}!\n",
     "Hello, world!\n"},
    {"HTML Escaping", J({"forbidden" : "& \" < >"}), NULL,
     "These characters should be HTML escaped: {{forbidden}}\n",
     "These characters should be HTML escaped: &amp; &quot; &lt; &gt;\n"},
    {"Triple Mustache", J({"forbidden" : "& \" < >"}), NULL,
     "These characters should not be HTML escaped: {{{forbidden}}}\n",
     "These characters should not be HTML escaped: & \" < >\n"},
    {"Ampersand", J({"forbidden" : "& \" < >"}), NULL,
     "These characters should not be HTML escaped: {{&forbidden}}\n",
     "These characters should not be HTML escaped: & \" < >\n"},
    {"Basic Integer Interpolation", J({"mph" : 85}), NULL, "\"{{mph}} miles an hour!\"",
     "\"85 miles an hour!\""},
    {"Triple Mustache Integer Interpolation", J({"mph" : 85}), NULL, "\"{{{mph}}} miles an hour!\"",
     "\"85 miles an hour!\""},
    {"Ampersand Integer Interpolation", J({"mph" : 85}), NULL, "\"{{&mph}} miles an hour!\"",
     "\"85 miles an hour!\""},
    {"Basic Decimal Interpolation", J({"power" : 1.210}), NULL, "\"{{power}} jiggawatts!\"",
     "\"1.21 jiggawatts!\""},
    {"Triple Mustache Decimal Interpolation", J({"power" : 1.210}), NULL,
     "\"{{{power}}} jiggawatts!\"", "\"1.21 jiggawatts!\""},
    {"Basic Null Interpolation", J({"cannot" : null}), NULL, "I ({{cannot}}) be seen!",
     "I () be seen!"},
    {"Triple Mustache Null Interpolation", J({"cannot" : null}), NULL, "I ({{{cannot}}}) be seen!",
     "I () be seen!"},
    {"Basic Context Miss Interpolation", J({}), NULL, "I ({{cannot}}) be seen!", "I () be seen!"},
    {"Ampersand Context Miss Interpolation", J({}), NULL, "I ({{&cannot}}) be seen!",
     "I () be seen!"},
    {"Dotted Names - Basic Interpolation", J({"person" : {"name" : "Joe"}}), NULL,
     "\"{{person.name}}\" == \"{{#person}}{{name}}{{/person}}\"", "\"Joe\" == \"Joe\""},
    {"Dotted Names - Triple Mustache Interpolation", J({"person" : {"name" : "Joe"}}), NULL,
     "\"{{{person.name}}}\" == \"{{#person}}{{{name}}}{{/person}}\"", "\"Joe\" == \"Joe\""},
    {"Dotted Names - Arbitrary Depth", J({"a" : {"b" : {"c" : {"d" : {"e" : {"name" : "Phil"}}}}}}),
     NULL, "\"{{a.b.c.d.e.name}}\" == \"Phil\"", "\"Phil\" == \"Phil\""},
    {"Dotted Names - Broken Chains", J({"a" : {}}), NULL, "\"{{a.b.c}}\" == \"\"", "\"\" == \"\""},
    {"Dotted Names - Broken Chain Resolution", J({"a" : {"b" : {}}, "c" : {"name" : "Jim"}}), NULL,
     "\"{{a.b.c.name}}\" == \"\"", "\"\" == \"\""},
    {"Dotted Names - Initial Resolution", J({
         "a" : {"b" : {"c" : {"d" : {"e" : {"name" : "Phil"}}}}},
         "b" : {"c" : {"d" : {"e" : {"name" : "Wrong"}}}}
     }),
     NULL, "\"{{#a}}{{b.c.d.e.name}}{{/a}}\" == \"Phil\"", "\"Phil\" == \"Phil\""},
    {"Dotted Names - Context Precedence", J({"a" : {"b" : {}}, "b" : {"c" : "ERROR"}}), NULL,
     "{{#a}}{{b.c}}{{/a}}", ""},
    {"Implicit Iterators - Basic Interpolation", J("world"), NULL, "Hello, {{.}}!\n",
     "Hello, world!\n"},
    {"Implicit Iterators - HTML Escaping", J("& \" < >"), NULL,
     "These characters should be HTML escaped: {{.}}\n",
     "These characters should be HTML escaped: &amp; &quot; &lt; &gt;\n"},
    {"Implicit Iterators - Triple Mustache", J("& \" < >"), NULL,
     "These characters should not be HTML escaped: {{{.}}}\n",
     "These characters should not be HTML escaped: & \" < >\n"},
    {"Implicit Iterators - Basic Integer Interpolation", J(85), NULL, "\"{{.}} miles an hour!\"",
     "\"85 miles an hour!\""},
    {"Interpolation - Surrounding Whitespace", J({"string" : "---"}), NULL, "| {{string}} |",
     "| --- |"},
    {"Triple Mustache - Surrounding Whitespace", J({"string" : "---"}), NULL, "| {{{string}}} |",
     "| --- |"},
    {"Ampersand - Surrounding Whitespace", J({"string" : "---"}), NULL, "| {{&string}} |",
     "| --- |"},
    {"Interpolation - Standalone", J({"string" : "---"}), NULL, "  {{string}}\n", "  ---\n"},
    {"Triple Mustache - Standalone", J({"string" : "---"}), NULL, "  {{{string}}}\n", "  ---\n"},
    {"Interpolation With Padding", J({"string" : "---"}), NULL, "|{{ string }}|", "|---|"},
    {"Triple Mustache With Padding", J({"string" : "---"}), NULL, "|{{{ string }}}|", "|---|"},
    {"Ampersand With Padding", J({"string" : "---"}), NULL, "|{{& string }}|", "|---|"},
};

static const struct spec_case inverted[] = {
    {"Falsey", J({"boolean" : false}), NULL, "\"{{^boolean}}This should be rendered.{{/boolean}}\"",
     "\"This should be rendered.\""},
    {"Truthy", J({"boolean" : true}), NULL,
     "\"{{^boolean}}This should not be rendered.{{/boolean}}\"", "\"\""},
    {"Null is falsey", J({"null" : null}), NULL, "\"{{^null}}This should be rendered.{{/null}}\"",
     "\"This should be rendered.\""},
    {"Context", J({"context" : {"name" : "Joe"}}), NULL, "\"{{^context}}Hi {{name}}.{{/context}}\"",
     "\"\""},
    {"List", J({"list" : [ {"n" : 1}, {"n" : 2}, {"n" : 3} ]}), NULL, "\"{{^list}}{{n}}{{/list}}\"",
     "\"\""},
    {"Empty List", J({"list" : []}), NULL, "\"{{^list}}Yay lists!{{/list}}\"", "\"Yay lists!\""},
    {"Doubled", J({"bool" : false, "two" : "second"}), NULL,
     "{{^bool}}\n* first\n{{/bool}}\n* {{two}}\n{{^bool}}\n* third\n{{/bool}}\n",
     "* first\n* second\n* third\n"},
    {"Nested (Falsey)", J({"bool" : false}), NULL,
     "| A {{^bool}}B {{^bool}}C{{/bool}} D{{/bool}} E |", "| A B C D E |"},
    {"Nested (Truthy)", J({"bool" : true}), NULL,
     "| A {{^bool}}B {{^bool}}C{{/bool}} D{{/bool}} E |", "| A  E |"},
    {"Context Misses", J({}), NULL, "[{{^missing}}Found key 'missing'!{{/missing}}]",
     "[Found key 'missing'!]"},
    {"Dotted Names - Truthy", J({"a" : {"b" : {"c" : true}}}), NULL,
     "\"{{^a.b.c}}Not Here{{/a.b.c}}\" == \"\"", "\"\" == \"\""},
    {"Dotted Names - Falsey", J({"a" : {"b" : {"c" : false}}}), NULL,
     "\"{{^a.b.c}}Not Here{{/a.b.c}}\" == \"Not Here\"", "\"Not Here\" == \"Not Here\""},
    {"Dotted Names - Broken Chains", J({"a" : {}}), NULL,
     "\"{{^a.b.c}}Not Here{{/a.b.c}}\" == \"Not Here\"", "\"Not Here\" == \"Not Here\""},
    {"Surrounding Whitespace", J({"boolean" : false}), NULL,
     " | {{^boolean}}\t|\t{{/boolean}} | \n", " | \t|\t | \n"},
    {"Internal Whitespace", J({"boolean" : false}), NULL,
     " | {{^boolean}} {{! Important Whitespace }}\n {{/boolean}} | \n", " |  \n  | \n"},
    {"Indented Inline Sections", J({"boolean" : false}), NULL,
     " {{^boolean}}NO{{/boolean}}\n {{^boolean}}WAY{{/boolean}}\n", " NO\n WAY\n"},
    {"Standalone Lines", J({"boolean" : false}), NULL,
     "| This Is\n{{^boolean}}\n|\n{{/boolean}}\n| A Line\n", "| This Is\n|\n| A Line\n"},
    {"Standalone Indented Lines", J({"boolean" : false}), NULL,
     "| This Is\n  {{^boolean}}\n|\n  {{/boolean}}\n| A Line\n", "| This Is\n|\n| A Line\n"},
    {"Standalone Line Endings", J({"boolean" : false}), NULL,
     "|\r\n{{^boolean}}\r\n{{/boolean}}\r\n|", "|\r\n|"},
    {"Standalone Without Previous Line", J({"boolean" : false}), NULL,
     "  {{^boolean}}\n^{{/boolean}}\n/", "^\n/"},
    {"Standalone Without Newline", J({"boolean" : false}), NULL, "^{{^boolean}}\n/\n  {{/boolean}}",
     "^\n/\n"},
    {"Padding", J({"boolean" : false}), NULL, "|{{^ boolean }}={{/ boolean }}|", "|=|"},
};

static const struct spec_case partials[] = {
    {"Basic Behavior", J({}), J({"text" : "from partial"}), "\"{{>text}}\"", "\"from partial\""},
    {"Failed Lookup", J({}), J({}), "\"{{>text}}\"", "\"\""},
    {"Context", J({"text" : "content"}), J({"partial" : "*{{text}}*"}), "\"{{>partial}}\"",
     "\"*content*\""},
    {"Recursion", J({"content" : "X", "nodes" : [ {"content" : "Y", "nodes" : []} ]}),
     J({"node" : "{{content}}<{{#nodes}}{{>node}}{{/nodes}}>"}), "{{>node}}", "X<Y<>>"},
    {"Nested", J({"a" : "hello", "b" : "world"}),
     J({"outer" : "*{{a}} {{>inner}}*", "inner" : "{{b}}!"}), "{{>outer}}", "*hello world!*"},
    {"Surrounding Whitespace", J({}), J({"partial" : "\t|\t"}), "| {{>partial}} |", "| \t|\t |"},
    {"Inline Indentation", J({"data" : "|"}), J({"partial" : ">\n>"}),
     "  {{data}}  {{> partial}}\n", "  |  >\n>\n"},
    {"Standalone Line Endings", J({}), J({"partial" : ">"}), "|\r\n{{>partial}}\r\n|", "|\r\n>|"},
    {"Standalone Without Previous Line", J({}), J({"partial" : ">\n>"}), "  {{>partial}}\n>",
     "  >\n  >>"},
    {"Standalone Without Newline", J({}), J({"partial" : ">\n>"}), ">\n  {{>partial}}",
     ">\n  >\n  >"},
    {"Standalone Indentation", J({"content" : "<\n->"}), J({"partial" : "|\n{{{content}}}\n|\n"}),
     "\\\n {{>partial}}\n/\n", "\\\n |\n <\n->\n |\n/\n"},
    {"Padding Whitespace", J({"boolean" : true}), J({"partial" : "[]"}), "|{{> partial }}|",
     "|[]|"},
};

static const struct spec_case sections[] = {
    {"Truthy", J({"boolean" : true}), NULL, "\"{{#boolean}}This should be rendered.{{/boolean}}\"",
     "\"This should be rendered.\""},
    {"Falsey", J({"boolean" : false}), NULL,
     "\"{{#boolean}}This should not be rendered.{{/boolean}}\"", "\"\""},
    {"Null is falsey", J({"null" : null}), NULL,
     "\"{{#null}}This should not be rendered.{{/null}}\"", "\"\""},
    {"Context", J({"context" : {"name" : "Joe"}}), NULL, "\"{{#context}}Hi {{name}}.{{/context}}\"",
     "\"Hi Joe.\""},
    {"Parent contexts", J({"a" : "foo", "b" : "wrong", "sec" : {"b" : "bar"}, "c" : {"d" : "baz"}}),
     NULL, "\"{{#sec}}{{a}}, {{b}}, {{c.d}}{{/sec}}\"", "\"foo, bar, baz\""},
    {"Variable test", J({"foo" : "bar"}), NULL, "\"{{#foo}}{{.}} is {{foo}}{{/foo}}\"",
     "\"bar is bar\""},
    {"List Contexts", J({
         "tops" : [ {
             "tname" : {"upper" : "A", "lower" : "a"},
             "middles" : [ {"mname" : "1", "bottoms" : [ {"bname" : "x"}, {"bname" : "y"} ]} ]
         } ]
     }),
     NULL,
     "{{#tops}}{{#middles}}{{tname.lower}}{{mname}}.{{#bottoms}}{{tname.upper}}{{mname}}{{bname}}."
     "{{/bottoms}}{{/middles}}{{/tops}}",
     "a1.A1x.A1y."},
    {"Deeply Nested Contexts",
     J({"a" : {"one" : 1}, "b" : {"two" : 2}, "c" : {"three" : 3, "d" : {"four" : 4, "five" : 5}}}),
     NULL,
     "{{#a}}\n{{one}}\n{{#b}}\n{{one}}{{two}}{{one}}\n{{#c}}\n{{one}}{{two}}{{three}}{{two}}{{one}}"
     "\n"
     "{{#d}}\n{{one}}{{two}}{{three}}{{four}}{{three}}{{two}}{{one}}\n{{#five}}\n"
     "{{one}}{{two}}{{three}}{{four}}{{five}}{{four}}{{three}}{{two}}{{one}}\n"
     "{{one}}{{two}}{{three}}{{four}}{{.}}6{{.}}{{four}}{{three}}{{two}}{{one}}\n"
     "{{one}}{{two}}{{three}}{{four}}{{five}}{{four}}{{three}}{{two}}{{one}}\n{{/five}}\n"
     "{{one}}{{two}}{{three}}{{four}}{{three}}{{two}}{{one}}\n{{/d}}\n"
     "{{one}}{{two}}{{three}}{{two}}{{one}}\n{{/c}}\n{{one}}{{two}}{{one}}\n{{/b}}\n{{one}}\n{{/"
     "a}}\n",
     "1\n121\n12321\n1234321\n123454321\n12345654321\n123454321\n1234321\n12321\n121\n1\n"},
    {"List", J({"list" : [ {"item" : 1}, {"item" : 2}, {"item" : 3} ]}), NULL,
     "\"{{#list}}{{item}}{{/list}}\"", "\"123\""},
    {"Empty List", J({"list" : []}), NULL, "\"{{#list}}Yay lists!{{/list}}\"", "\"\""},
    {"Doubled", J({"bool" : true, "two" : "second"}), NULL,
     "{{#bool}}\n* first\n{{/bool}}\n* {{two}}\n{{#bool}}\n* third\n{{/bool}}\n",
     "* first\n* second\n* third\n"},
    {"Nested (Truthy)", J({"bool" : true}), NULL,
     "| A {{#bool}}B {{#bool}}C{{/bool}} D{{/bool}} E |", "| A B C D E |"},
    {"Nested (Falsey)", J({"bool" : false}), NULL,
     "| A {{#bool}}B {{#bool}}C{{/bool}} D{{/bool}} E |", "| A  E |"},
    {"Context Misses", J({}), NULL, "[{{#missing}}Found key 'missing'!{{/missing}}]", "[]"},
    {"Implicit Iterator - String", J({"list" : [ "a", "b", "c", "d", "e" ]}), NULL,
     "\"{{#list}}({{.}}){{/list}}\"", "\"(a)(b)(c)(d)(e)\""},
    {"Implicit Iterator - Integer", J({"list" : [ 1, 2, 3, 4, 5 ]}), NULL,
     "\"{{#list}}({{.}}){{/list}}\"", "\"(1)(2)(3)(4)(5)\""},
    {"Implicit Iterator - Decimal", J({"list" : [ 1.10, 2.20, 3.30, 4.40, 5.50 ]}), NULL,
     "\"{{#list}}({{.}}){{/list}}\"", "\"(1.1)(2.2)(3.3)(4.4)(5.5)\""},
    {"Implicit Iterator - Array", J({"list" : [ [ 1, 2, 3 ], [ "a", "b", "c" ] ]}), NULL,
     "\"{{#list}}({{#.}}{{.}}{{/.}}){{/list}}\"", "\"(123)(abc)\""},
    {"Implicit Iterator - HTML Escaping", J({"list" : [ "&", "\"", "<", ">" ]}), NULL,
     "\"{{#list}}({{.}}){{/list}}\"", "\"(&amp;)(&quot;)(&lt;)(&gt;)\""},
    {"Implicit Iterator - Triple mustache", J({"list" : [ "&", "\"", "<", ">" ]}), NULL,
     "\"{{#list}}({{{.}}}){{/list}}\"", "\"(&)(\")(<)(>)\""},
    {"Dotted Names - Truthy", J({"a" : {"b" : {"c" : true}}}), NULL,
     "\"{{#a.b.c}}Here{{/a.b.c}}\" == \"Here\"", "\"Here\" == \"Here\""},
    {"Dotted Names - Falsey", J({"a" : {"b" : {"c" : false}}}), NULL,
     "\"{{#a.b.c}}Here{{/a.b.c}}\" == \"\"", "\"\" == \"\""},
    {"Dotted Names - Broken Chains", J({"a" : {}}), NULL, "\"{{#a.b.c}}Here{{/a.b.c}}\" == \"\"",
     "\"\" == \"\""},
    {"Surrounding Whitespace", J({"boolean" : true}), NULL, " | {{#boolean}}\t|\t{{/boolean}} | \n",
     " | \t|\t | \n"},
    {"Internal Whitespace", J({"boolean" : true}), NULL,
     " | {{#boolean}} {{! Important Whitespace }}\n {{/boolean}} | \n", " |  \n  | \n"},
    {"Indented Inline Sections", J({"boolean" : true}), NULL,
     " {{#boolean}}YES{{/boolean}}\n {{#boolean}}GOOD{{/boolean}}\n", " YES\n GOOD\n"},
    {"Standalone Lines", J({"boolean" : true}), NULL,
     "| This Is\n{{#boolean}}\n|\n{{/boolean}}\n| A Line\n", "| This Is\n|\n| A Line\n"},
    {"Indented Standalone Lines", J({"boolean" : true}), NULL,
     "| This Is\n  {{#boolean}}\n|\n  {{/boolean}}\n| A Line\n", "| This Is\n|\n| A Line\n"},
    {"Standalone Line Endings", J({"boolean" : true}), NULL,
     "|\r\n{{#boolean}}\r\n{{/boolean}}\r\n|", "|\r\n|"},
    {"Standalone Without Previous Line", J({"boolean" : true}), NULL,
     "  {{#boolean}}\n#{{/boolean}}\n/", "#\n/"},
    {"Standalone Without Newline", J({"boolean" : true}), NULL, "#{{#boolean}}\n/\n  {{/boolean}}",
     "#\n/\n"},
    {"Padding", J({"boolean" : true}), NULL, "|{{# boolean }}={{/ boolean }}|", "|=|"},
};

/* ---- runner ---- */

struct partial_set {
    const char *names[16];
    struct tmpl *t[16];
    size_t n;
};

static int on_partial(void *ctx, const char *name, const struct tmpl **out, struct err *e)
{
    struct partial_set *ps = ctx;
    (void)e;
    *out = NULL;
    for (size_t i = 0; i < ps->n; i++)
        if (strcmp(ps->names[i], name) == 0) *out = ps->t[i];
    return 0;
}

/* Runs one case; returns 0 or prints what differed and returns 1. */
static int run_case(const char *module, const struct spec_case *c)
{
    struct err e = {0};
    json_error_t je;
    json_t *data = json_loads(c->data, JSON_DECODE_ANY, &je);
    json_t *pj = c->partials ? json_loads(c->partials, 0, &je) : NULL;
    struct partial_set ps = {.n = 0};
    const char *key;
    json_t *v;
    int failed = 1;
    char *out = NULL;
    if (!data || (c->partials && !pj)) {
        fprintf(stderr, "%s / %s: bad JSON in the test: %s\n", module, c->name, je.text);
        goto out;
    }
    json_object_foreach(pj, key, v)
    {
        ps.names[ps.n] = key;
        ps.t[ps.n] = tmpl_compile(json_string_value(v), &e);
        if (!ps.t[ps.n++]) {
            fprintf(stderr, "%s / %s: partial %s: %s\n", module, c->name, key, e.msg);
            goto out;
        }
    }
    struct tmpl *t = tmpl_compile(c->template, &e);
    if (!t) {
        fprintf(stderr, "%s / %s: compile: %s\n", module, c->name, e.msg);
        goto out;
    }
    struct tmpl_loader ld = {on_partial, &ps};
    out = tmpl_render(t, data, &ld, TMPL_HTML, &e);
    tmpl_free(t);
    if (!out)
        fprintf(stderr, "%s / %s: render: %s\n", module, c->name, e.msg);
    else if (strcmp(out, c->expected) != 0)
        fprintf(stderr, "%s / %s:\n  expected [%s]\n  got      [%s]\n", module, c->name,
                c->expected, out);
    else
        failed = 0;
out:
    free(out);
    for (size_t i = 0; i < ps.n; i++)
        tmpl_free(ps.t[i]);
    json_decref(pj);
    json_decref(data);
    return failed;
}

#define RUN(module, table)                                                                         \
    static void spec_##module(void **state)                                                        \
    {                                                                                              \
        (void)state;                                                                               \
        int failed = 0;                                                                            \
        for (size_t i = 0; i < sizeof table / sizeof *table; i++)                                  \
            failed += run_case(#module, &table[i]);                                                \
        assert_int_equal(failed, 0);                                                               \
    }

RUN(comments, comments)
RUN(delimiters, delimiters)
RUN(interpolation, interpolation)
RUN(inverted, inverted)
RUN(partials, partials)
RUN(sections, sections)

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(spec_comments),      cmocka_unit_test(spec_delimiters),
        cmocka_unit_test(spec_interpolation), cmocka_unit_test(spec_inverted),
        cmocka_unit_test(spec_partials),      cmocka_unit_test(spec_sections),
    };
    return cmocka_run_group_tests_name("render/tmpl (Mustache spec)", tests, NULL, NULL);
}
