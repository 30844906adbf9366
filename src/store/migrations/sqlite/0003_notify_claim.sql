-- pharos schema, version 4: the dispatcher claims due deliveries one channel at a
-- time (store/outbox.c, store_deliveries_claim); without this index each claim of a
-- quiet channel walked every pending delivery of the busy ones (a 100,000-message
-- fan-out slowed to a crawl).
CREATE INDEX deliveries_claim ON deliveries(channel, state, next_attempt_at);
