// Delivery faults (SPEC §10): the SMTP server down then back (every message delivered,
// none twice), Slack's 429 with Retry-After honoured, permanent failures recorded with
// their reason and not retried (Twilio 21211, Slack 404, SMTP 550), Twilio 21610 marking
// the subscriber stopped, and private targets refused unless allowed.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { api, startWithToken } from './lib/harness.mjs';
import { stopClean, dbSql } from './lib/admin.mjs';
import { startWorld, stopWorld, settled, newService, newIncident, sleep } from './lib/notify.mjs';

let w;
let s;
let svc;
before(async () => {
  w = await startWorld();
  s = w.s;
  svc = await newService(s, 'API');
});
after(async () => { await stopClean(s); await stopWorld(w); });

async function addSubscribers(channel, addresses) {
  for (const address of addresses) {
    const r = await api(s, 'POST', 'subscribers', { body: { channel, address, confirmed: true } });
    assert.equal(r.status, 201, r.text);
  }
}
const removeAll = async () => {
  for (const x of (await api(s, 'GET', 'subscribers?limit=500')).json.subscribers) await api(s, 'DELETE', `subscribers/${x.id}`);
};

test('SMTP server down during an incident, then back: every message delivered, none twice', async () => {
  const people = Array.from({ length: 20 }, (_, i) => `down${i}@example.test`);
  await addSubscribers('email', people);
  await w.smtp.stop();
  const ev = await newIncident(s, { title: 'Mail outage test', services: [svc.id] });
  const uid = ev.updates[0].id;
  const end = Date.now() + 20000;
  while (dbSql(s, `SELECT COUNT(*) FROM deliveries WHERE update_id=${uid} AND attempts >= 1 AND state='pending' AND last_error IS NOT NULL`).trim() !== '20') {
    assert.ok(Date.now() < end, 'deliveries retried while the server is down');
    await sleep(100);
  }
  assert.match(dbSql(s, `SELECT last_error FROM deliveries WHERE update_id=${uid} LIMIT 1`), /SMTP/);
  await w.smtp.start();
  const ds = await settled(s, uid, 60000);
  assert.equal(ds.length, 20);
  for (const d of ds) assert.equal(d.state, 'sent');
  for (const p of people) assert.equal(w.smtp.byRecipient(p).length, 1, p);
  await removeAll();
});

test('an SMTP 550 for a recipient is permanent: failed with the reason, not retried', async () => {
  await addSubscribers('email', ['gone@example.test', 'fine@example.test']);
  w.smtp.rejectRcpt((a) => a === 'gone@example.test');
  const ev = await newIncident(s, { title: 'Bounce test', services: [svc.id] });
  const ds = await settled(s, ev.updates[0].id);
  const gone = ds.find((d) => d.recipient === 'gone@example.test');
  assert.equal(gone.state, 'failed');
  assert.equal(gone.attempts, 1);
  assert.match(gone.last_error, /SMTP 550/);
  assert.equal(ds.find((d) => d.recipient === 'fine@example.test').state, 'sent');
  w.smtp.rejectRcpt(null);
  await removeAll();
});

test('Slack answering 429 with Retry-After: retried after it', async () => {
  assert.equal((await api(s, 'PUT', 'integrations/slack', { body: { enabled: true, webhook_url: w.slack.url } })).status, 200);
  w.slack.answerNext(429, { 'Retry-After': '3' }, 'rate_limited');
  const ev = await newIncident(s, { title: 'Slack busy', services: [svc.id] });
  const ds = await settled(s, ev.updates[0].id, 30000);
  const d = ds.find((x) => x.channel === 'slack');
  assert.equal(d.state, 'sent');
  assert.equal(d.attempts, 2);
  const refused = w.slack.refused.at(-1);
  const ok = w.slack.messages.at(-1);
  assert.equal(ok.text, '[Status] Investigating: Slack busy');
  assert.ok(ok.at - refused.at >= 2900, `waited ${ok.at - refused.at} ms`);
});

test('Slack answering 404 (webhook removed): failed with the reason, not retried', async () => {
  w.slack.answerNext(404, {}, 'no_service');
  const before = w.slack.requests.length;
  const ev = await newIncident(s, { title: 'Slack gone', services: [svc.id] });
  const d = (await settled(s, ev.updates[0].id)).find((x) => x.channel === 'slack');
  assert.equal(d.state, 'failed');
  assert.match(d.last_error, /HTTP 404: no_service/);
  await sleep(2500);
  assert.equal(w.slack.requests.length - before, 1, 'not retried');
  await api(s, 'PUT', 'integrations/slack', { body: { enabled: false } });
});

test('Twilio 400 invalid number (21211): failed with the reason, not retried', async () => {
  await addSubscribers('sms', ['+14155550999']);
  w.twilio.fail('+14155550999', { status: 400, code: 21211, message: "The 'To' number +14155550999 is not a valid phone number." });
  const ev = await newIncident(s, { title: 'Bad number', services: [svc.id] });
  const d = (await settled(s, ev.updates[0].id)).find((x) => x.recipient === '+14155550999');
  assert.equal(d.state, 'failed');
  assert.equal(d.attempts, 1);
  assert.match(d.last_error, /Twilio error 21211: The 'To' number/);
  await sleep(2500);
  assert.equal(w.twilio.failed.filter((m) => m.to === '+14155550999').length, 1, 'not retried');
  assert.equal(dbSql(s, "SELECT state FROM subscribers WHERE address='+14155550999'").trim(), 'active');
  const log = await api(s, 'GET', 'deliveries?channel=sms&state=failed');
  assert.match(log.json.deliveries[0].last_error, /21211/);
  await removeAll();
});

test('Twilio 21610 (the recipient replied STOP to Twilio): failed and the subscriber stopped', async () => {
  await addSubscribers('sms', ['+14155550998']);
  w.twilio.fail('+14155550998', { status: 400, code: 21610, message: 'Attempt to send to unsubscribed recipient' });
  const ev = await newIncident(s, { title: 'Unsubscribed number', services: [svc.id] });
  const d = (await settled(s, ev.updates[0].id)).find((x) => x.recipient === '+14155550998');
  assert.equal(d.state, 'failed');
  assert.match(d.last_error, /21610/);
  assert.equal(dbSql(s, "SELECT state FROM subscribers WHERE address='+14155550998'").trim(), 'stopped');
  await removeAll();
});

test('private targets are refused unless security.allow_private_targets', async () => {
  assert.equal((await api(s, 'PUT', 'integrations/webhook', { body: { enabled: true, url: w.webhook.url, secret: 's' } })).status, 200);
  assert.equal((await s.stop()).code, 0);
  s = await startWithToken({ dataDir: s.dataDir, env: { ...w.env, PHAROS_SECURITY_ALLOW_PRIVATE_TARGETS: 'false' } });
  w.s = s;
  const ev = await newIncident(s, { title: 'Private target', services: [svc.id] });
  const d = (await settled(s, ev.updates[0].id)).find((x) => x.channel === 'webhook');
  assert.equal(d.state, 'failed');
  assert.match(d.last_error, /private address/);
  assert.equal(w.webhook.requests.length, 0);
});
