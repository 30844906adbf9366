/*
 * input — field validators. See input.h.
 */
#include "app/input.h"
#include "core/timeutil.h"
#include "core/utf8.h"
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int in_only(json_t *in, const char *const *allowed, struct err *e)
{
    const char *key;
    json_t *v;
    json_object_foreach(in, key, v)
    {
        bool ok = false;
        for (int i = 0; allowed[i]; i++)
            if (strcmp(key, allowed[i]) == 0)
                ok = true;
        if (!ok) {
            char list[256] = "";
            for (int i = 0; allowed[i]; i++) {
                if (i)
                    strncat(list, ", ", sizeof list - strlen(list) - 1);
                strncat(list, allowed[i], sizeof list - strlen(list) - 1);
            }
            return err_set(e, ERR_INVALID, "unknown field \"%.64s\"; accepted fields: %s", key, list);
        }
    }
    return 0;
}

bool in_has(json_t *in, const char *key)
{
    return json_object_get(in, key) != NULL;
}

int in_text(json_t *in, const char *key, size_t max, bool required, bool multiline,
            const char **out, struct err *e)
{
    json_t *v = json_object_get(in, key);
    if (!v || json_is_null(v)) {
        if (required)
            return err_set(e, ERR_INVALID, "%s is required", key);
        return 0;
    }
    if (!json_is_string(v))
        return err_set(e, ERR_INVALID, "%s must be a string", key);
    const char *s = json_string_value(v);
    if (strlen(s) != json_string_length(v))
        return err_set(e, ERR_INVALID, "%s contains a NUL character", key);
    if (text_check(key, s, max, required, multiline, e) != 0)
        return -1;
    *out = s;
    return 0;
}

int in_bool(json_t *in, const char *key, bool *out, struct err *e)
{
    json_t *v = json_object_get(in, key);
    if (!v)
        return 0;
    if (!json_is_boolean(v))
        return err_set(e, ERR_INVALID, "%s must be true or false", key);
    *out = json_is_true(v);
    return 0;
}

int in_int(json_t *in, const char *key, int64_t min, int64_t max, int64_t *out, struct err *e)
{
    json_t *v = json_object_get(in, key);
    if (!v)
        return 0;
    if (!json_is_integer(v) || json_integer_value(v) < min || json_integer_value(v) > max)
        return err_set(e, ERR_INVALID, "%s must be a whole number from %lld to %lld", key,
                       (long long)min, (long long)max);
    *out = json_integer_value(v);
    return 0;
}

int in_id_or_null(json_t *in, const char *key, int64_t *out, struct err *e)
{
    json_t *v = json_object_get(in, key);
    if (!v)
        return 0;
    if (json_is_null(v)) {
        *out = 0;
        return 0;
    }
    if (!json_is_integer(v) || json_integer_value(v) <= 0)
        return err_set(e, ERR_INVALID, "%s must be an id (a positive whole number) or null", key);
    *out = json_integer_value(v);
    return 0;
}

int in_time(json_t *in, const char *key, bool required, int64_t *out, struct err *e)
{
    json_t *v = json_object_get(in, key);
    if (!v || json_is_null(v)) {
        if (required)
            return err_set(e, ERR_INVALID, "%s is required (an RFC 3339 time such as "
                                           "2026-11-26T17:00:00Z)", key);
        return 0;
    }
    if (!json_is_string(v) || time_parse(json_string_value(v), out) != 0)
        return err_set(e, ERR_INVALID,
                       "%s must be an RFC 3339 time such as 2026-11-26T17:00:00Z", key);
    return 0;
}

static int parse_pos(const char *s, int64_t *out)
{
    if (!s || !*s || strlen(s) > 18)
        return -1;
    for (const char *p = s; *p; p++)
        if (!isdigit((unsigned char)*p))
            return -1;
    *out = strtoll(s, NULL, 10);
    return 0;
}

int in_paging(const char *limit, const char *cursor, struct paging *out, struct err *e)
{
    out->limit = 50;
    out->cursor = 0;
    if (limit) {
        int64_t l;
        if (parse_pos(limit, &l) != 0 || l < 1 || l > 500)
            return err_set(e, ERR_INVALID, "limit must be a whole number from 1 to 500");
        out->limit = (int)l;
    }
    if (cursor && *cursor && parse_pos(cursor, &out->cursor) != 0)
        return err_set(e, ERR_INVALID, "cursor must be a next_cursor value from a previous page");
    return 0;
}

void out_next_cursor(json_t *out, int64_t next)
{
    if (!next) {
        json_object_set_new(out, "next_cursor", json_null());
        return;
    }
    char buf[24];
    snprintf(buf, sizeof buf, "%lld", (long long)next);
    json_object_set_new(out, "next_cursor", json_string(buf));
}
