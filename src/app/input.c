/*
 * input — field validators. See input.h.
 */
#include "app/input.h"
#include "core/text.h"
#include "core/timeutil.h"
#include "core/utf8.h"
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* "a, b, c" of ACCEPTED into BUF. */
static const char *join(const char *const *accepted, char *buf, size_t size)
{
    buf[0] = '\0';
    for (int i = 0; accepted[i]; i++) {
        if (i) strncat(buf, ", ", size - strlen(buf) - 1);
        strncat(buf, accepted[i], size - strlen(buf) - 1);
    }
    return buf;
}

int in_only(json_t *in, const char *const *allowed, struct err *e)
{
    const char *key;
    json_t *v;
    json_object_foreach(in, key, v)
    {
        bool ok = false;
        for (int i = 0; allowed[i]; i++)
            if (strcmp(key, allowed[i]) == 0) ok = true;
        if (!ok) {
            /* clipped at a character boundary: the message goes into a JSON body */
            char list[256], quoted[65];
            return err_set(e, ERR_INVALID, "unknown field \"%s\"; accepted fields: %s",
                           utf8_clip(key, quoted, sizeof quoted), join(allowed, list, sizeof list));
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
        if (required) return err_set(e, ERR_INVALID, "%s is required", key);
        return 0;
    }
    if (!json_is_string(v)) return err_set(e, ERR_INVALID, "%s must be a string", key);
    const char *s = json_string_value(v);
    if (strlen(s) != json_string_length(v))
        return err_set(e, ERR_INVALID, "%s contains a NUL character", key);
    if (text_check(key, s, max, required, multiline, e) != 0) return -1;
    *out = s;
    return 0;
}

int in_bool(json_t *in, const char *key, bool *out, struct err *e)
{
    json_t *v = json_object_get(in, key);
    if (!v) return 0;
    if (!json_is_boolean(v)) return err_set(e, ERR_INVALID, "%s must be true or false", key);
    *out = json_is_true(v);
    return 0;
}

int in_int(json_t *in, const char *key, int64_t min, int64_t max, int64_t *out, struct err *e)
{
    json_t *v = json_object_get(in, key);
    if (!v) return 0;
    if (!json_is_integer(v) || json_integer_value(v) < min || json_integer_value(v) > max)
        return err_set(e, ERR_INVALID, "%s must be a whole number from %lld to %lld", key,
                       (long long)min, (long long)max);
    *out = json_integer_value(v);
    return 0;
}

int in_id_or_null(json_t *in, const char *key, int64_t *out, struct err *e)
{
    json_t *v = json_object_get(in, key);
    if (!v) return 0;
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
            return err_set(e, ERR_INVALID,
                           "%s is required (an RFC 3339 time such as "
                           "2026-11-26T17:00:00Z)",
                           key);
        return 0;
    }
    if (!json_is_string(v) || time_parse(json_string_value(v), out) != 0)
        return err_set(e, ERR_INVALID, "%s must be an RFC 3339 time such as 2026-11-26T17:00:00Z",
                       key);
    return 0;
}

int in_choice(const char *field, const char *value, const char *const *accepted, struct err *e)
{
    for (int i = 0; accepted[i]; i++)
        if (strcmp(value, accepted[i]) == 0) return 0;
    char list[256], quoted[48];
    if (utf8_length(value, strlen(value)) < 0)
        return err_set(e, ERR_INVALID, "%s is not valid UTF-8 text; accepted: %s", field,
                       join(accepted, list, sizeof list));
    return err_set(e, ERR_INVALID, "unknown %s \"%s\"; accepted: %s", field,
                   utf8_clip(value, quoted, sizeof quoted), join(accepted, list, sizeof list));
}

int in_filter(const char *field, const char *value, const char *const *accepted, const char **out,
              struct err *e)
{
    *out = NULL;
    if (!value || !*value) return 0;
    if (in_choice(field, value, accepted, e) != 0) return -1;
    *out = value;
    return 0;
}

int in_enum(json_t *in, const char *key, const char *const *accepted, bool required,
            const char **out, struct err *e)
{
    const char *s = NULL;
    char list[256];
    json_t *v = json_object_get(in, key);
    if (v && !json_is_null(v) && !json_is_string(v))
        return err_set(e, ERR_INVALID, "%s must be a string, one of: %s", key,
                       join(accepted, list, sizeof list));
    if (in_text(in, key, LIMIT_SHORT, required, false, &s, e) != 0) return -1;
    if (!s) return 0;
    if (in_choice(key, s, accepted, e) != 0) return -1;
    *out = s;
    return 0;
}

static int parse_pos(const char *s, int64_t *out)
{
    if (!s || !*s || strlen(s) > 18) return -1;
    for (const char *p = s; *p; p++)
        if (!isdigit((unsigned char)*p)) return -1;
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

json_t *out_list(const char *key, json_t *rows, const struct paging *pg, bool keyset)
{
    int64_t next = 0;
    if (json_array_size(rows) > (size_t)pg->limit) {
        json_array_remove(rows, (size_t)pg->limit);
        next = keyset ? json_integer_value(
                            json_object_get(json_array_get(rows, (size_t)pg->limit - 1), "id"))
                      : pg->cursor + pg->limit;
    }
    json_t *out = json_pack("{s:o}", key, rows);
    out_next_cursor(out, next);
    return out;
}
