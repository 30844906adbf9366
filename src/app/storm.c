/*
 * app/storm — coalescing and the SMS cap inside a claim. See storm.h.
 *
 * A claim is a few dozen rows: the grouping by subscriber and by page is a linear search
 * of what was seen so far, with no allocation per subscriber.
 */
#include "app/storm.h"
#include "core/xalloc.h"
#include "store/storm.h"
#include <assert.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int64_t jint(const json_t *o, const char *k)
{
    return json_integer_value(json_object_get(o, k));
}

static bool is_update(const json_t *r)
{
    const char *k = json_string_value(json_object_get(r, "kind"));
    return k && strcmp(k, "update") == 0;
}

int64_t app_storm_email_due(long coalesce_s, int64_t accepted, int64_t now)
{
    assert(coalesce_s >= 0);
    int64_t due = accepted + coalesce_s;
    return coalesce_s > 0 && due > now ? due : now;
}

/* One update a message lists. */
struct item {
    int64_t update_id, accepted, id;
};

static int by_acceptance(const void *a, const void *b)
{
    const struct item *x = a, *y = b;
    if (x->accepted != y->accepted) return x->accepted < y->accepted ? -1 : 1;
    return x->id < y->id ? -1 : x->id > y->id;
}

/* A message being put together: its row, and the updates it lists (its own first). */
struct digest {
    json_t *row;
    struct item items[STORM_DIGEST_MAX];
    int n;
};

static void add_items(struct digest *d, json_t *list)
{
    size_t i;
    json_t *r;
    json_array_foreach(list, i, r)
    {
        assert(d->n < STORM_DIGEST_MAX);
        d->items[d->n++] = (struct item){jint(r, "update_id"), jint(r, "accepted"), jint(r, "id")};
    }
}

/* Sets D's row's "updates" when it lists more than its own. */
static void finish_digest(struct digest *d)
{
    if (d->n < 2) return;
    qsort(d->items, (size_t)d->n, sizeof d->items[0], by_acceptance);
    json_t *ids = json_array();
    for (int k = 0; k < d->n; k++)
        json_array_append_new(ids, json_integer(d->items[k].update_id));
    json_object_set_new(d->row, "updates", ids);
}

static struct item own(json_t *r)
{
    return (struct item){jint(r, "update_id"), jint(r, "accepted"), jint(r, "id")};
}

int app_storm_coalesce(struct db *db, json_t *rows, int64_t now, struct err *e)
{
    size_t n = json_array_size(rows), nd = 0;
    struct digest *ds = xcalloc(n ? n : 1, sizeof *ds);
    int rc = -1;
    for (size_t i = 0; i < json_array_size(rows);) {
        json_t *r = json_array_get(rows, i);
        int64_t sub = jint(r, "subscriber_id");
        if (!is_update(r) || sub <= 0) {
            i++;
            continue;
        }
        if (jint(r, "attempts") > 1) { /* tried before: the message it was, no more */
            json_t *m = store_delivery_members(db, jint(r, "id"), e);
            if (!m) goto out;
            struct digest d = {.row = r, .n = 1};
            d.items[0] = own(r);
            if (json_array_size(m) > STORM_DIGEST_MAX - 1) /* never: gathered within it */
                json_array_remove(m, STORM_DIGEST_MAX - 1);
            add_items(&d, m);
            json_decref(m);
            finish_digest(&d);
            i++;
            continue;
        }
        struct digest *lead = NULL;
        for (size_t k = 0; k < nd && !lead; k++)
            if (jint(ds[k].row, "subscriber_id") == sub && ds[k].n < STORM_DIGEST_MAX)
                lead = &ds[k];
        if (!lead) { /* the first of its subscriber in this claim: its message */
            ds[nd] = (struct digest){.row = r, .n = 1};
            ds[nd++].items[0] = own(r);
            i++;
            continue;
        }
        if (store_delivery_coalesce(db, jint(r, "id"), jint(lead->row, "id"), now, e) != 0)
            goto out;
        lead->items[lead->n++] = own(r);
        json_array_remove(rows, i); /* R is no message of its own: LEAD lists it */
    }
    for (size_t k = 0; k < nd; k++) {
        if (ds[k].n < STORM_DIGEST_MAX) {
            json_t *got =
                store_deliveries_gather(db, jint(ds[k].row, "id"), jint(ds[k].row, "subscriber_id"),
                                        STORM_DIGEST_MAX - ds[k].n, now, e);
            if (!got) goto out;
            add_items(&ds[k], got);
            json_decref(got);
        }
        finish_digest(&ds[k]);
    }
    rc = 0;
out:
    free(ds);
    return rc;
}

int app_storm_sms_cap(struct db *db, long cap, json_t *rows, int64_t now, struct err *e)
{
    if (cap <= 0) return 0;
    int64_t day = now - now % 86400;
    char reason[96];
    snprintf(reason, sizeof reason, "not sent: daily SMS cap of %ld reached", cap);
    /* each page once, lowest id first: nodes lock pages in one order */
    int64_t page = 0;
    for (;;) {
        int64_t next = 0, in_claim = 0;
        size_t i;
        json_t *r;
        json_array_foreach(rows, i, r)
        {
            int64_t p = jint(r, "page_id");
            if (is_update(r) && p > page && (next == 0 || p < next)) next = p;
        }
        if (next == 0) return 0;
        page = next;
        json_array_foreach(rows, i, r) in_claim += is_update(r) && jint(r, "page_id") == page;
        int64_t counted = 0;
        if (store_page_lock(db, page, e) != 0 ||
            store_sms_day_count(db, page, day, &counted, e) != 0)
            return -1;
        /* COUNTED holds this claim's rows (claimed: "sending") besides the others' */
        int64_t left = cap - (counted - in_claim);
        for (i = 0; i < json_array_size(rows);) {
            r = json_array_get(rows, i);
            if (!is_update(r) || jint(r, "page_id") != page || left-- > 0) {
                i++;
                continue;
            }
            if (store_delivery_skip(db, jint(r, "id"), reason, now, e) != 0) return -1;
            json_array_remove(rows, i);
        }
    }
}
