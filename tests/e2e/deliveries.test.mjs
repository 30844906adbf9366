// The notification log through the REST API (SPEC §9, §10): newest first, filters,
// pagination, page isolation. The dispatcher that fills it is not part of this suite,
// so rows are written with the sqlite3 CLI into the server's database.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { api } from './lib/harness.mjs';
import { startTwoPages, stopClean, otherApi, dbSql, assertError, assertBadPaging, walk, RFC3339 } from './lib/admin.mjs';

const KEYS = ['id', 'kind', 'update_id', 'update_kind', 'event_id', 'event_kind', 'channel', 'recipient', 'state', 'attempts', 'last_error', 'created_at', 'sent_at', 'node', 'coalesced_into'];
const T0 = 1790000000; // 2026-09-21T…Z
// Rows that are not finished are not due (next attempt and lease far ahead), so the
// running dispatcher leaves them alone while this suite reads them.
const LATER = 4102444800; // 2100-01-01

let s;
let otherPage;
before(async () => {
  s = await startTwoPages();
  otherPage = Number(dbSql(s, "SELECT id FROM pages WHERE slug = 'other'").trim());
  dbSql(s, `
    INSERT INTO events (id, page_id, kind, title, stage, created_at, updated_at) VALUES
      (10, 1, 'incident', 'Outage', 'investigating', ${T0}, ${T0}),
      (11, ${otherPage}, 'incident', 'Theirs', 'investigating', ${T0}, ${T0});
    INSERT INTO event_updates (id, event_id, stage, message, created_at) VALUES
      (100, 10, 'investigating', 'Looking', ${T0}), (101, 10, 'resolved', 'Fixed', ${T0 + 60}),
      (102, 11, 'investigating', 'Theirs', ${T0});
    INSERT INTO deliveries (id, page_id, update_id, channel, recipient, state, attempts, next_attempt_at,
                            last_error, accepted_at, created_at, sent_at) VALUES
      (1, 1, 100, 'email', 'a@example.com', 'sent', 1, ${T0}, NULL, ${T0}, ${T0}, ${T0 + 5}),
      (2, 1, 100, 'sms', '+14155550100', 'failed', 3, ${LATER}, 'HTTP 503 from the SMS API', ${T0}, ${T0}, NULL),
      (3, 1, 100, 'slack', 'slack', 'sent', 1, ${T0}, NULL, ${T0}, ${T0}, ${T0 + 2}),
      (4, ${otherPage}, 102, 'email', 'them@example.com', 'sent', 1, ${T0}, NULL, ${T0}, ${T0}, ${T0 + 3}),
      (5, 1, 101, 'email', 'a@example.com', 'pending', 0, ${LATER}, NULL, ${T0 + 60}, ${T0 + 60}, NULL),
      (6, 1, 101, 'webhook', 'webhook', 'dead', 8, ${T0 + 60}, 'permanent: HTTP 410 Gone', ${T0 + 60}, ${T0 + 60}, NULL),
      (7, 1, 101, 'twitter', 'twitter', 'sending', 1, ${LATER}, NULL, ${T0 + 60}, ${T0 + 60}, NULL),
      (8, 1, 101, 'email', 'b@example.com', 'failed', 2, ${LATER}, 'SMTP 451 try later', ${T0 + 60}, ${T0 + 60}, NULL);
    UPDATE deliveries SET lease_until = ${LATER} WHERE state = 'sending';
  `);
});
after(() => stopClean(s));

const ids = async (q = '') => (await api(s, 'GET', `deliveries${q}`)).json.deliveries.map((d) => d.id);

test('the log lists this page\'s deliveries newest first, in the documented shape', async () => {
  const r = await api(s, 'GET', 'deliveries/');
  assert.equal(r.status, 200, r.text);
  assert.deepEqual(r.json.deliveries.map((d) => d.id), [8, 7, 6, 5, 3, 2, 1]);
  assert.equal(r.json.next_cursor, null);
  for (const d of r.json.deliveries) assert.deepEqual(Object.keys(d).sort(), [...KEYS].sort());
  const failed = r.json.deliveries.find((d) => d.id === 2);
  assert.deepEqual({ ...failed, created_at: 'x' }, {
    id: 2, kind: 'update', update_id: 100, update_kind: 'update', event_id: 10, event_kind: 'incident', channel: 'sms', recipient: '+14155550100', state: 'failed', attempts: 3,
    last_error: 'HTTP 503 from the SMS API', created_at: 'x', sent_at: null, node: null, coalesced_into: null,
  });
  assert.match(failed.created_at, RFC3339);
  const sent = r.json.deliveries.find((d) => d.id === 1);
  assert.equal(sent.sent_at, new Date((T0 + 5) * 1000).toISOString().replace('.000Z', 'Z'));
  assert.equal(sent.last_error, null);
  assert.equal(r.json.deliveries.find((d) => d.id === 6).event_id, 10);
});

test('?channel= and ?state= filter, alone and together', async () => {
  assert.deepEqual(await ids('?channel=email'), [8, 5, 1]);
  assert.deepEqual(await ids('?state=failed'), [8, 2]);
  assert.deepEqual(await ids('?channel=email&state=failed'), [8]);
  assert.deepEqual(await ids('?channel=webhook&state=dead'), [6]);
  assert.deepEqual(await ids('?channel=twitter&state=sent'), []);
  assert.deepEqual(await ids('?channel=&state='), [8, 7, 6, 5, 3, 2, 1]);
  assertError(await api(s, 'GET', 'deliveries?channel=fax'), 400, 'invalid_input',
    /unknown channel "fax"; accepted: email, sms, slack, twitter, webhook/);
  assertError(await api(s, 'GET', 'deliveries?state=lost'), 400, 'invalid_input',
    /unknown state "lost"; accepted: pending, sending, sent, failed, dead, coalesced, skipped/);
  assertError(await api(s, 'GET', 'deliveries?state=%C3'), 400, 'invalid_input', /state is not valid UTF-8/);
});

test('pagination walks the log newest first without repeats', async () => {
  const all = await walk(s, 'deliveries', 'deliveries', 2);
  assert.deepEqual(all.map((d) => d.id), [8, 7, 6, 5, 3, 2, 1]);
  const first = await api(s, 'GET', 'deliveries?limit=3');
  assert.deepEqual(first.json.deliveries.map((d) => d.id), [8, 7, 6]);
  assert.equal(first.json.next_cursor, '6');
  assert.deepEqual(await ids('?limit=3&cursor=6'), [5, 3, 2]);
  const emails = await walk(s, 'deliveries', 'deliveries', 1, '&channel=email');
  assert.deepEqual(emails.map((d) => d.id), [8, 5, 1]);
  await assertBadPaging(s, 'deliveries');
});

test('each page sees only its own log; the log is read-only', async () => {
  const o = await otherApi(s, 'GET', 'deliveries');
  assert.equal(o.status, 200);
  assert.deepEqual(o.json.deliveries.map((d) => [d.id, d.event_id]), [[4, 11]]);
  assertError(await api(s, 'POST', 'deliveries', { body: {} }), 405, 'method_not_allowed');
  assertError(await api(s, 'DELETE', 'deliveries'), 405, 'method_not_allowed');
  assertError(await api(s, 'GET', 'deliveries', { token: '' }), 401, 'unauthorized');
  assertError(await api(s, 'GET', 'deliveries/1'), 404, 'not_found');
});
