/*
 * Unit tests for store/pages against a temporary database: inserting pages
 * (a duplicate slug is a 409 naming the slug), reading one with its defaults,
 * sorted hosts and parsed footer links, listing and finding by slug, updating;
 * host lists replaced as a whole and unique across pages (a taken host is a 409
 * naming it and the page that holds it; a host twice in one list is a 409 too);
 * the default page; and resolving a Host: a known host gives its page, an unknown,
 * empty or missing one the default page (slug "default", else the oldest), and
 * no page at all gives 0. Public changes: committed ones are rows by id with their
 * page and node (not a rolled back one), a node reads the others' (the command
 * line's too) since a time, and a prune deletes the old ones.
 */
#include "core/log.h"
#include "store/pages.h"
#include "testutil.h"

struct fixture {
    char dir[64];
    struct db *db;
};

static int setup(void **state)
{
    log_set_level(LOG_WARN);
    struct fixture *f = calloc(1, sizeof *f);
    f->db = test_db_open(f->dir);
    *state = f;
    return f->db ? 0 : -1;
}

static int teardown(void **state)
{
    struct fixture *f = *state;
    test_db_close(f->db, f->dir);
    free(f);
    return 0;
}

static struct db *db_of(void **state)
{
    return ((struct fixture *)*state)->db;
}

static int64_t add_page(struct db *db, const char *slug, const char *title)
{
    struct err e = {0};
    int64_t id = store_page_insert(db, slug, title, &e);
    if (id <= 0) fail_msg("inserting page %s: %s", slug, e.msg);
    return id;
}

/* Sets the hosts of PAGE to the JSON array text HOSTS; returns the store's result. */
static int set_hosts(struct db *db, int64_t page, const char *hosts, struct err *e)
{
    json_t *h = json_loads(hosts, 0, NULL);
    assert_non_null(h);
    int rc = store_page_hosts_set(db, page, h, e);
    json_decref(h);
    return rc;
}

static void insert_and_get_with_defaults(void **state)
{
    struct db *db = db_of(state);
    struct err e = {0};
    int64_t id = add_page(db, "acme", "Acme Status");
    json_t *p = store_page_get(db, id, &e);
    assert_non_null(p);
    assert_int_equal(json_integer_value(json_object_get(p, "id")), id);
    assert_string_equal(json_string_value(json_object_get(p, "slug")), "acme");
    assert_string_equal(json_string_value(json_object_get(p, "title")), "Acme Status");
    assert_string_equal(json_string_value(json_object_get(p, "base_url")), "");
    assert_string_equal(json_string_value(json_object_get(p, "logo_url")), "");
    assert_string_equal(json_string_value(json_object_get(p, "brand_color")), "#1f6feb");
    assert_string_equal(json_string_value(json_object_get(p, "time_zone")), "UTC");
    assert_int_equal(json_integer_value(json_object_get(p, "reminder_min")), 60);
    assert_true(json_is_array(json_object_get(p, "footer_links")));
    assert_int_equal(json_array_size(json_object_get(p, "footer_links")), 0);
    assert_true(json_is_array(json_object_get(p, "hosts")));
    assert_int_equal(json_array_size(json_object_get(p, "hosts")), 0);
    const char *created = json_string_value(json_object_get(p, "created_at"));
    assert_non_null(created);
    assert_int_equal(strlen(created), 20);
    assert_int_equal(created[19], 'Z');
    assert_non_null(json_string_value(json_object_get(p, "updated_at")));
    json_decref(p);
}

static void get_unknown_page_is_null_with_ok(void **state)
{
    struct db *db = db_of(state);
    struct err e = {.code = ERR_INTERNAL};
    assert_null(store_page_get(db, 424242, &e));
    assert_int_equal(e.code, ERR_OK);
}

static void duplicate_slug_is_a_conflict_naming_it(void **state)
{
    struct db *db = db_of(state);
    struct err e = {0};
    add_page(db, "acme", "Acme");
    assert_int_equal(store_page_insert(db, "acme", "Again", &e), -1);
    assert_int_equal(e.code, ERR_CONFLICT);
    assert_non_null(strstr(e.msg, "\"acme\""));
    json_t *all = store_pages_list(db, &e);
    assert_int_equal(json_array_size(all), 1);
    json_decref(all);
}

static void id_by_slug_finds_or_not(void **state)
{
    struct db *db = db_of(state);
    struct err e = {0};
    int64_t id = add_page(db, "acme", "Acme");
    int64_t got = 0;
    assert_int_equal(store_page_id_by_slug(db, "acme", &got, &e), 1);
    assert_int_equal(got, id);
    assert_int_equal(store_page_id_by_slug(db, "nope", &got, &e), 0);
}

static void list_is_ordered_by_id_with_hosts(void **state)
{
    struct db *db = db_of(state);
    struct err e = {0};
    int64_t a = add_page(db, "b-second-by-name", "A");
    int64_t b = add_page(db, "a-first-by-name", "B");
    assert_int_equal(set_hosts(db, b, "[\"b.example\"]", &e), 0);
    json_t *all = store_pages_list(db, &e);
    assert_int_equal(json_array_size(all), 2);
    assert_int_equal(json_integer_value(json_object_get(json_array_get(all, 0), "id")), a);
    json_t *second = json_array_get(all, 1);
    assert_int_equal(json_integer_value(json_object_get(second, "id")), b);
    assert_string_equal(json_string_value(json_array_get(json_object_get(second, "hosts"), 0)),
                        "b.example");
    json_decref(all);
}

static void hosts_are_returned_sorted(void **state)
{
    struct db *db = db_of(state);
    struct err e = {0};
    int64_t id = add_page(db, "acme", "Acme");
    assert_int_equal(set_hosts(db, id, "[\"status.acme.com\", \"acme.example\"]", &e), 0);
    json_t *p = store_page_get(db, id, &e);
    char *hosts = json_dumps(json_object_get(p, "hosts"), JSON_COMPACT);
    assert_string_equal(hosts, "[\"acme.example\",\"status.acme.com\"]");
    free(hosts);
    json_decref(p);
}

static void setting_hosts_replaces_the_old_ones(void **state)
{
    struct db *db = db_of(state);
    struct err e = {0};
    int64_t id = add_page(db, "acme", "Acme");
    int64_t other = add_page(db, "other", "Other");
    assert_int_equal(set_hosts(db, id, "[\"old.acme.com\"]", &e), 0);
    assert_int_equal(set_hosts(db, id, "[\"new.acme.com\"]", &e), 0);
    json_t *p = store_page_get(db, id, &e);
    char *hosts = json_dumps(json_object_get(p, "hosts"), JSON_COMPACT);
    assert_string_equal(hosts, "[\"new.acme.com\"]");
    free(hosts);
    json_decref(p);
    /* the released host is free for another page */
    assert_int_equal(set_hosts(db, other, "[\"old.acme.com\"]", &e), 0);
    assert_int_equal(set_hosts(db, id, "[]", &e), 0);
    p = store_page_get(db, id, &e);
    assert_int_equal(json_array_size(json_object_get(p, "hosts")), 0);
    json_decref(p);
}

static void a_host_belongs_to_one_page_only(void **state)
{
    struct db *db = db_of(state);
    struct err e = {0};
    int64_t a = add_page(db, "a", "A");
    int64_t b = add_page(db, "b", "B");
    assert_int_equal(set_hosts(db, a, "[\"status.shared.com\"]", &e), 0);
    assert_int_equal(set_hosts(db, b, "[\"b.example\"]", &e), 0);
    assert_int_equal(db_begin(db, &e), 0);
    assert_int_equal(set_hosts(db, b, "[\"b2.example\", \"status.shared.com\"]", &e), -1);
    assert_int_equal(e.code, ERR_CONFLICT);
    assert_string_equal(e.msg, "host status.shared.com already belongs to page \"a\"");
    db_rollback(db);
    /* after the caller's rollback, both pages keep what they had */
    assert_int_equal(store_page_resolve(db, "status.shared.com", &e), a);
    assert_int_equal(store_page_resolve(db, "b.example", &e), b);
}

static void the_same_host_twice_in_one_list_is_a_conflict(void **state)
{
    struct db *db = db_of(state);
    struct err e = {0};
    int64_t a = add_page(db, "a", "A");
    assert_int_equal(set_hosts(db, a, "[\"x.example\", \"x.example\"]", &e), -1);
    assert_int_equal(e.code, ERR_CONFLICT);
    assert_string_equal(e.msg, "host x.example is listed twice");
}

static void a_page_may_keep_its_own_hosts(void **state)
{
    struct db *db = db_of(state);
    struct err e = {0};
    int64_t a = add_page(db, "a", "A");
    assert_int_equal(set_hosts(db, a, "[\"a.example\", \"b.example\"]", &e), 0);
    assert_int_equal(set_hosts(db, a, "[\"b.example\", \"a.example\", \"c.example\"]", &e), 0);
    assert_int_equal(store_page_resolve(db, "c.example", &e), a);
}

static void the_default_page_is_slug_default_else_the_oldest(void **state)
{
    struct db *db = db_of(state);
    struct err e = {0};
    assert_int_equal(store_page_default(db, &e), 0);
    int64_t first = add_page(db, "first", "First");
    assert_int_equal(store_page_default(db, &e), first);
    int64_t def = add_page(db, "default", "Status");
    assert_int_equal(store_page_default(db, &e), def);
}

static void resolve_finds_the_page_of_a_host(void **state)
{
    struct db *db = db_of(state);
    struct err e = {0};
    add_page(db, "default", "Status");
    int64_t acme = add_page(db, "acme", "Acme");
    assert_int_equal(set_hosts(db, acme, "[\"status.acme.com\"]", &e), 0);
    assert_int_equal(store_page_resolve(db, "status.acme.com", &e), acme);
}

static void resolve_gives_the_default_page_for_unknown_hosts(void **state)
{
    struct db *db = db_of(state);
    struct err e = {0};
    int64_t first = add_page(db, "first", "First");
    int64_t def = add_page(db, "default", "Status");
    int64_t acme = add_page(db, "acme", "Acme");
    assert_int_equal(set_hosts(db, acme, "[\"status.acme.com\"]", &e), 0);
    (void)first;
    assert_int_equal(store_page_resolve(db, "unknown.example", &e), def);
    assert_int_equal(store_page_resolve(db, "", &e), def);
    assert_int_equal(store_page_resolve(db, NULL, &e), def);
    /* hosts are stored lower-case without port; the caller normalises */
    assert_int_equal(store_page_resolve(db, "status.acme.com:8080", &e), def);
}

static void resolve_falls_back_to_the_oldest_page_without_a_default(void **state)
{
    struct db *db = db_of(state);
    struct err e = {0};
    int64_t first = add_page(db, "first", "First");
    add_page(db, "second", "Second");
    assert_int_equal(store_page_resolve(db, "unknown.example", &e), first);
}

static void resolve_without_pages_is_zero(void **state)
{
    struct db *db = db_of(state);
    struct err e = {0};
    assert_int_equal(store_page_resolve(db, "anything.example", &e), 0);
    assert_int_equal(store_page_resolve(db, NULL, &e), 0);
}

static void update_writes_every_field(void **state)
{
    struct db *db = db_of(state);
    struct err e = {0};
    int64_t id = add_page(db, "acme", "Acme");
    struct page_fields f = {.title = "Acme Cloud",
                            .base_url = "https://status.acme.example",
                            .logo_url = "https://acme.example/logo.png",
                            .brand_color = "#ff0000",
                            .time_zone = "Europe/Paris",
                            .footer_links =
                                "[{\"label\":\"Home\",\"url\":\"https://acme.example\"}]",
                            .reminder_min = 15};
    assert_int_equal(store_page_update(db, id, &f, &e), 0);
    json_t *p = store_page_get(db, id, &e);
    assert_string_equal(json_string_value(json_object_get(p, "title")), "Acme Cloud");
    assert_string_equal(json_string_value(json_object_get(p, "base_url")),
                        "https://status.acme.example");
    assert_string_equal(json_string_value(json_object_get(p, "logo_url")),
                        "https://acme.example/logo.png");
    assert_string_equal(json_string_value(json_object_get(p, "brand_color")), "#ff0000");
    assert_string_equal(json_string_value(json_object_get(p, "time_zone")), "Europe/Paris");
    assert_int_equal(json_integer_value(json_object_get(p, "reminder_min")), 15);
    json_t *links = json_object_get(p, "footer_links");
    assert_int_equal(json_array_size(links), 1);
    assert_string_equal(json_string_value(json_object_get(json_array_get(links, 0), "label")),
                        "Home");
    assert_string_equal(json_string_value(json_object_get(p, "slug")), "acme");
    json_decref(p);
}

static void deleting_a_page_frees_its_hosts(void **state)
{
    struct db *db = db_of(state);
    struct err e = {0};
    int64_t a = add_page(db, "a", "A");
    int64_t b = add_page(db, "b", "B");
    assert_int_equal(set_hosts(db, a, "[\"gone.example\"]", &e), 0);
    assert_int_equal(db_exec(db, &e, NULL, "DELETE FROM pages WHERE id = ?", "i", a), 0);
    assert_int_equal(set_hosts(db, b, "[\"gone.example\"]", &e), 0);
    assert_int_equal(store_page_resolve(db, "gone.example", &e), b);
}

/* The ids and pages of the page_changes rows since SINCE not by NODE, as "id:page …". */
static const char *changes_since(struct db *db, int64_t since, const char *node, char *buf,
                                 size_t size)
{
    struct err e = {0};
    json_t *rows = store_page_changes_since(db, since, node, &e);
    assert_non_null(rows);
    size_t used = 0, i;
    buf[0] = '\0';
    json_t *r;
    json_array_foreach(rows, i, r)
    {
        used += (size_t)snprintf(buf + used, size - used, "%s%lld:%lld", i ? " " : "",
                                 (long long)json_integer_value(json_object_get(r, "id")),
                                 (long long)json_integer_value(json_object_get(r, "page_id")));
        assert_true(used < size);
    }
    json_decref(rows);
    return buf;
}

static void change(struct db *db, int64_t page, const char *node, int64_t at, bool commit)
{
    struct err e = {0};
    assert_int_equal(db_begin_shared(db, &e), 0);
    assert_int_equal(store_page_changed(db, page, node, at, &e), 0);
    if (commit)
        assert_int_equal(db_commit(db, &e), 0);
    else
        db_rollback(db);
}

/* Committed changes are rows, in id order, with their page; a rolled back one is not; a
 * node does not see its own, everyone sees the command line's (no node); rows before
 * SINCE are left out, and a prune deletes the old ones. */
static void changes_are_rows_others_see(void **state)
{
    struct db *db = db_of(state);
    int64_t a = add_page(db, "a", "A"), b = add_page(db, "b", "B");
    char got[256], want[256];
    change(db, a, "n1", 100, true);
    change(db, a, "n1", 100, false);
    change(db, b, "n2", 150, true);
    change(db, a, NULL, 200, true);
    json_t *rows = store_page_changes_since(db, 0, "nobody", &(struct err){0});
    assert_int_equal(json_array_size(rows), 3);
    int64_t id1 = json_integer_value(json_object_get(json_array_get(rows, 0), "id")),
            id2 = json_integer_value(json_object_get(json_array_get(rows, 1), "id")),
            id3 = json_integer_value(json_object_get(json_array_get(rows, 2), "id"));
    json_decref(rows);
    assert_true(id1 < id2 && id2 < id3);
    snprintf(want, sizeof want, "%lld:%lld %lld:%lld", (long long)id2, (long long)b, (long long)id3,
             (long long)a);
    assert_string_equal(changes_since(db, 0, "n1", got, sizeof got), want); /* not its own */
    snprintf(want, sizeof want, "%lld:%lld %lld:%lld", (long long)id1, (long long)a, (long long)id3,
             (long long)a);
    assert_string_equal(changes_since(db, 0, "n2", got, sizeof got), want);
    snprintf(want, sizeof want, "%lld:%lld", (long long)id3, (long long)a);
    assert_string_equal(changes_since(db, 160, "n2", got, sizeof got), want);
    struct err e = {0};
    assert_int_equal(store_page_changes_prune(db, 160, &e), 0);
    assert_string_equal(changes_since(db, 0, "n2", got, sizeof got), want);
}

#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)

int main(void)
{
    const struct CMUnitTest tests[] = {
        T(insert_and_get_with_defaults),
        T(get_unknown_page_is_null_with_ok),
        T(duplicate_slug_is_a_conflict_naming_it),
        T(id_by_slug_finds_or_not),
        T(list_is_ordered_by_id_with_hosts),
        T(hosts_are_returned_sorted),
        T(setting_hosts_replaces_the_old_ones),
        T(a_host_belongs_to_one_page_only),
        T(the_same_host_twice_in_one_list_is_a_conflict),
        T(a_page_may_keep_its_own_hosts),
        T(the_default_page_is_slug_default_else_the_oldest),
        T(resolve_finds_the_page_of_a_host),
        T(resolve_gives_the_default_page_for_unknown_hosts),
        T(resolve_falls_back_to_the_oldest_page_without_a_default),
        T(resolve_without_pages_is_zero),
        T(update_writes_every_field),
        T(deleting_a_page_frees_its_hosts),
        T(changes_are_rows_others_see),
    };
    return cmocka_run_group_tests_name("store/pages", tests, NULL, NULL);
}
