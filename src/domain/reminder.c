/*
 * reminder — the maintenance reminder's rule and its wording. See reminder.h.
 */
#include "domain/reminder.h"
#include <assert.h>
#include <stdio.h>
#include <string.h>

int64_t reminder_time(int64_t start, int64_t created, int64_t minutes)
{
    assert(minutes >= 0);
    if (minutes == 0) return 0;
    int64_t at = start - minutes * 60;
    return created < at ? at : 0;
}

bool reminder_due(bool scheduled, bool reminded, int64_t start, int64_t created, int64_t minutes,
                  int64_t now)
{
    int64_t at = reminder_time(start, created, minutes);
    return scheduled && !reminded && at && at <= now && now < start;
}

/* Appends " N UNIT(s)" (without the leading space when BUF is empty) to BUF when it fits
 * whole. */
static void put_part(char *buf, size_t size, int64_t n, const char *unit)
{
    char part[48];
    size_t len = strlen(buf);
    int k = snprintf(part, sizeof part, "%s%lld %s%s", len ? " " : "", (long long)n, unit,
                     n == 1 ? "" : "s");
    if (k > 0 && len + (size_t)k < size) memcpy(buf + len, part, (size_t)k + 1);
}

char *reminder_lead(int64_t start, int64_t now, char *buf, size_t size)
{
    assert(size > 0);
    int64_t minutes = start > now ? (start - now + 59) / 60 : 1;
    int64_t days = minutes / 1440, hours = minutes % 1440 / 60, rest = minutes % 60;
    buf[0] = '\0';
    if (days) put_part(buf, size, days, "day");
    if (hours) put_part(buf, size, hours, "hour");
    if (rest) put_part(buf, size, rest, "minute");
    return buf;
}
