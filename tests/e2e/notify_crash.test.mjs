// At-least-once across a crash (SPEC §10, ARCHITECTURE "Notifications"): kill -9 in the
// middle of a fan-out to 2,000 e-mail and 300 SMS subscribers (each channel expanded on its
// own cursor), restart, and every subscriber gets the message on their channel; the only
// duplicates are deliveries that were in flight (claimed, state "sending") when the process
// died, and the e-mails among them carry the same Message-ID.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { startWithToken } from './lib/harness.mjs';
import { stopClean, dbSql } from './lib/admin.mjs';
import { startWorld, stopWorld, newService, newIncident, settled } from './lib/notify.mjs';

const N = 2000;
const S = 300;
let w;
after(async () => { if (w) { await stopClean(w.s); await stopWorld(w); } });

test('kill -9 during a fan-out: after restart every subscriber got the message, duplicates at most the in-flight ones', async () => {
  // notify.lease_s 5 (its minimum; 60 by default): the deliveries in flight at the kill
  // are sent again 5 s after they were claimed, not a minute later
  w = await startWorld({ smtpDelayMs: 10, env: { PHAROS_NOTIFY_CONCURRENCY: '32', PHAROS_NOTIFY_LEASE_S: '5' } });
  const svc = await newService(w.s, 'API');
  dbSql(w.s, `INSERT INTO subscribers (page_id, channel, address, state, all_services, created_at, updated_at, confirmed_at)
    WITH RECURSIVE n(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM n WHERE x < ${N})
    SELECT 1, 'email', 'crash' || x || '@example.test', 'active', 1, 0, 0, 0 FROM n`);
  dbSql(w.s, `INSERT INTO subscribers (page_id, channel, address, state, all_services, created_at, updated_at, confirmed_at)
    WITH RECURSIVE n(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM n WHERE x < ${S})
    SELECT 1, 'sms', '+1415666' || (1000 + x), 'active', 1, 0, 0, 0 FROM n`);
  const ev = await newIncident(w.s, { title: 'Crash test', services: [svc.id] });
  const uid = ev.updates[0].id;
  await w.smtp.waitFor((m) => m.length >= 200, 60000, "200 messages");
  await w.s.kill9();
  const inFlight = Number(dbSql(w.s, `SELECT COUNT(*) FROM deliveries WHERE update_id=${uid} AND state='sending'`).trim());
  const sentBefore = w.smtp.messages.length;
  assert.ok(sentBefore < N, `killed mid fan-out (${sentBefore} sent)`);
  assert.ok(inFlight <= 32, `in flight at most notify.concurrency: ${inFlight}`);

  w.s = await startWithToken({ dataDir: w.s.dataDir, env: w.env });
  const ds = await settled(w.s, uid, 150000); // in-flight leases expire after 5 s
  assert.equal(ds.length, N + S, 'one delivery per subscriber, no duplicate rows after re-expansion');
  assert.equal(ds.filter((d) => d.channel === 'sms').length, S);
  assert.ok(ds.every((d) => d.state === 'sent'));
  const per = new Map();
  for (const m of w.smtp.messages) {
    const list = per.get(m.to[0]) || [];
    list.push(m.headers['message-id']);
    per.set(m.to[0], list);
  }
  assert.equal(per.size, N, 'every subscriber got the message');
  const dups = [...per.values()].filter((l) => l.length > 1);
  assert.ok(dups.length <= inFlight, `${dups.length} duplicates, ${inFlight} were in flight`);
  for (const l of dups) assert.equal(new Set(l).size, 1, 'a resend keeps the Message-ID');
  const texts = new Map();
  for (const m of w.twilio.messages) texts.set(m.to, (texts.get(m.to) || 0) + 1);
  assert.equal(texts.size, S, 'every SMS subscriber got the message');
  const smsDups = [...texts.values()].filter((n) => n > 1).length;
  assert.ok(dups.length + smsDups <= inFlight, `${dups.length} + ${smsDups} duplicates, ${inFlight} were in flight`);
});
