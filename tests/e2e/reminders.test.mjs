// Maintenance reminders (SPEC §15; issue 14) against a real SMTP server and the fakes of
// Twilio, Slack, Twitter and the webhook: a maintenance 61 minutes ahead on a page with
// reminder_min 60 sends ONE "Reminder" reminder_min minutes before its start — e-mail to
// the subscribers of its services, Slack, Twitter and the webhook, never SMS — that states
// the window in the page's zone and in UTC, shows in the console (the event's timeline, the
// notification log) and on no public page; a server down at the reminder time sends it
// when it comes back, and a restart after it sends no second one; reminder_min 0 sends none.
//
// Time is moved by hand: a maintenance created 61 minutes ahead is shifted 65 seconds into
// the past (its creation, start and end, as if 65 seconds had gone by), then the scheduler
// is woken by a change of the maintenance, or finds it when the server starts.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { api, request, startServer } from './lib/harness.mjs';
import { stopClean, dbSql } from './lib/admin.mjs';
import { until } from './lib/events.mjs';
import { startWorld, stopWorld, connectAll, settled, newService, sleep } from './lib/notify.mjs';

const NO_SMS = ['email', 'slack', 'twitter', 'webhook'];

let w;
let s;
let svc;
let con; // the console session that signed in with Twitter
before(async () => {
  w = await startWorld();
  s = w.s;
  svc = await newService(s, 'Database');
  const other = await newService(s, 'Unrelated');
  con = await connectAll(w);
  const subs = [['email', 'ann@example.test', [svc.id]], ['sms', '+14155550111', [svc.id]], ['email', 'bob@example.test', [other.id]]];
  for (const [channel, address, services] of subs) {
    const r = await api(s, 'POST', 'subscribers', { body: { channel, address, confirmed: true, services } });
    assert.equal(r.status, 201, r.text);
  }
  assert.equal((await api(s, 'PATCH', 'page', { body: { time_zone: 'Europe/Paris' } })).status, 200);
});
after(async () => { await stopClean(s); await stopWorld(w); });

const iso = (t) => new Date(t * 1000).toISOString().replace(/\.\d{3}Z$/, 'Z');
const now = () => Math.floor(Date.now() / 1000);

// Schedules TITLE to start 61 minutes from now (an hour long) on the Database service and
// waits for its "Scheduled" notifications; returns the maintenance.
async function schedule(title) {
  const start = now() + 61 * 60;
  const r = await api(s, 'POST', 'maintenance', {
    body: { title, message: 'We *replace* the disks.', scheduled_start: iso(start), scheduled_end: iso(start + 3600), services: [svc.id] },
  });
  assert.equal(r.status, 201, r.text);
  await settled(s, r.json.maintenance.updates[0].id);
  return r.json.maintenance;
}
// As if 65 seconds had gone by for maintenance ID: its reminder (60 minutes before its
// start) falls due 5 seconds ago.
const age = (srv, id) => dbSql(srv, `UPDATE events SET created_at = created_at - 65, scheduled_start = scheduled_start - 65,
  scheduled_end = scheduled_end - 65 WHERE id = ${id}`);
const reminders = (srv, id) => {
  const out = dbSql(srv, `SELECT id FROM event_updates WHERE event_id = ${id} AND kind = 'reminder' ORDER BY id`).trim();
  return out ? out.split('\n').map(Number) : [];
};
const mailsAbout = (title) => w.smtp.messages.filter((m) => m.headers.subject.includes(title));

test('61 minutes ahead, reminder_min 60: one Reminder to e-mail, Slack, Twitter and the webhook, none to SMS', async () => {
  const m = await schedule('Disk replacement');
  const sms = w.twilio.messages.length;
  age(s, m.id);
  // any change of the maintenance wakes the scheduler (here: its title, sent back unchanged)
  assert.equal((await api(s, 'PATCH', `maintenance/${m.id}`, { body: { title: 'Disk replacement' } })).status, 200);
  const [rid] = await until(() => { const r = reminders(s, m.id); return r.length && r; }, { what: 'the reminder' });
  const ds = await settled(s, rid);
  assert.deepEqual([...new Set(ds.map((d) => d.channel))].sort(), NO_SMS);
  for (const d of ds) assert.equal(d.state, 'sent', `${d.channel}: ${d.last_error}`);
  assert.deepEqual(ds.filter((d) => d.channel === 'email').map((d) => d.recipient), ['ann@example.test'],
    'the subscribers of its services (bob chose another)');

  const mails = mailsAbout('Disk replacement').filter((x) => /Reminder/.test(x.headers.subject));
  assert.equal(mails.length, 1);
  const mail = mails[0];
  assert.equal(mail.headers.subject, '[Status] Reminder: Disk replacement');
  assert.match(mail.text, /^Status — Reminder: Disk replacement$/m);
  assert.match(mail.text, /^This maintenance starts in 1 hour\.$/m);
  assert.match(mail.text, /We replace the disks\./, 'the latest update, as plain text');
  // (an hour ahead may cross midnight: "Mon 7 Dec 2026 23:15 GMT+1 – Tue 8 Dec 2026 00:15 GMT+1
  // (22:15–23:15 UTC)", and the UTC part may name its days too)
  const day = String.raw`\w{3} \d+ \w{3} \d{4}`;
  assert.match(mail.text, new RegExp(String.raw`^When: ${day} \d\d:\d\d(–\d\d:\d\d GMT\+1| GMT\+1 – ${day} \d\d:\d\d GMT\+1)` +
    String.raw` \((${day} )?\d\d:\d\d–(${day} )?\d\d:\d\d UTC\)$`, 'm'));
  assert.match(mail.html, /<strong>Reminder<\/strong>/);
  assert.match(mail.html, /data-window>When: <strong>[^<]+GMT\+1 \([^<]+UTC\)<\/strong>/);
  assert.match(mail.html, /<em>replace<\/em>/);

  const slack = w.slack.messages.filter((x) => x.text === '[Status] Reminder: Disk replacement');
  assert.equal(slack.length, 1);
  assert.match(slack[0].blocks.at(-1).elements[0].text, /When: .*GMT\+1 \(.*UTC\)/);
  const tweets = w.twitter.tweets.filter((x) => x.text.startsWith('Reminder: Disk replacement'));
  assert.equal(tweets.length, 1);
  assert.match(tweets[0].text, /^Reminder: Disk replacement \(\d+ \w{3} \d\d:\d\d(-\d\d:\d\d GMT\+1| GMT\+1 - \d+ \w{3} \d\d:\d\d GMT\+1) \/ (\d+ \w{3} )?\d\d:\d\d(-\d\d:\d\d UTC| UTC - \d+ \w{3} \d\d:\d\d UTC)\)/);
  const hooks = w.webhook.events.filter((x) => x.event.id === m.id && x.update.kind === 'reminder');
  assert.equal(hooks.length, 1);
  assert.equal(hooks[0].update.stage, 'scheduled');
  assert.equal(hooks[0].update.id, rid);
  assert.equal(w.twilio.messages.length, sms, 'no text message');

  // the team sees it; visitors do not
  const got = (await api(s, 'GET', `maintenance/${m.id}`)).json.maintenance;
  assert.deepEqual(got.updates.map((u) => [u.kind, u.stage]), [['update', 'scheduled'], ['reminder', 'scheduled']]);
  assert.match(got.updates[1].message, /^This maintenance starts in 1 hour\.\n\nWe \*replace\* the disks\.$/);
  const screen = await con.get(`/admin/maintenance/${m.id}`);
  assert.match(screen.text, /<li data-update-kind="reminder">\s*<div class="tl-head"><span class="badge stage-scheduled">Reminder<\/span>/);
  assert.match((await con.get('/admin/deliveries')).text, /Maintenance reminder/);
  const page = await request(s, 'GET', `/maintenance/${m.id}`);
  assert.equal(page.status, 200);
  assert.doesNotMatch(page.text, /starts in 1 hour/);
  assert.doesNotMatch((await request(s, 'GET', '/feed')).text, /Reminder|starts in 1 hour/);
  assert.doesNotMatch((await request(s, 'GET', '/api/v2/scheduled-maintenances.json')).text, /starts in 1 hour/);
});

test('a server down at the reminder time sends it when it comes back; a restart after that sends no second one', async () => {
  const m = await schedule('Switch upgrade');
  // a maintenance to start on its own while the server is down: seeing it started tells
  // that the scheduler's first run (transitions, then reminders) is done
  const marker = (await api(s, 'POST', 'maintenance', {
    body: { title: 'Marker', message: 'x', scheduled_start: iso(now() + 7200), scheduled_end: iso(now() + 9000), notify: false },
  })).json.maintenance;
  // kill -9, WHILE_DOWN, then back: the scheduler's first run has started the marker
  const restart = async (whileDown = () => {}) => {
    await s.kill9();
    whileDown();
    dbSql(s, `UPDATE events SET stage = 'scheduled', resolved_at = NULL, scheduled_start = ${now() - 10} WHERE id = ${marker.id}`);
    const next = await startServer({ dataDir: s.dataDir, env: w.env });
    next.token = s.token;
    w.s = s = next;
    await until(async () => (await api(s, 'GET', `maintenance/${marker.id}`)).json.maintenance.stage !== 'scheduled',
      { what: 'the scheduler\'s first run' });
  };
  await restart(() => age(s, m.id)); // its reminder falls due while the server is down
  const [rid] = await until(() => { const r = reminders(s, m.id); return r.length && r; }, { what: 'the caught-up reminder' });
  await settled(s, rid);
  assert.equal(mailsAbout('Switch upgrade').filter((x) => /Reminder/.test(x.headers.subject)).length, 1);
  assert.match(mailsAbout('Switch upgrade').find((x) => /Reminder/.test(x.headers.subject)).text, /starts in (1 hour|59 minutes)\./);

  await restart();
  await sleep(1000);
  assert.deepEqual(reminders(s, m.id), [rid], 'no second reminder after a restart');
  assert.equal(mailsAbout('Switch upgrade').filter((x) => /Reminder/.test(x.headers.subject)).length, 1);
  assert.equal(dbSql(s, `SELECT COUNT(*) FROM audit_log WHERE action = 'maintenance.reminder' AND object_id = ${m.id}`).trim(), '1');
});

test('reminder_min 0: no reminder', async () => {
  assert.equal((await api(s, 'PATCH', 'page', { body: { reminder_min: 0 } })).status, 200);
  const m = await schedule('Quiet window');
  age(s, m.id);
  assert.equal((await api(s, 'PATCH', `maintenance/${m.id}`, { body: { title: 'Quiet window' } })).status, 200);
  await sleep(1500);
  assert.deepEqual(reminders(s, m.id), []);
  // turned on again (a change that wakes the scheduler): the reminder time has come
  assert.equal((await api(s, 'PATCH', 'page', { body: { reminder_min: 60 } })).status, 200);
  await until(() => reminders(s, m.id).length === 1, { what: 'the reminder once turned on' });
});
