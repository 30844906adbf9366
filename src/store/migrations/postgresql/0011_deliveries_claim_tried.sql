-- pharos schema, migration 0011: the claim index tells fresh deliveries from retries.
--
-- A claim (store_deliveries_claim) takes due retries (deliveries tried before, attempts
-- > 0) beside due fresh ones, and sends those accepted first (closest to missing their
-- SLA) first: a retry no longer waits behind the backlog added after it. Each kind is
-- found in due order through this index, neither walking the other's rows; the
-- expression is written the same way in the queries, so both databases match it (a
-- comparison such as (attempts > 0) = FALSE is rewritten by PostgreSQL as attempts <= 0,
-- which no longer matches an index on attempts > 0).
DROP INDEX deliveries_claim;
CREATE INDEX deliveries_claim ON deliveries(channel, state, (CASE WHEN attempts > 0 THEN 1 ELSE 0 END),
    next_attempt_at);
