/*
 * app/storm — storm control (SPEC §15), steps of a claim (app/outbox.h) taken in the
 * claim's transaction, so they hold under the same leases on every node.
 *
 * E-mail coalescing (notify.coalesce_s > 0): a subscriber's e-mail update deliveries are
 * due notify.coalesce_s after their update was accepted (app_storm_email_due, at expansion),
 * and the claim that takes the first of them takes the subscriber's others never tried —
 * those accepted while it waited, due or not — as "coalesced" into it (store/storm.h): one
 * message lists them all, its delivery row standing for it. Several of the subscriber's rows
 * in one claim go the same way. A retried message, or one whose lease ran out, is rebuilt
 * from its coalesced rows and takes no new ones. At most STORM_DIGEST_MAX updates a message;
 * the rest wait for the next. With notify.coalesce_s 0 nothing here changes a claim. When the
 * message is sent its coalesced rows get its sent_at (app/outbox.c, recording outcomes); rows
 * whose message went unsent with its row (deleted with its update) wait again
 * (store_deliveries_revive_orphans, at each expansion).
 *
 * The daily SMS cap (notify.sms_daily_cap > 0): a page's update texts sent since the start
 * of the UTC day, with those being sent, count against the cap; a claimed text over it is
 * recorded "skipped" with the reason and never sent nor retried. The page's row is locked
 * while it is counted, so two nodes never both take the last places. Confirmation codes
 * are not capped (a visitor waits for them; limits.subscribe_per_ip_hour bounds them).
 */
#ifndef PHAROS_APP_STORM_H
#define PHAROS_APP_STORM_H
#include "store/db.h"

enum { STORM_DIGEST_MAX = 50 }; /* updates one coalesced e-mail lists at most */

/* When an e-mail update delivery of an update ACCEPTED, expanded at NOW, falls due. */
int64_t app_storm_email_due(long coalesce_s, int64_t accepted, int64_t now);

/*
 * Coalesces ROWS, the e-mail deliveries this transaction just claimed (store/outbox.h shapes),
 * at NOW: rows coalesced into another are taken out of ROWS, and a row whose message lists
 * more than its own update gets "updates": [update ids, by acceptance]. Returns 0, or -1 with
 * E filled (the caller rolls the claim back).
 */
int app_storm_coalesce(struct db *db, json_t *rows, int64_t now, struct err *e);

/* Skips the texts of ROWS (SMS deliveries this transaction just claimed) over CAP a page and
 * UTC day at NOW (CAP 0: none), taking them out of ROWS. Returns 0, or -1 with E filled. */
int app_storm_sms_cap(struct db *db, long cap, json_t *rows, int64_t now, struct err *e);

#endif
