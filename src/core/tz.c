/*
 * tz — time zones on ICU. See tz.h.
 */
#include "core/tz.h"
#include <assert.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unicode/ucal.h>
#include <unicode/ustring.h>

/* NAME as UTF-16 into OUT (TZ_NAME_MAX units); false when too long or not a plausible name. */
static bool to_uchars(const char *name, UChar out[TZ_NAME_MAX])
{
    size_t n = name ? strlen(name) : 0;
    if (n == 0 || n >= TZ_NAME_MAX) return false;
    for (size_t i = 0; i < n; i++) {
        char c = name[i];
        if (!((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
              strchr("/_+-", c)))
            return false;
    }
    if (name[0] == '/' || strstr(name, "//")) return false;
    u_uastrcpy(out, name);
    return true;
}

/* True when the system's tz database has a TZif file for NAME. */
static bool in_system_db(const char *name)
{
    const char *dir = getenv("TZDIR");
    char path[512], magic[4];
    snprintf(path, sizeof path, "%s/%s", dir && *dir ? dir : "/usr/share/zoneinfo", name);
    FILE *f = fopen(path, "rb");
    if (!f) return false;
    size_t got = fread(magic, 1, sizeof magic, f);
    fclose(f);
    return got == 4 && memcmp(magic, "TZif", 4) == 0;
}

bool tz_known(const char *zone)
{
    UChar id[TZ_NAME_MAX], canon[TZ_NAME_MAX];
    UErrorCode st = U_ZERO_ERROR;
    UBool system = 0;
    if (!to_uchars(zone, id) || !in_system_db(zone)) return false;
    ucal_getCanonicalTimeZoneID(id, -1, canon, TZ_NAME_MAX, &system, &st);
    return U_SUCCESS(st) && system;
}

/* A Gregorian calendar of ZONE (caller closes), or NULL. */
static UCalendar *open_cal(const char *zone)
{
    UChar id[TZ_NAME_MAX];
    UErrorCode st = U_ZERO_ERROR;
    if (!tz_known(zone) || !to_uchars(zone, id)) return NULL;
    UCalendar *cal = ucal_open(id, -1, "en_US", UCAL_GREGORIAN, &st);
    if (U_FAILURE(st)) {
        if (cal) ucal_close(cal);
        return NULL;
    }
    return cal;
}

static void fill(UCalendar *cal, struct tz_time *out)
{
    UErrorCode st = U_ZERO_ERROR;
    *out = (struct tz_time){0};
    out->year = ucal_get(cal, UCAL_YEAR, &st);
    out->month = ucal_get(cal, UCAL_MONTH, &st) + 1;
    out->day = ucal_get(cal, UCAL_DATE, &st);
    out->hour = ucal_get(cal, UCAL_HOUR_OF_DAY, &st);
    out->minute = ucal_get(cal, UCAL_MINUTE, &st);
    out->second = ucal_get(cal, UCAL_SECOND, &st);
    out->weekday = ucal_get(cal, UCAL_DAY_OF_WEEK, &st) - UCAL_SUNDAY;
    int dst = ucal_get(cal, UCAL_DST_OFFSET, &st);
    out->offset_s = (ucal_get(cal, UCAL_ZONE_OFFSET, &st) + dst) / 1000;
    UChar name[TZ_ABBREV_MAX];
    UErrorCode nst = U_ZERO_ERROR;
    int32_t n = ucal_getTimeZoneDisplayName(cal, dst ? UCAL_SHORT_DST : UCAL_SHORT_STANDARD,
                                            "en_US", name, TZ_ABBREV_MAX, &nst);
    if (U_SUCCESS(nst) && n > 0 && n < TZ_ABBREV_MAX)
        u_austrncpy(out->abbrev, name, TZ_ABBREV_MAX - 1);
    else
        snprintf(out->abbrev, sizeof out->abbrev, "UTC%+d", out->offset_s / 3600);
    if (strcmp(out->abbrev, "GMT") == 0 && out->offset_s == 0)
        snprintf(out->abbrev, sizeof out->abbrev, "%s", "UTC");
}

int tz_split(const char *zone, int64_t t, struct tz_time *out)
{
    UCalendar *cal = open_cal(zone);
    UErrorCode st = U_ZERO_ERROR;
    if (!cal) return -1;
    ucal_setMillis(cal, (UDate)t * 1000.0, &st);
    if (U_SUCCESS(st)) fill(cal, out);
    ucal_close(cal);
    return U_SUCCESS(st) ? 0 : -1;
}

static int days_in(int year, int month)
{
    static const int d[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    bool leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
    return month == 2 && leap ? 29 : d[month - 1];
}

int tz_from_local(const char *zone, int year, int month, int day, int hour, int minute, int second,
                  int64_t *out)
{
    if (year < 1970 || year > 9999 || month < 1 || month > 12 || day < 1 ||
        day > days_in(year, month) || hour < 0 || hour > 23 || minute < 0 || minute > 59 ||
        second < 0 || second > 59)
        return -1;
    UCalendar *cal = open_cal(zone);
    UErrorCode st = U_ZERO_ERROR;
    if (!cal) return -1;
    /* lenient (the fields are checked above): a skipped wall time resolves, not fails */
    ucal_setAttribute(cal, UCAL_SKIPPED_WALL_TIME, UCAL_WALLTIME_NEXT_VALID);
    ucal_setAttribute(cal, UCAL_REPEATED_WALL_TIME, UCAL_WALLTIME_FIRST);
    ucal_setDateTime(cal, year, month - 1, day, hour, minute, second, &st);
    UDate ms = U_SUCCESS(st) ? ucal_getMillis(cal, &st) : 0;
    ucal_close(cal);
    if (U_FAILURE(st)) return -1; /* e.g. 31 February */
    *out = (int64_t)(ms / 1000.0);
    return 0;
}

static const struct tz_lang english = {
    .wday = {"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"},
    .mon = {"Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"},
    .date = "{wd} {d} {mon} {y}",
    .day = "{d} {mon}"};

/* PATTERN of LANG (struct tz_lang: "{wd}", "{d}", "{mon}", "{y}") for L into BUF. */
static char *put_date(const char *pattern, const struct tz_lang *lang, const struct tz_time *l,
                      char *buf, size_t size)
{
    assert(l->month >= 1 && l->month <= 12 && l->weekday >= 0 && l->weekday <= 6);
    size_t n = 0;
    buf[0] = '\0';
    for (const char *p = pattern; *p && n + 1 < size;) {
        char num[16];
        const char *v = NULL;
        size_t skip = 0;
        if (strncmp(p, "{wd}", 4) == 0)
            v = lang->wday[l->weekday], skip = 4;
        else if (strncmp(p, "{mon}", 5) == 0)
            v = lang->mon[l->month - 1], skip = 5;
        else if (strncmp(p, "{d}", 3) == 0)
            snprintf(num, sizeof num, "%d", l->day), v = num, skip = 3;
        else if (strncmp(p, "{y}", 3) == 0)
            snprintf(num, sizeof num, "%d", l->year), v = num, skip = 3;
        if (v) {
            n += (size_t)snprintf(buf + n, size - n, "%s", v);
            if (n >= size) n = size - 1;
            p += skip;
        } else {
            buf[n++] = *p++;
            buf[n] = '\0';
        }
    }
    return buf;
}

/* "Thu 10 Dec 2026" of L into BUF. */
static char *date_of(const struct tz_lang *lang, const struct tz_time *l, char *buf, size_t size)
{
    return put_date(lang->date, lang, l, buf, size);
}

/* "10 Dec" of L into BUF. */
static char *day_of(const struct tz_lang *lang, const struct tz_time *l, char *buf, size_t size)
{
    return put_date(lang->day, lang, l, buf, size);
}

char *tz_format(const struct tz_lang *lang, const char *zone, int64_t t, char *buf, size_t size)
{
    struct tz_time l;
    char date[96];
    buf[0] = '\0';
    if (!lang) lang = &english;
    if (tz_split(zone, t, &l) != 0) return buf;
    date_of(lang, &l, date, sizeof date);
    snprintf(buf, size, "%s %02d:%02d %s", date, l.hour, l.minute, l.abbrev);
    return buf;
}

char *tz_short(const struct tz_lang *lang, const char *zone, int64_t t, char *buf, size_t size)
{
    struct tz_time l;
    char day[64];
    buf[0] = '\0';
    if (!lang) lang = &english;
    if (tz_split(zone, t, &l) == 0)
        snprintf(buf, size, "%s %02d:%02d %s", day_of(lang, &l, day, sizeof day), l.hour, l.minute,
                 l.abbrev);
    return buf;
}

char *tz_window_short(const struct tz_lang *lang, const char *zone, int64_t start, int64_t end,
                      char *buf, size_t size)
{
    struct tz_time a, b;
    char da[64], db[64];
    buf[0] = '\0';
    if (!lang) lang = &english;
    if (tz_split(zone, start, &a) != 0 || tz_split(zone, end, &b) != 0) return buf;
    day_of(lang, &a, da, sizeof da);
    day_of(lang, &b, db, sizeof db);
    if (a.year == b.year && a.month == b.month && a.day == b.day)
        snprintf(buf, size, "%s %02d:%02d-%02d:%02d %s", da, a.hour, a.minute, b.hour, b.minute,
                 b.abbrev);
    else
        snprintf(buf, size, "%s %02d:%02d %s - %s %02d:%02d %s", da, a.hour, a.minute, a.abbrev, db,
                 b.hour, b.minute, b.abbrev);
    return buf;
}

char *tz_window_short_utc(const struct tz_lang *lang, const char *zone, int64_t start, int64_t end,
                          char *buf, size_t size)
{
    struct tz_time a, b;
    char local[160], utc[160], day[64];
    buf[0] = '\0';
    if (!lang) lang = &english;
    if (tz_split(zone, start, &a) != 0 || tz_split(zone, end, &b) != 0 ||
        !*tz_window_short(lang, zone, start, end, local, sizeof local) ||
        !*tz_window_short(lang, "UTC", start, end, utc, sizeof utc))
        return buf;
    if (a.offset_s == 0 && b.offset_s == 0) {
        snprintf(buf, size, "%s", local);
        return buf;
    }
    /* the local start's day: the UTC part leaves it out when it starts on that day */
    day_of(lang, &a, day, sizeof day);
    size_t n = strlen(day);
    const char *u = strncmp(utc, day, n) == 0 && utc[n] == ' ' ? utc + n + 1 : utc;
    snprintf(buf, size, "%s / %s", local, u);
    return buf;
}

char *tz_window(const struct tz_lang *lang, const char *zone, int64_t start, int64_t end, char *buf,
                size_t size)
{
    struct tz_time a, b, ua, ub;
    char da[96], db[96], dua[96], dub[96], utc[256] = "";
    buf[0] = '\0';
    if (!lang) lang = &english;
    if (tz_split(zone, start, &a) != 0 || tz_split(zone, end, &b) != 0 ||
        tz_split("UTC", start, &ua) != 0 || tz_split("UTC", end, &ub) != 0)
        return buf;
    date_of(lang, &a, da, sizeof da);
    date_of(lang, &b, db, sizeof db);
    date_of(lang, &ua, dua, sizeof dua);
    date_of(lang, &ub, dub, sizeof dub);
    bool same = strcmp(da, db) == 0, usame = strcmp(dua, dub) == 0;
    bool is_utc = a.offset_s == 0 && b.offset_s == 0 && strcmp(a.abbrev, "UTC") == 0;
    if (!is_utc)
        snprintf(utc, sizeof utc, " (%s%s%02d:%02d–%s%s%02d:%02d UTC)",
                 strcmp(dua, da) == 0 ? "" : dua, strcmp(dua, da) == 0 ? "" : " ", ua.hour,
                 ua.minute, usame ? "" : dub, usame ? "" : " ", ub.hour, ub.minute);
    if (same)
        snprintf(buf, size, "%s %02d:%02d–%02d:%02d %s%s", da, a.hour, a.minute, b.hour, b.minute,
                 b.abbrev, utc);
    else
        snprintf(buf, size, "%s %02d:%02d %s – %s %02d:%02d %s%s", da, a.hour, a.minute, a.abbrev,
                 db, b.hour, b.minute, b.abbrev, utc);
    return buf;
}
