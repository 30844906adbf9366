/*
 * Unit tests for render/ical (the maintenance calendar, RFC 5545) from a hand-made view
 * model: the calendar's frame (VERSION, PRODID, X-WR-CALNAME with the page title); one
 * VEVENT per maintenance with a UID of its id and the page's host, UTC times, the
 * maintenance's URL, STATUS CONFIRMED (CANCELLED when completed before it began) and an
 * early completion ending it; every line CRLF-terminated and at most 75 octets, folded
 * lines never split inside a UTF-8 sequence and unfolding to the value; TEXT escaped (\ ;
 * , and newlines; other control characters as spaces); the description cut with "…" and
 * its services capped; ?service= narrowing (and naming the calendar); the same bytes on
 * every render.
 */
#include "core/utf8.h"
#include "render/ical.h"
#include "testutil.h"

/* A model of page "Acme" at https://status.acme.test:8443 with services 1 (API) and 2 (DB),
 * and the calendar CAL (JSON text). */
static json_t *model_with(const char *cal)
{
    json_t *m = json_pack("{s:{s:s,s:s},s:[{s:i,s:s},{s:i,s:s}]}", "page", "title", "Acme", "url",
                          "https://status.acme.test:8443", "services", "id", 1, "name", "API", "id",
                          2, "name", "DB");
    json_error_t err;
    json_t *c = json_loads(cal, 0, &err);
    if (!c) fail_msg("calendar JSON: %s", err.text);
    json_object_set_new(m, "calendar", c);
    return m;
}

static const char EVENTS[] =
    "[{\"id\":7,\"title\":\"DB, upgrade; part \\\\1\",\"stage\":\"scheduled\","
    "\"stage_label\":\"Scheduled\",\"path\":\"maintenance/7\","
    "\"scheduled_start\":\"2026-12-10T08:00:00Z\",\"scheduled_end\":\"2026-12-10T10:00:00Z\","
    "\"created_at\":\"2026-12-01T09:00:00Z\",\"updated_at\":\"2026-12-02T09:30:00Z\","
    "\"completed_at\":null,\"message_text\":\"Line one.\\nLine two\\r\\nwith\\u0007bell.\","
    "\"services\":[{\"id\":2,\"name\":\"DB\"}]},"
    "{\"id\":8,\"title\":\"Early\",\"stage\":\"complete\",\"stage_label\":\"Complete\","
    "\"path\":\"maintenance/8\",\"scheduled_start\":\"2026-11-01T08:00:00Z\","
    "\"scheduled_end\":\"2026-11-01T12:00:00Z\",\"created_at\":\"2026-10-01T00:00:00Z\","
    "\"updated_at\":\"2026-11-01T09:00:00Z\",\"completed_at\":\"2026-11-01T09:00:00Z\","
    "\"message_text\":\"\",\"services\":[{\"id\":1,\"name\":\"API\"},{\"id\":2,\"name\":\"DB\"}]},"
    "{\"id\":9,\"title\":\"Called off\",\"stage\":\"complete\",\"stage_label\":\"Complete\","
    "\"path\":\"maintenance/9\",\"scheduled_start\":\"2026-11-05T08:00:00Z\","
    "\"scheduled_end\":\"2026-11-05T12:00:00Z\",\"created_at\":\"2026-10-01T00:00:00Z\","
    "\"updated_at\":\"2026-11-04T09:00:00Z\",\"completed_at\":\"2026-11-04T09:00:00Z\","
    "\"message_text\":\"Not needed.\",\"services\":[]}]";

/* Checks the physical lines of S (LEN bytes): CRLF ends, at most 75 octets, valid UTF-8
 * each; returns the unfolded text with "\n" ends (malloc'd). */
static char *unfold_checked(const char *s, size_t len)
{
    assert_int_equal(strlen(s), len);
    char *out = calloc(1, len + 1), *o = out;
    const char *p = s;
    while (p < s + len) {
        const char *crlf = strstr(p, "\r\n");
        assert_non_null(crlf);
        size_t n = (size_t)(crlf - p);
        assert_true(n <= ICAL_LINE_MAX);
        assert_null(memchr(p, '\n', n));
        assert_null(memchr(p, '\r', n));
        assert_true(utf8_length(p, n) >= 0); /* never a sequence split by a fold */
        if (*p == ' ') {
            assert_true(o > out);
            o--; /* the "\n" of the line it continues */
            p++, n--;
        }
        memcpy(o, p, n);
        o += n;
        *o++ = '\n';
        p = crlf + 2;
    }
    return out;
}

/* The unfolded calendar of M for SERVICE (the model is freed). */
static char *render(json_t *m, int64_t service)
{
    size_t len;
    char *s = ical_render(m, service, &len);
    char *u = unfold_checked(s, len);
    size_t len2;
    char *again = ical_render(m, service, &len2);
    assert_int_equal(len, len2);
    assert_memory_equal(s, again, len); /* nothing depends on when it is rendered */
    free(again);
    free(s);
    json_decref(m);
    return u;
}

static void calendar_of_every_maintenance(void **state)
{
    (void)state;
    char *u = render(model_with(EVENTS), 0);
    assert_true(strncmp(u, "BEGIN:VCALENDAR\nVERSION:2.0\nPRODID:-//pharos//", 46) == 0);
    assert_non_null(strstr(u, "\nX-WR-CALNAME:Acme maintenance\n"));
    assert_non_null(strstr(u, "\nURL:https://status.acme.test:8443\n"));
    assert_null(strstr(u, "METHOD:")); /* DTSTAMP is then the last change */
    assert_true(strlen(u) > 14 && strcmp(u + strlen(u) - 14, "END:VCALENDAR\n") == 0);
    const char *ev = strstr(u, "BEGIN:VEVENT\nUID:maintenance-7@status.acme.test\n");
    assert_non_null(ev);
    assert_non_null(strstr(ev, "\nDTSTAMP:20261202T093000Z\n"));
    assert_non_null(strstr(ev, "\nCREATED:20261201T090000Z\n"));
    assert_non_null(strstr(ev, "\nLAST-MODIFIED:20261202T093000Z\n"));
    assert_non_null(strstr(ev, "\nDTSTART:20261210T080000Z\nDTEND:20261210T100000Z\n"));
    assert_non_null(strstr(ev, "\nSUMMARY:DB\\, upgrade\\; part \\\\1\n"));
    assert_non_null(strstr(
        ev,
        "\nDESCRIPTION:Line one.\\nLine two\\nwith bell.\\n\\nStatus: Scheduled\\nAffects: DB\n"));
    assert_non_null(strstr(ev, "\nURL:https://status.acme.test:8443/maintenance/7\n"));
    assert_non_null(strstr(ev, "\nSTATUS:CONFIRMED\nTRANSP:TRANSPARENT\n"));
    /* completed early: ends at its completion */
    ev = strstr(u, "UID:maintenance-8@status.acme.test\n");
    assert_non_null(ev);
    assert_non_null(strstr(ev, "DTSTART:20261101T080000Z\nDTEND:20261101T090000Z\n"));
    assert_non_null(strstr(ev, "DESCRIPTION:Status: Complete\\nAffects: API\\, DB\n"));
    assert_true(strstr(ev, "STATUS:CONFIRMED") < strstr(ev, "END:VEVENT"));
    /* completed before it began: cancelled, its window as planned */
    ev = strstr(u, "UID:maintenance-9@status.acme.test\n");
    assert_non_null(ev);
    assert_non_null(strstr(ev, "DTSTART:20261105T080000Z\nDTEND:20261105T120000Z\n"));
    assert_non_null(strstr(ev, "STATUS:CANCELLED\n"));
    int n = 0;
    for (const char *p = u; (p = strstr(p, "BEGIN:VEVENT")); p++)
        n++;
    assert_int_equal(n, 3);
    free(u);
}

static void a_service_narrows_it(void **state)
{
    (void)state;
    char *u = render(model_with(EVENTS), 1);
    assert_non_null(strstr(u, "\nX-WR-CALNAME:Acme maintenance: API\n"));
    assert_non_null(strstr(u, "UID:maintenance-8@"));
    assert_null(strstr(u, "UID:maintenance-7@"));
    assert_null(strstr(u, "UID:maintenance-9@"));
    free(u);
    u = render(model_with("[]"), 0);
    assert_null(strstr(u, "BEGIN:VEVENT"));
    free(u);
}

static void long_unicode_text_is_folded_and_cut(void **state)
{
    (void)state;
    /* 3-byte and 4-byte characters, so folds fall inside sequences unless avoided */
    char msg[12000] = "", title[600] = "";
    while (strlen(msg) < 9000)
        strcat(msg, "Größere Wartung — 維持 🛠️, ok; ");
    while (strlen(title) < 500)
        strcat(title, "Ünïcödé ");
    json_t *cal =
        json_pack("[{s:i,s:s,s:s,s:s,s:s,s:s,s:s,s:s,s:s,s:n,s:s,s:[]}]", "id", 3, "title", title,
                  "stage", "in_progress", "stage_label", "In Progress", "path", "maintenance/3",
                  "scheduled_start", "2026-12-10T08:00:00Z", "scheduled_end",
                  "2026-12-10T10:00:00Z", "created_at", "2026-12-01T00:00:00Z", "updated_at",
                  "2026-12-10T08:00:01Z", "completed_at", "message_text", msg, "services");
    for (int i = 0; i < 25; i++)
        json_array_append_new(json_object_get(json_array_get(cal, 0), "services"),
                              json_pack("{s:i,s:s}", "id", i + 1, "name", "Svc"));
    char *text = json_dumps(cal, 0);
    char *u = render(model_with(text), 0);
    free(text);
    json_decref(cal);
    const char *d = strstr(u, "\nDESCRIPTION:");
    assert_non_null(d);
    const char *end = strchr(d + 1, '\n');
    size_t n = (size_t)(end - d);
    assert_true(n > ICAL_DESCRIPTION_MAX && n < 2 * ICAL_DESCRIPTION_MAX);
    assert_true(utf8_length(d, n) > 0); /* the cut is at a character */
    char *tail = strndup(d, n);
    assert_non_null(strstr(tail, "…\\n\\nStatus: In Progress\\nAffects: Svc\\, Svc"));
    assert_non_null(strstr(tail, "Svc and 5 more"));
    assert_non_null(strstr(tail, "Größere Wartung — 維持 🛠️\\, ok\\; "));
    free(tail);
    assert_non_null(strstr(u, "\nSUMMARY:Ünïcödé Ünïcödé "));
    free(u);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(calendar_of_every_maintenance),
        cmocka_unit_test(a_service_narrows_it),
        cmocka_unit_test(long_unicode_text_is_folded_and_cut),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
