// No channel waits behind another (issue 16): with an e-mail backlog of 20,000 messages that
// a slow relay takes about 30 seconds to accept, the SMS, Slack and webhook deliveries of
// the same update, and of an update published after it, arrive within seconds, while
// most of the e-mails are still waiting. The SMS subscribers come after every e-mail one
// (higher ids), so they are queued only because each channel is expanded on its own.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { api, request } from './lib/harness.mjs';
import { stopClean, dbSql } from './lib/admin.mjs';
import { startWorld, stopWorld, newService, newIncident, connectAll, sleep } from './lib/notify.mjs';

let w;
after(async () => { if (w) { await stopClean(w.s); await stopWorld(w); } });

const EMAILS = 20000;

// Waits until COND() holds (polling), at most MS; returns the time it took.
async function within(ms, what, cond) {
  const t0 = Date.now();
  while (!cond()) {
    if (Date.now() - t0 > ms) throw new Error(`${what}: not within ${ms} ms`);
    await sleep(50);
  }
  return Date.now() - t0;
}

test('SMS, Slack and webhook go out within seconds beside a large e-mail backlog', async () => {
  // each e-mail takes the relay 100 ms; 64 at once: about 640 a second
  w = await startWorld({ smtpDelayMs: 100, env: { PHAROS_NOTIFY_CONCURRENCY: '64' } });
  await connectAll(w);
  const svc = await newService(w.s, 'API');
  dbSql(w.s, `INSERT INTO subscribers (page_id, channel, address, state, all_services, created_at, updated_at, confirmed_at)
    WITH RECURSIVE n(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM n WHERE x < ${EMAILS})
    SELECT 1, 'email', 'backlog' || x || '@example.test', 'active', 1, 0, 0, 0 FROM n`);
  dbSql(w.s, `INSERT INTO subscribers (page_id, channel, address, state, all_services, created_at, updated_at, confirmed_at)
    VALUES (1, 'sms', '+14155550101', 'active', 1, 0, 0, 0), (1, 'sms', '+14155550102', 'active', 1, 0, 0, 0),
           (1, 'sms', '+14155550103', 'active', 1, 0, 0, 0)`);

  const ev = await newIncident(w.s, { title: 'Backlog', services: [svc.id] });
  const first = await within(10000, 'the first update\'s SMS, Slack and webhook', () =>
    w.twilio.messages.length >= 3 && w.slack.messages.length >= 1 && w.webhook.events.length >= 1);

  // a second update while the e-mail backlog is still there (Resolved: SMS hears of it)
  const r = await api(w.s, 'POST', `incidents/${ev.id}/updates`, { body: { stage: 'resolved', message: 'Fixed.' } });
  assert.equal(r.status, 201, r.text);
  const second = await within(10000, 'the second update\'s SMS, Slack and webhook', () =>
    w.twilio.messages.length >= 6 && w.slack.messages.length >= 2 && w.webhook.events.length >= 2);
  const mailed = w.smtp.messages.length;
  assert.ok(mailed < EMAILS / 2, `${mailed} of ${EMAILS} e-mails already accepted: the backlog was not there to wait behind`);
  assert.equal(new Set(w.twilio.messages.map((m) => `${m.to} ${m.body}`)).size, 6, 'each SMS once');
  assert.match(w.twilio.messages.at(-1).body, /Resolved/);
  // the backlog and where it is heading, in /metrics (an operator sees a miss coming)
  const m = (await request(w.s, 'GET', '/metrics')).text;
  const gauge = (name, ch) => {
    const hit = new RegExp(`^${name}\\{page="[^"]*",channel="${ch}"\\} (\\S+)$`, 'm').exec(m);
    assert.ok(hit, `${name} for ${ch} in:\n${m.slice(0, 3000)}`);
    return Number(hit[1]);
  };
  const waiting = gauge('pharos_delivery_backlog', 'email');
  assert.ok(waiting > EMAILS / 4, `e-mail backlog ${waiting}`);
  assert.ok(gauge('pharos_delivery_sent_last_minute', 'email') > 0);
  const drain = gauge('pharos_delivery_drain_seconds', 'email');
  assert.ok(drain > 0 && Number.isFinite(drain), `drain ${drain}`);
  assert.ok(gauge('pharos_delivery_sla_left_seconds', 'email') <= 300);
  // the SMS are out (their outcomes may still be on their way to the database)
  assert.ok(gauge('pharos_delivery_backlog', 'sms') <= 6);
  console.log(`# first update: SMS/Slack/webhook in ${first} ms; second: ${second} ms; e-mails accepted by then: ${mailed}/${EMAILS}`);
});
