-- pharos schema, migration 0015: draft incidents and response-time charts (SPEC §14).
--
-- events.draft is 1 for an incident nobody has published yet (a monitor's or an alert
-- source's "incident": "draft" rule, or the team's own): the public page, feeds and
-- JSON leave it out and its updates notify nobody until it is published.
-- services.show_response_time puts the latency chart of the service's monitors on the
-- public page.
ALTER TABLE events ADD COLUMN draft INTEGER NOT NULL DEFAULT 0;
ALTER TABLE services ADD COLUMN show_response_time INTEGER NOT NULL DEFAULT 0;
