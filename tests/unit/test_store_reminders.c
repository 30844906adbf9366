/*
 * Unit tests for store/reminders against a temporary database: the due query and the
 * next reminder time follow domain/reminder.h (reminder_min before the start, none for
 * a page with reminder_min 0, for maintenance created inside the window, once started
 * or no longer scheduled, for incidents); both see every page, soonest start first; a
 * load reads what the rule needs with the page's reminder_min; the claim succeeds once;
 * and an event's latest plain update's message is read past reminders.
 */
#include "core/log.h"
#include "domain/event.h"
#include "store/events.h"
#include "store/pages.h"
#include "store/reminders.h"
#include "testutil.h"

enum { NOW = 1800000000 };

struct fixture {
    char dir[64];
    struct db *db;
    int64_t page, other;
};

static int setup(void **state)
{
    log_set_level(LOG_WARN);
    struct fixture *f = calloc(1, sizeof *f);
    struct err e = {0};
    f->db = test_db_open(f->dir);
    if (!f->db) return -1;
    f->page = store_page_insert(f->db, "default", "Status", &e);
    f->other = store_page_insert(f->db, "other", "Other", &e);
    *state = f;
    return f->page > 0 && f->other > 0 ? 0 : -1;
}

static int teardown(void **state)
{
    struct fixture *f = *state;
    test_db_close(f->db, f->dir);
    free(f);
    return 0;
}

/* Inserts an event of KIND in STAGE on PAGE created at CREATED, starting at START. */
static int64_t add(struct fixture *f, int64_t page, enum event_kind kind, enum stage stage,
                   int64_t created, int64_t start)
{
    struct err e = {0};
    struct event_fields ev = {.kind = kind,
                              .title = "Upgrade",
                              .stage = stage_name(stage),
                              .impact = "none",
                              .scheduled_start = kind == EVENT_MAINTENANCE ? start : 0,
                              .scheduled_end = kind == EVENT_MAINTENANCE ? start + 3600 : 0};
    int64_t id = store_event_insert(f->db, page, &ev, created, &e);
    if (id <= 0) fail_msg("inserting an event: %s", e.msg);
    return id;
}

/* The ids of store_reminders_due at NOW, as "1,2,3". */
static const char *due_ids(struct fixture *f, int64_t now)
{
    static char buf[256];
    struct err e = {0};
    json_t *due = store_reminders_due(f->db, now, 100, &e);
    if (!due) fail_msg("due: %s", e.msg);
    buf[0] = '\0';
    size_t i;
    json_t *d;
    json_array_foreach(due, i, d)
    {
        size_t n = strlen(buf);
        snprintf(buf + n, sizeof buf - n, "%s%lld", i ? "," : "",
                 (long long)json_integer_value(json_object_get(d, "id")));
    }
    json_decref(due);
    return buf;
}

static int64_t next_at(struct fixture *f, int64_t now)
{
    struct err e = {0};
    int64_t next = -1;
    if (store_reminders_next(f->db, now, &next, &e) != 0) fail_msg("next: %s", e.msg);
    return next;
}

static void due_follows_the_rule(void **state)
{
    struct fixture *f = *state;
    struct err e = {0};
    char want[64];
    int64_t a = add(f, f->page, EVENT_MAINTENANCE, STAGE_SCHEDULED, NOW - 86400, NOW + 3600);
    int64_t b = add(f, f->other, EVENT_MAINTENANCE, STAGE_SCHEDULED, NOW - 86400, NOW + 1800);
    add(f, f->page, EVENT_MAINTENANCE, STAGE_SCHEDULED, NOW - 60, NOW + 1800); /* created late */
    add(f, f->page, EVENT_MAINTENANCE, STAGE_IN_PROGRESS, NOW - 86400, NOW + 1800);
    add(f, f->page, EVENT_INCIDENT, STAGE_INVESTIGATING, NOW - 86400, 0);
    assert_string_equal(due_ids(f, NOW - 1801), "");
    assert_int_equal(next_at(f, NOW - 1801), NOW - 1800);
    snprintf(want, sizeof want, "%lld", (long long)b);
    assert_string_equal(due_ids(f, NOW - 1800), want);
    snprintf(want, sizeof want, "%lld,%lld", (long long)b, (long long)a);
    assert_string_equal(due_ids(f, NOW), want); /* the soonest start first */
    assert_int_equal(next_at(f, NOW), NOW - 1800);
    snprintf(want, sizeof want, "%lld", (long long)a);
    assert_string_equal(due_ids(f, NOW + 1800), want); /* B has started */

    /* reminder_min is the page's: 0 turns them off, 90 moves them */
    assert_int_equal(
        db_exec(f->db, &e, NULL, "UPDATE pages SET reminder_min = 0 WHERE id = ?", "i", f->other),
        0);
    assert_string_equal(due_ids(f, NOW - 1800), "");
    assert_int_equal(next_at(f, NOW - 3000), NOW);
    assert_int_equal(
        db_exec(f->db, &e, NULL, "UPDATE pages SET reminder_min = 90 WHERE id = ?", "i", f->page),
        0);
    assert_int_equal(next_at(f, NOW - 3000), NOW - 1800);

    /* claimed: no longer due, claimed once */
    assert_int_equal(db_begin(f->db, &e), 0);
    assert_int_equal(store_reminder_claim(f->db, a, NOW, &e), 1);
    assert_int_equal(store_reminder_claim(f->db, a, NOW + 1, &e), 0);
    assert_int_equal(db_commit(f->db, &e), 0);
    assert_string_equal(due_ids(f, NOW), "");
    assert_int_equal(next_at(f, NOW - 3000), 0);
}

static void load_reads_what_the_rule_needs(void **state)
{
    struct fixture *f = *state;
    struct err e = {0};
    struct reminder_row row;
    int64_t id = add(f, f->page, EVENT_MAINTENANCE, STAGE_SCHEDULED, NOW - 100, NOW + 3600);
    int64_t inc = add(f, f->page, EVENT_INCIDENT, STAGE_INVESTIGATING, NOW, 0);
    assert_int_equal(store_reminder_load(f->db, f->other, id, &row, &e), 0); /* not its page */
    assert_int_equal(store_reminder_load(f->db, f->page, inc, &row, &e), 0); /* an incident */
    assert_int_equal(store_reminder_load(f->db, f->page, id, &row, &e), 1);
    assert_int_equal(row.id, id);
    assert_int_equal(row.page_id, f->page);
    assert_string_equal(row.stage, "scheduled");
    assert_int_equal(row.scheduled_start, NOW + 3600);
    assert_int_equal(row.scheduled_end, NOW + 7200);
    assert_int_equal(row.created_at, NOW - 100);
    assert_int_equal(row.reminded_at, 0);
    assert_int_equal(row.reminder_min, 60);
    assert_false(row.draft);
    assert_int_equal(db_begin(f->db, &e), 0);
    assert_int_equal(store_reminder_claim(f->db, id, NOW + 5, &e), 1);
    assert_int_equal(db_commit(f->db, &e), 0);
    assert_int_equal(store_reminder_load(f->db, f->page, id, &row, &e), 1);
    assert_int_equal(row.reminded_at, NOW + 5);
    assert_int_equal(db_begin(f->db, &e), 0);
    assert_int_equal(store_reminder_claim(f->db, inc, NOW, &e), 0); /* never an incident */
    db_rollback(f->db);
}

static void last_message_skips_reminders(void **state)
{
    struct fixture *f = *state;
    struct err e = {0};
    int64_t id = add(f, f->page, EVENT_MAINTENANCE, STAGE_SCHEDULED, NOW, NOW + 7200);
    char *m = store_event_last_message(f->db, id, &e);
    assert_string_equal(m, "");
    free(m);
    assert_true(
        store_event_update_insert(f->db, id, "update", "scheduled", "First.", true, NOW, &e) > 0);
    assert_true(store_event_update_insert(f->db, id, "update", "scheduled", "Moved.", true, NOW + 1,
                                          &e) > 0);
    assert_true(store_event_update_insert(f->db, id, "reminder", "scheduled", "Soon.", true,
                                          NOW + 2, &e) > 0);
    m = store_event_last_message(f->db, id, &e);
    assert_string_equal(m, "Moved.");
    free(m);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(due_follows_the_rule, setup, teardown),
        cmocka_unit_test_setup_teardown(load_reads_what_the_rule_needs, setup, teardown),
        cmocka_unit_test_setup_teardown(last_message_skips_reminders, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
