-- pharos schema, migration 0020: storm control (SPEC §15) — e-mail coalescing and the daily
-- SMS cap.
--
-- deliveries.state gains two final states:
--   'coalesced'  an e-mail update delivery that went out inside another delivery's message
--                (one e-mail listing several updates to one subscriber, notify.coalesce_s);
--                coalesced_into names that delivery, whose state says what became of the
--                message (app/storm.h);
--   'skipped'    a text not sent because the page's SMS for the UTC day reached
--                notify.sms_daily_cap; last_error says so.
--
-- deliveries_coalesced finds a message's coalesced deliveries (a retry, or a claim after a
-- lease ran out, rebuilds the same message from them); deliveries_sms_day counts a page's
-- texts sent since the start of the UTC day (the cap) without walking its e-mail; and
-- deliveries_storm counts the dashboard's coalesced and skipped deliveries of the last day.
-- A coalesced delivery gets the sent_at of the message that carried it. Should that message's
-- row go unsent (deleted with its update, the foreign key setting coalesced_into NULL), the
-- delivery waits again (store_deliveries_revive_orphans), found through deliveries_orphans.
ALTER TABLE deliveries DROP CONSTRAINT deliveries_state_check;
ALTER TABLE deliveries ADD CONSTRAINT deliveries_state_check
    CHECK (state IN ('pending', 'sending', 'sent', 'failed', 'dead', 'coalesced', 'skipped'));

ALTER TABLE deliveries ADD COLUMN coalesced_into BIGINT REFERENCES deliveries(id) ON DELETE SET NULL;
CREATE INDEX deliveries_coalesced ON deliveries(coalesced_into) WHERE coalesced_into IS NOT NULL;
CREATE INDEX deliveries_sms_day ON deliveries(page_id, sent_at)
    WHERE state = 'sent' AND channel = 'sms' AND kind = 'update';
CREATE INDEX deliveries_storm ON deliveries(page_id, created_at)
    WHERE state IN ('coalesced', 'skipped');
-- (keyed by the columns its query tests, so that SQLite, without statistics, prefers it to
-- deliveries_due's state, which leads to every coalesced row)
CREATE INDEX deliveries_orphans ON deliveries(state, coalesced_into)
    WHERE state = 'coalesced' AND coalesced_into IS NULL;
