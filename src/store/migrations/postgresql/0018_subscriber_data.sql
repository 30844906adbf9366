-- pharos schema, migration 0018: subscriber data (SPEC §15) — bounces, export, erasure.
--
-- subscribers.state gains 'bounced': an e-mail subscriber whose address the recipient's
-- server refused permanently (a 5xx reply to RCPT TO or DATA) in subscribers.bounces
-- deliveries in a row (a delivery in between resets the count; app/outbox.c) gets no more
-- mail until it confirms again.
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
ALTER TABLE subscribers DROP CONSTRAINT subscribers_state_check;
ALTER TABLE subscribers ADD CONSTRAINT subscribers_state_check
    CHECK (state IN ('pending', 'active', 'stopped', 'unsubscribed', 'bounced'));
ALTER TABLE subscribers ADD COLUMN bounces BIGINT NOT NULL DEFAULT 0;

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
