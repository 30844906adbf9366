/*
 * tz — IANA time zones (a page's time_zone, SPEC §6/§15): checking a name, a
 * moment's wall time in a zone, a wall time in a zone as a moment, and moments
 * written for people in a zone. ICU (libicu, Debian's) does the calendar work; a
 * name is known when the system's tz database has it (a TZif file under
 * /usr/share/zoneinfo, or $TZDIR) and ICU has it too, so "Europe/Pariss" and
 * "Mars/Olympus" are refused rather than read as UTC. Thread-safe: every call has
 * its own calendar.
 *
 * Wall times that do not exist (the hour skipped in spring) move forward by the
 * gap; wall times that happen twice (the hour repeated in autumn) take the first.
 *
 * The writing functions take the language's words and orders (struct tz_lang, which
 * render/i18n.h fills from a message catalogue; NULL: English, as in the examples).
 */
#ifndef PHAROS_CORE_TZ_H
#define PHAROS_CORE_TZ_H
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum { TZ_NAME_MAX = 64, TZ_ABBREV_MAX = 16 };

/* A moment as a zone's clock shows it. */
struct tz_time {
    int year, month, day, hour, minute, second; /* month 1..12 */
    int weekday;                                /* 0 Sunday .. 6 Saturday */
    int offset_s;                               /* local - UTC, seconds */
    char abbrev[TZ_ABBREV_MAX];                 /* "CET", "EDT", "GMT+5:30", "UTC" */
};

/* How a language writes a date: the names of the weekdays (Sunday first) and months, and
 * the patterns of a whole date and of a day, with "{wd}", "{d}", "{mon}", "{y}" in them. */
struct tz_lang {
    const char *wday[7], *mon[12];
    const char *date; /* "{wd} {d} {mon} {y}": "Thu 10 Dec 2026" */
    const char *day;  /* "{d} {mon}": "10 Dec" */
};
/* True when ZONE names a time zone of the system's tz database that ICU knows. */
bool tz_known(const char *zone);

/* Moment T (Unix seconds) in ZONE into *OUT. Returns 0, or -1 for an unknown ZONE. */
int tz_split(const char *zone, int64_t t, struct tz_time *out);

/* The moment at which ZONE's clock shows YEAR-MONTH-DAY HOUR:MINUTE:SECOND, into *OUT.
 * Returns 0, or -1 for an unknown ZONE or fields out of range. */
int tz_from_local(const char *zone, int year, int month, int day, int hour, int minute, int second,
                  int64_t *out);

/* T in ZONE as LANG writes it, "Thu 10 Dec 2026 09:00 CET", into BUF. Returns BUF ("" on error). */
char *tz_format(const struct tz_lang *lang, const char *zone, int64_t t, char *buf, size_t size);

/*
 * The window START..END in ZONE and in UTC for a message: "Thu 10 Dec 2026 09:00–11:00
 * CET (08:00–10:00 UTC)", the end's date written when it falls on another day, the UTC
 * part left out when ZONE is UTC. Returns BUF ("" on error).
 */
char *tz_window(const struct tz_lang *lang, const char *zone, int64_t start, int64_t end, char *buf,
                size_t size);

/* T in ZONE as "10 Dec 09:00 CET", for a text message. Returns BUF ("" on error). */
char *tz_short(const struct tz_lang *lang, const char *zone, int64_t t, char *buf, size_t size);
/* START..END in ZONE as "10 Dec 09:00-11:00 CET" (or "10 Dec 09:00 CET - 11 Dec 09:00 CET"),
 * for a text message. Returns BUF ("" on error). */
char *tz_window_short(const struct tz_lang *lang, const char *zone, int64_t start, int64_t end,
                      char *buf, size_t size);
/* The same followed by the window in UTC, for a message with room for both:
 * "10 Dec 09:00-11:00 CET / 08:00-10:00 UTC" (the UTC part dated when it starts on another
 * day: "10 Dec 00:30-02:00 CET / 9 Dec 23:30 UTC - 10 Dec 01:00 UTC"); ZONE's alone when it
 * is UTC's clock. Returns BUF ("" on error). */
char *tz_window_short_utc(const struct tz_lang *lang, const char *zone, int64_t start, int64_t end,
                          char *buf, size_t size);

#endif
