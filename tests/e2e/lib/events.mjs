// Helpers for the incident and maintenance suites: services to link, the
// database state an event request may change, RFC 3339 times, and polling.
import assert from 'node:assert/strict';
import { api } from './harness.mjs';
import { dbSql } from './admin.mjs';

// Creates a service named NAME on the default page; returns its id.
export async function createService(s, name, opts = {}) {
  const r = await api(s, 'POST', 'services', { body: { name }, ...opts });
  assert.equal(r.status, 201, r.text);
  return r.json.service.id;
}

// The current status of service ID (default page unless OPTS say otherwise).
export async function serviceStatus(s, id, opts = {}) {
  const r = await api(s, 'GET', `services/${id}`, opts);
  assert.equal(r.status, 200, r.text);
  return r.json.service.status;
}

// One row of the first query result, split into columns.
export function row(s, sql) {
  return dbSql(s, sql).trim().split('|');
}

// Everything an event request can change, as one comparable value.
export function eventState(s) {
  return dbSql(s, `SELECT
      (SELECT COUNT(*) || '/' || COALESCE(GROUP_CONCAT(id || stage || title || impact ||
               COALESCE(CAST(scheduled_start AS TEXT), '') || COALESCE(CAST(scheduled_end AS TEXT), '') || auto_start ||
               auto_complete || COALESCE(CAST(resolved_at AS TEXT), '') || updated_at || draft, ','), '') FROM events),
      (SELECT COUNT(*) FROM event_updates), (SELECT COUNT(*) FROM event_services),
      (SELECT COALESCE(GROUP_CONCAT(event_id || ':' || service_id || ':' || status, ','), '')
         FROM event_services),
      (SELECT COUNT(*) FROM update_services), (SELECT COUNT(*) FROM notify_jobs),
      (SELECT COALESCE(GROUP_CONCAT(id || ':' || status, ','), '') FROM services),
      (SELECT COUNT(*) FROM service_status_log)`);
}

// The notify_jobs rows of the updates of event ID, oldest first, as {update_id, channels}.
export function notifyJobs(s, eventId) {
  const out = dbSql(s, `SELECT j.update_id, j.channels FROM notify_jobs j
      JOIN event_updates u ON u.id = j.update_id WHERE u.event_id = ${Number(eventId)} ORDER BY j.id`).trim();
  return out ? out.split('\n').map((l) => { const [u, c] = l.split('|'); return { update_id: Number(u), channels: Number(c) }; }) : [];
}

// Channel bits of domain/channel.h (stored in notify_jobs.channels).
export const CH = { email: 1, sms: 2, slack: 4, twitter: 8, webhook: 16, teams: 32, discord: 64, googlechat: 128 };
export const CH_ALL = 255;
export const CH_NO_SMS = CH_ALL & ~CH.sms;

// RFC 3339 text (whole seconds, UTC) of now + MS milliseconds.
export function at(ms) {
  return new Date(Date.now() + ms).toISOString().replace(/\.\d{3}Z$/, 'Z');
}

// Polls FN until it returns a truthy value; fails after TIMEOUT ms.
export async function until(fn, { timeout = 10000, interval = 100, what = 'condition' } = {}) {
  const deadline = Date.now() + timeout;
  for (;;) {
    const v = await fn();
    if (v) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, interval));
  }
}
