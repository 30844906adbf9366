/*
 * translations — an update's texts in other languages. See translations.h.
 */
#include "app/translations.h"
#include "core/text.h"
#include "core/utf8.h"
#include "render/i18n.h"
#include "store/pages.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ENTRY's optional KEY (a string of at most MAX characters) into the object OUT. */
static int read_text(const char *tag, const json_t *entry, const char *key, size_t max,
                     bool multiline, json_t *out, struct err *e)
{
    const json_t *v = json_object_get(entry, key);
    if (!v || json_is_null(v)) return 0;
    char field[64];
    snprintf(field, sizeof field, "translations.%s.%s", tag, key);
    if (!json_is_string(v)) return err_set(e, ERR_INVALID, "%s must be a string", field);
    const char *s = json_string_value(v);
    if (text_check(field, s, max, false, multiline, e) != 0) return -1;
    if (*s) json_object_set(out, key, (json_t *)v);
    return 0;
}

int app_translations_read(struct app_ctx *c, json_t *in, char **out, struct err *e)
{
    *out = NULL;
    const json_t *tr = json_object_get(in, "translations");
    if (!tr || json_is_null(tr)) return 0;
    if (!json_is_object(tr))
        return err_set(e, ERR_INVALID,
                       "translations must be an object of languages, as in "
                       "{\"de\":{\"title\":\"…\",\"message\":\"…\"}}");
    if (json_object_size(tr) == 0) return 0;
    json_t *page = store_page_get(c->db, c->page_id, e);
    if (!page) return e->code ? -1 : err_set(e, ERR_NOT_FOUND, "no such page");
    const char *def = i18n_canon(json_string_value(json_object_get(page, "default_language")));
    json_t *offered = json_object_get(page, "languages"), *all = json_object();
    char list[64] = "";
    size_t i;
    json_t *l;
    json_array_foreach(offered, i, l)
    {
        if (def && strcmp(json_string_value(l), def) == 0) continue;
        snprintf(list + strlen(list), sizeof list - strlen(list), "%s%s", *list ? ", " : "",
                 json_string_value(l));
    }
    const char *key;
    json_t *entry;
    int rc = 0;
    json_object_foreach((json_t *)tr, key, entry)
    {
        char quoted[24];
        const char *tag = i18n_canon(key);
        bool ok = false;
        json_array_foreach(offered, i, l) ok =
            ok || (tag && strcmp(json_string_value(l), tag) == 0);
        if (!ok || (def && tag == def)) {
            rc = err_set(e, ERR_INVALID,
                         tag && tag == def
                             ? "translations: %s is the page's default language (the update's "
                               "own text); the page's other languages: %s"
                             : "translations: \"%s\" is not a language this page offers; its "
                               "other languages: %s",
                         utf8_clip(key, quoted, sizeof quoted), *list ? list : "none");
            break;
        }
        if (!json_is_object(entry)) {
            rc = err_set(e, ERR_INVALID,
                         "translations.%s must be an object with a title, a message or both", tag);
            break;
        }
        json_t *one = json_object();
        json_object_set_new(all, tag, one);
        const char *k;
        json_t *v;
        json_object_foreach(entry, k, v)
        {
            if (strcmp(k, "title") != 0 && strcmp(k, "message") != 0) {
                rc = err_set(e, ERR_INVALID,
                             "translations.%s: unknown field \"%s\"; accepted fields: title, "
                             "message",
                             tag, utf8_clip(k, quoted, sizeof quoted));
                break;
            }
        }
        if (rc != 0 || (rc = read_text(tag, entry, "title", LIMIT_TITLE, false, one, e)) != 0 ||
            (rc = read_text(tag, entry, "message", LIMIT_MESSAGE, true, one, e)) != 0)
            break;
        if (json_object_size(one) == 0) {
            rc = err_set(e, ERR_INVALID, "translations.%s has neither a title nor a message", tag);
            break;
        }
    }
    if (rc == 0) *out = json_dumps(all, JSON_COMPACT | JSON_SORT_KEYS);
    json_decref(all);
    json_decref(page);
    return rc;
}
