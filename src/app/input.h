/*
 * input — validation of use-case input (JSON objects in the API's shape).
 *
 * Each in_*() reads one field: an absent field leaves *OUT untouched and
 * succeeds unless REQUIRED; a field of the wrong type or out of range fills E
 * with a 400 that names the field and says what is accepted. Strings returned
 * point into IN and live as long as it does.
 */
#ifndef PHAROS_INPUT_H
#define PHAROS_INPUT_H
#include "core/err.h"
#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>

/* Refuses keys of IN not named in ALLOWED (NULL-terminated), listing the accepted ones. */
int in_only(json_t *in, const char *const *allowed, struct err *e);
bool in_has(json_t *in, const char *key);

int in_text(json_t *in, const char *key, size_t max, bool required, bool multiline,
            const char **out, struct err *e);
int in_bool(json_t *in, const char *key, bool *out, struct err *e);
int in_int(json_t *in, const char *key, int64_t min, int64_t max, int64_t *out, struct err *e);
/* An id (positive integer) or null (→ 0). */
int in_id_or_null(json_t *in, const char *key, int64_t *out, struct err *e);
/* An RFC 3339 time. */
int in_time(json_t *in, const char *key, bool required, int64_t *out, struct err *e);
/* Checks that VALUE is one of ACCEPTED (NULL-terminated); else a 400 naming FIELD and listing
 * them (a VALUE that is not UTF-8 is not quoted). */
int in_choice(const char *field, const char *value, const char *const *accepted, struct err *e);
/* A list filter from a query string: NULL or "" sets *OUT to NULL (no filter), anything else
 * must be one of ACCEPTED and is set. */
int in_filter(const char *field, const char *value, const char *const *accepted, const char **out,
              struct err *e);
/* A string field whose value must be one of ACCEPTED (NULL-terminated). */
int in_enum(json_t *in, const char *key, const char *const *accepted, bool required,
            const char **out, struct err *e);

/* List paging: ?limit= (1..500, default 50) and ?cursor= (opaque, from next_cursor). */
struct paging {
    int limit;
    int64_t cursor; /* 0: from the start */
};
int in_paging(const char *limit, const char *cursor, struct paging *out, struct err *e);
/* Sets "next_cursor" on OUT: the string of NEXT, or null when NEXT is 0. */
void out_next_cursor(json_t *out, int64_t next);
/*
 * The list reply {KEY: ROWS, "next_cursor": …} for ROWS read with a limit of
 * PG->limit + 1 (the extra row only tells that there is more; it is dropped).
 * With KEYSET the cursor is the "id" of the last row kept (the store reads the
 * next page after it, in its own order); otherwise it is an offset. Steals ROWS.
 */
json_t *out_list(const char *key, json_t *rows, const struct paging *pg, bool keyset);

#endif
