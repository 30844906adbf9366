/*
 * ical — the maintenance calendar as iCalendar. See ical.h.
 */
#include "render/ical.h"
#include "core/buf.h"
#include "core/timeutil.h"
#include "core/xalloc.h"
#include <assert.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

enum { CALENDAR_MAX = 64 << 20 };

static const char *str(const json_t *o, const char *key)
{
    const char *s = json_string_value(json_object_get(o, key));
    return s ? s : "";
}

/* Appends LINE (LEN octets, no line break) to B folded at ICAL_LINE_MAX octets: each
 * continuation line starts with a space and holds at most ICAL_LINE_MAX - 1 octets of
 * LINE, cut before a UTF-8 continuation byte, never inside a sequence. */
static void put_folded(struct buf *b, const char *line, size_t len)
{
    size_t room = ICAL_LINE_MAX;
    while (len > room) {
        size_t cut = room;
        while (cut > 1 && ((unsigned char)line[cut] & 0xc0) == 0x80)
            cut--;
        buf_append(b, line, cut);
        buf_puts(b, "\r\n ");
        line += cut;
        len -= cut;
        room = ICAL_LINE_MAX - 1;
    }
    buf_append(b, line, len);
    buf_puts(b, "\r\n");
}

/* Appends S to B escaped as a TEXT value (RFC 5545 §3.3.11). */
static void put_text(struct buf *b, const char *s)
{
    for (; *s; s++) {
        unsigned char c = (unsigned char)*s;
        if (c == '\\' || c == ';' || c == ',') {
            buf_putc(b, '\\');
            buf_putc(b, (char)c);
        } else if (c == '\n') {
            buf_puts(b, "\\n");
        } else if (c == '\r') {
            continue; /* CRLF and CR alone: the LF (or nothing) stands for the break */
        } else if ((c < 0x20 && c != '\t') || c == 0x7f) {
            buf_putc(b, ' ');
        } else {
            buf_putc(b, (char)c);
        }
    }
}

/* How many bytes of S to keep: all of them, or at most MAX cut at a UTF-8 boundary. */
static size_t clip(const char *s, size_t max)
{
    size_t n = strlen(s);
    if (n <= max) return n;
    while (max && ((unsigned char)s[max] & 0xc0) == 0x80)
        max--;
    return max;
}

/* The property NAME:VALUE, folded; VALUE escaped as TEXT, or as it is (a URI). */
static void put_prop(struct buf *b, const char *name, const char *value, bool text)
{
    struct buf line;
    buf_init(&line, CALENDAR_MAX);
    buf_printf(&line, "%s:", name);
    if (text)
        put_text(&line, value);
    else
        buf_puts(&line, value);
    put_folded(b, buf_cstr(&line), line.len);
    buf_free(&line);
}

/* T as an iCalendar UTC date-time: "20261210T080000Z" into BUF (17 bytes). */
static const char *ical_time(int64_t t, char *buf)
{
    time_t tt = (time_t)t;
    struct tm tm;
    if (!gmtime_r(&tt, &tm) || strftime(buf, 17, "%Y%m%dT%H%M%SZ", &tm) == 0) buf[0] = '\0';
    return buf;
}

static int64_t time_of(const json_t *o, const char *key)
{
    int64_t t = 0;
    if (time_parse(str(o, key), &t) != 0) t = 0;
    return t;
}

static void put_time(struct buf *b, const char *name, int64_t t)
{
    char v[17];
    buf_printf(b, "%s:%s\r\n", name, ical_time(t, v));
}

/* The host of URL ("https://status.example.com:8443/x" → "status.example.com"). */
static void url_host(const char *url, char *buf, size_t size)
{
    const char *p = strstr(url, "://");
    p = p ? p + 3 : url;
    size_t n = strcspn(p, "/");
    const char *colon = memchr(p, ':', n);
    if (colon && *p != '[') n = (size_t)(colon - p); /* the port; an IPv6 literal keeps it */
    snprintf(buf, size, "%.*s", (int)n, p);
}

/* Whether calendar event EV links service SERVICE_ID. */
static bool links(const json_t *ev, int64_t service_id)
{
    size_t i;
    json_t *s;
    json_array_foreach(json_object_get(ev, "services"), i, s)
    {
        if (json_integer_value(json_object_get(s, "id")) == service_id) return true;
    }
    return false;
}

static void put_event(struct buf *b, const json_t *ev, const char *base, const char *host)
{
    int64_t id = json_integer_value(json_object_get(ev, "id"));
    int64_t start = time_of(ev, "scheduled_start"), end = time_of(ev, "scheduled_end");
    int64_t done = time_of(ev, "completed_at"), updated = time_of(ev, "updated_at");
    bool cancelled = done && done <= start; /* completed before it began */
    if (done > start && done < end) end = done;
    assert(end > start);
    char uid[320], url[1200];
    snprintf(uid, sizeof uid, "maintenance-%lld@%s", (long long)id, host);
    snprintf(url, sizeof url, "%s/%s", base, str(ev, "path"));
    struct buf d;
    buf_init(&d, CALENDAR_MAX);
    const char *msg = str(ev, "message_text");
    size_t keep = clip(msg, ICAL_DESCRIPTION_MAX);
    if (*msg) buf_printf(&d, "%.*s%s\n\n", (int)keep, msg, msg[keep] ? "…" : "");
    buf_printf(&d, "Status: %s", str(ev, "stage_label"));
    const json_t *svcs = json_object_get(ev, "services");
    size_t i, n = json_array_size(svcs);
    for (i = 0; i < n && i < ICAL_SERVICES_MAX; i++)
        buf_printf(&d, "%s%s", i ? ", " : "\nAffects: ", str(json_array_get(svcs, i), "name"));
    if (n > ICAL_SERVICES_MAX) buf_printf(&d, " and %zu more", n - ICAL_SERVICES_MAX);

    buf_puts(b, "BEGIN:VEVENT\r\n");
    put_prop(b, "UID", uid, true);
    put_time(b, "DTSTAMP", updated);
    put_time(b, "CREATED", time_of(ev, "created_at"));
    put_time(b, "LAST-MODIFIED", updated);
    put_time(b, "DTSTART", start);
    put_time(b, "DTEND", end);
    put_prop(b, "SUMMARY", str(ev, "title"), true);
    put_prop(b, "DESCRIPTION", buf_cstr(&d), true);
    put_prop(b, "URL", url, false);
    buf_printf(b, "STATUS:%s\r\n", cancelled ? "CANCELLED" : "CONFIRMED");
    buf_puts(b, "TRANSP:TRANSPARENT\r\nCATEGORIES:Maintenance\r\nEND:VEVENT\r\n");
    buf_free(&d);
}

/* The name of service SERVICE_ID among MODEL's services ("" when it is none of them). */
static const char *service_name(const json_t *model, int64_t service_id)
{
    size_t i;
    json_t *s;
    json_array_foreach(json_object_get(model, "services"), i, s)
    {
        if (json_integer_value(json_object_get(s, "id")) == service_id) return str(s, "name");
    }
    return "";
}

char *ical_render(const json_t *model, int64_t service_id, size_t *len)
{
    const json_t *page = json_object_get(model, "page");
    const char *base = str(page, "url");
    char host[256], *name;
    url_host(base, host, sizeof host);
    if (service_id)
        name = xasprintf("%s maintenance: %s", str(page, "title"), service_name(model, service_id));
    else
        name = xasprintf("%s maintenance", str(page, "title"));
    struct buf b;
    buf_init(&b, CALENDAR_MAX);
    buf_puts(&b, "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//pharos//pharos status page//EN\r\n"
                 "CALSCALE:GREGORIAN\r\n");
    put_prop(&b, "X-WR-CALNAME", name, true);
    put_prop(&b, "NAME", name, true);
    put_prop(&b, "X-WR-CALDESC", "Scheduled maintenance, in progress and of the last 30 days",
             true);
    put_prop(&b, "URL", base, false);
    buf_puts(&b, "REFRESH-INTERVAL;VALUE=DURATION:PT1H\r\nX-PUBLISHED-TTL:PT1H\r\n");
    size_t i;
    json_t *ev;
    json_array_foreach(json_object_get(model, "calendar"), i, ev)
    {
        if (!service_id || links(ev, service_id)) put_event(&b, ev, base, host);
    }
    buf_puts(&b, "END:VCALENDAR\r\n");
    free(name);
    assert(!buf_full(&b)); /* 500 events of at most a few KiB each */
    *len = b.len;
    return buf_steal(&b);
}
