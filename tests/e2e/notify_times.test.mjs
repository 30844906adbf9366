// Messages say when (issue 10, item 5; SPEC §15): every message about a maintenance
// states its window in the page's time zone and in UTC, and every update its time —
// in e-mails, SMS (in UTC too as room allows), Slack, tweets, and webhooks (RFC 3339 there,
// with the update's kind).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { api } from './lib/harness.mjs';
import { stopClean } from './lib/admin.mjs';
import { startWorld, stopWorld, connectAll, settled, newService } from './lib/notify.mjs';
import { gsmUnits } from './fakes/twilio.mjs';

let w;
let s;
let svc;
before(async () => {
  w = await startWorld();
  s = w.s;
  svc = await newService(s, 'Database');
  await connectAll(w);
  for (const [channel, address] of [['email', 'ops@example.test'], ['sms', '+14155550199']])
    assert.equal((await api(s, 'POST', 'subscribers', { body: { channel, address, confirmed: true } })).status, 201);
  assert.equal((await api(s, 'PATCH', 'page', { body: { time_zone: 'Europe/Paris' } })).status, 200);
});
after(async () => { await stopClean(s); await stopWorld(w); });

const WINDOW = /\w{3} 10 Dec 2099 09:00–11:00 GMT\+1 \(08:00–10:00 UTC\)/;

test('a scheduled maintenance: its window in the page\'s zone and in UTC on every channel', async () => {
  const r = await api(s, 'POST', 'maintenance', { body: { title: 'Database upgrade', message: 'New hardware.',
    scheduled_start: '2099-12-10T08:00:00Z', scheduled_end: '2099-12-10T10:00:00Z', services: [svc.id] } });
  assert.equal(r.status, 201, r.text);
  const m = r.json.maintenance;
  const rows = await settled(s, m.updates[0].id);
  assert.ok(rows.length >= 5 && rows.every((x) => x.state === 'sent'), JSON.stringify(rows));

  const mail = w.smtp.byRecipient('ops@example.test').find((x) => /Database upgrade/.test(x.headers.subject));
  assert.match(mail.text, new RegExp(`^When: ${WINDOW.source}$`, 'm'));
  assert.match(mail.text, /^Posted: \w{3} \d+ \w{3} \d{4} \d\d:\d\d GMT\+1 \(\d\d:\d\d UTC\)$/m);
  assert.match(mail.html, new RegExp(`data-window>When: <strong>${WINDOW.source}</strong>`));

  const sms = w.twilio.messages.find((x) => x.to === '+14155550199' && /Database upgrade/.test(x.body));
  assert.match(sms.body, /Database upgrade \(10 Dec 09:00-11:00 GMT\+1 \/ 08:00-10:00 UTC\) http/, 'room for both');
  assert.ok(gsmUnits(sms.body) <= 160);

  const slack = w.slack.messages.find((x) => /Database upgrade/.test(x.text));
  assert.match(slack.blocks.at(-1).elements[0].text, new RegExp(`Posted .* · When: ${WINDOW.source}`));

  const tweet = w.twitter.tweets.find((x) => /Database upgrade/.test(x.text));
  assert.match(tweet.text, /Scheduled: Database upgrade \(10 Dec 09:00-11:00 GMT\+1 \/ 08:00-10:00 UTC\)/);

  const hook = w.webhook.events.find((x) => x.event.id === m.id);
  assert.equal(hook.event.scheduled_start, '2099-12-10T08:00:00Z');
  assert.equal(hook.event.scheduled_end, '2099-12-10T10:00:00Z');
  assert.equal(hook.page.time_zone, 'Europe/Paris');
  assert.equal(hook.update.kind, 'update');
  assert.match(hook.update.created_at, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
});

test('an incident update: its time in the page\'s zone and in UTC; webhooks get RFC 3339', async () => {
  const r = await api(s, 'POST', 'incidents', { body: { title: 'API errors', message: 'Looking.', services: [svc.id] } });
  assert.equal(r.status, 201, r.text);
  const inc = r.json.incident;
  await settled(s, inc.updates[0].id);
  const mail = w.smtp.byRecipient('ops@example.test').find((x) => /API errors/.test(x.headers.subject));
  assert.doesNotMatch(mail.text, /^When:/m, 'an incident has no window');
  assert.match(mail.text, /^Posted: \w{3} \d+ \w{3} \d{4} \d\d:\d\d GMT\+1 \(\d\d:\d\d UTC\)$/m);
  assert.match(mail.html, /data-posted>Posted \w{3} \d+ \w{3} \d{4} \d\d:\d\d GMT\+1 \(\d\d:\d\d UTC\)/);
  const sms = w.twilio.messages.find((x) => /API errors/.test(x.body));
  assert.match(sms.body, /API errors \(\d+ \w{3} \d\d:\d\d GMT\+1\) http/);
  const hook = w.webhook.events.find((x) => x.event.id === inc.id);
  assert.equal(hook.event.scheduled_start, null);
  assert.equal(hook.update.created_at, inc.updates[0].created_at);
});

test('an SMS with no room for both keeps the title and the window in the page\'s zone, within 160', async () => {
  const title = 'Replacing the storage and network of the primary database cluster';
  const r = await api(s, 'POST', 'maintenance', { body: { title, message: 'New disks.',
    scheduled_start: '2099-12-11T08:00:00Z', scheduled_end: '2099-12-11T10:00:00Z', services: [svc.id] } });
  assert.equal(r.status, 201, r.text);
  await settled(s, r.json.maintenance.updates[0].id);
  const sms = w.twilio.messages.find((x) => x.to === '+14155550199' && /primary database/.test(x.body));
  assert.ok(sms.body.includes(`${title} (11 Dec 09:00-11:00 GMT+1) http`), sms.body);
  assert.ok(gsmUnits(sms.body) <= 160, `${gsmUnits(sms.body)} units: ${sms.body}`);
  const tweet = w.twitter.tweets.find((x) => x.text.includes(title));
  assert.ok(tweet.text.includes(`(11 Dec 09:00-11:00 GMT+1 / 08:00-10:00 UTC)`), tweet.text);
});
