-- pharos schema, migration 0018: subscriber data (SPEC §15) — bounces, export, erasure.
--
-- subscribers.state gains 'bounced': an e-mail subscriber whose address the recipient's
-- server refused permanently (a 5xx reply to RCPT TO or DATA) in subscribers.bounces
-- deliveries in a row (a delivery in between resets the count; app/outbox.c) gets no more
-- mail until it confirms again. SQLite cannot change a CHECK in place, and rebuilding the
-- table would cascade (foreign keys are on in the migration's transaction: the choices of
-- services would go, deliveries would lose their subscriber): the column is renamed, a new
-- one with the wider CHECK added and filled, the old one dropped (its CHECK is its own, so
-- DROP COLUMN allows it) and the index made again. The column moves to the end of the row;
-- every query names its columns.
--
-- deliveries_subscriber finds a subscriber's deliveries (the export, the erasure, a bounce
-- failing the pending ones, and the foreign key's ON DELETE SET NULL, which walked the whole
-- table for every subscriber deleted).
--
-- Deleting a subscriber now erases its address from its deliveries (app/subscribe.h,
-- app_subscriber_erase); those of subscribers deleted before this version kept it, with
-- their subscriber_id NULL. They are erased here the same way: the recipient becomes
-- "erased:ID" (the delivery's id, unique as the (update, channel, recipient) key needs),
-- the address is cut out of the error, and what was still to be sent is failed, not sent.
DROP INDEX subscribers_state;
ALTER TABLE subscribers RENAME COLUMN state TO state_v17;
ALTER TABLE subscribers ADD COLUMN state TEXT NOT NULL DEFAULT 'pending'
    CHECK (state IN ('pending', 'active', 'stopped', 'unsubscribed', 'bounced'));
UPDATE subscribers SET state = state_v17;
ALTER TABLE subscribers DROP COLUMN state_v17;
CREATE INDEX subscribers_state ON subscribers(page_id, channel, state, id);
ALTER TABLE subscribers ADD COLUMN bounces INTEGER NOT NULL DEFAULT 0;

CREATE INDEX deliveries_subscriber ON deliveries(subscriber_id) WHERE subscriber_id IS NOT NULL;

UPDATE deliveries SET
    last_error = CASE WHEN state IN ('pending', 'sending')
                      THEN 'not sent: the subscriber''s data was deleted'
                      ELSE REPLACE(last_error, recipient, '[erased]') END,
    state = CASE WHEN state IN ('pending', 'sending') THEN 'failed' ELSE state END,
    recipient = 'erased:' || CAST(id AS TEXT),
    lease_until = NULL
WHERE subscriber_id IS NULL AND kind <> 'invitation' AND channel IN ('email', 'sms')
    AND recipient NOT LIKE 'erased:%';
