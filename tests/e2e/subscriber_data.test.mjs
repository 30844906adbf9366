// Subscriber data (SPEC §15) end to end against a real SMTP server: the export holds
// everything stored about a subscriber (their deliveries, audit records and the
// confirmations counted against their address) and no secret; deleting erases the
// address and the choices while the deliveries stay, anonymous, in the notification log
// and the delivery figures of /metrics; "Delete my data" on the preferences page does the
// same for the subscriber (CSRF token required, rate limited) and kills their links; three
// 550s in a row from the relay make an e-mail subscriber bounced (a delivery in between
// clears the count, a refusal of the message itself is not the address's), after which
// nothing more is tried to them while the others still get theirs, until they subscribe
// and confirm again. Runs on both backends.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { cli, tempDir, request, api } from './lib/harness.mjs';
import { stopClean, dbSql, otherApi, auditMark, auditSince, assertError } from './lib/admin.mjs';
import { startWorld, stopWorld, postForm, subscribeEmail, newService, newIncident, settled, linkIn } from './lib/notify.mjs';

const LIMIT = 30; // limits.subscribe_per_ip_hour: sign-ups, and "Delete my data" attempts
let w;
let s;
let svc;
before(async () => {
  const dataDir = tempDir();
  assert.equal(cli(['page', 'add', '--slug', 'other', '--title', 'Other', '--host', 'other.example.test'], { dataDir }).code, 0);
  const other = cli(['token', 'create', '--name', 'e2e', '--page', 'other'], { dataDir });
  assert.equal(other.code, 0, other.stderr);
  w = await startWorld({ dataDir, privateTargets: false, env: { PHAROS_LIMITS_SUBSCRIBE_PER_IP_HOUR: String(LIMIT) } });
  s = w.s;
  s.otherToken = other.stdout.trim();
  svc = await newService(s, 'API');
});
after(async () => { await stopClean(s); await stopWorld(w); });

const subscriberOf = async (address) =>
  (await api(s, 'GET', 'subscribers?limit=500')).json.subscribers.find((x) => x.address === address);
const count = (sql) => Number(dbSql(s, sql).trim());
// The delivery figures of /metrics that erasing must leave as they are.
const figures = async () => (await request(s, 'GET', '/metrics')).text.split('\n')
  .filter((l) => /^pharos_delivery_(latency_seconds|failed_24h|pending)/.test(l)).join('\n');

test('export then delete through the API: everything stored, then the address gone and the deliveries kept', async () => {
  const prefs = await subscribeEmail(w, 'ann@example.test', [svc.id]);
  const ann = await subscriberOf('ann@example.test');
  const ev = await newIncident(s, { title: 'Export test', services: [svc.id] });
  await settled(s, ev.updates[0].id);

  const x = await api(s, 'GET', `subscribers/${ann.id}/export`);
  assert.equal(x.status, 200, x.text);
  assert.match(x.headers['content-type'], /application\/json/);
  assert.equal(x.headers['cache-control'], 'no-store');
  const sub = x.json.subscriber;
  assert.deepEqual(Object.keys(sub).sort(), ['address', 'bounces', 'channel', 'code_attempts', 'confirm_sent_at',
    'confirmed_at', 'created_at', 'id', 'language', 'services', 'state', 'updated_at']);
  assert.equal(sub.address, 'ann@example.test');
  assert.equal(sub.state, 'active');
  assert.deepEqual(sub.services, [{ id: svc.id, name: 'API' }]);
  assert.equal(sub.bounces, 0);
  assert.deepEqual(x.json.deliveries.map((d) => [d.kind, d.channel, d.recipient, d.state]),
    [['confirmation', 'email', 'ann@example.test', 'sent'], ['update', 'email', 'ann@example.test', 'sent']]);
  const upd = x.json.deliveries[1];
  assert.equal(upd.event_title, 'Export test');
  assert.equal(upd.update_stage, 'investigating');
  assert.equal(upd.attempts, 1);
  assert.ok(upd.sent_at && upd.accepted_at);
  assert.deepEqual(x.json.audit.map((a) => a.action), ['subscriber.subscribe', 'subscriber.confirm', 'subscriber.preferences']);
  assert.deepEqual(x.json.rate_limits.map((r) => [r.bucket, r.hits]), [['confirm-addr:email:ann@example.test', 1]]);
  assert.ok(x.json.exported_at);
  assert.doesNotMatch(x.text, /token_hash|code_hash/);
  assert.ok(!x.text.includes(prefs.replace('/subscription/', '')), 'no management token');
  assert.equal((await api(s, 'GET', `subscribers/${ann.id}/export/`)).status, 200, 'a trailing slash is fine');
  assertError(await otherApi(s, 'GET', `subscribers/${ann.id}/export`), 404, 'not_found');
  assertError(await api(s, 'GET', 'subscribers/999999/export'), 404, 'not_found', /no subscriber with id 999999/);
  assert.equal((await api(s, 'POST', `subscribers/${ann.id}/export`, { body: {} })).status, 405);
  assertError(await otherApi(s, 'DELETE', `subscribers/${ann.id}`), 404, 'not_found');

  const before = await figures();
  assert.match(before, /pharos_delivery_latency_seconds_count\{[^}]*channel="email"[^}]*\} 1/);
  const mark = auditMark(s);
  assert.equal((await api(s, 'DELETE', `subscribers/${ann.id}`)).status, 204);
  assert.deepEqual(auditSince(s, mark), [`subscriber.delete:${ann.id}`]);
  assert.equal(count(`SELECT COUNT(*) FROM audit_log WHERE id > ${mark} AND detail = 'email'`), 1, 'the channel, not the address');
  assertError(await api(s, 'GET', `subscribers/${ann.id}`), 404, 'not_found');
  assertError(await api(s, 'GET', `subscribers/${ann.id}/export`), 404, 'not_found');
  assertError(await api(s, 'DELETE', `subscribers/${ann.id}`), 404, 'not_found');
  // the address is nowhere; the deliveries are still there, sent, without it
  for (const sql of ["SELECT COUNT(*) FROM subscribers WHERE address LIKE '%ann@%'",
    "SELECT COUNT(*) FROM deliveries WHERE recipient LIKE '%ann@%' OR last_error LIKE '%ann@%'",
    "SELECT COUNT(*) FROM rate_limits WHERE bucket LIKE '%ann@%'",
    "SELECT COUNT(*) FROM audit_log WHERE detail LIKE '%ann@%'",
    `SELECT COUNT(*) FROM subscriber_services WHERE subscriber_id = ${ann.id}`])
    assert.equal(count(sql), 0, sql);
  const log = (await api(s, 'GET', 'deliveries?channel=email')).json.deliveries;
  const erased = log.filter((d) => d.recipient.startsWith('erased:'));
  assert.deepEqual(erased.map((d) => [d.kind, d.state]), [['update', 'sent'], ['confirmation', 'sent']]);
  assert.equal(await figures(), before, 'the delivery figures are the same');
  // the links in their messages lead nowhere now
  assert.equal((await request(s, 'GET', prefs)).status, 404);
  assert.equal((await request(s, 'POST', prefs.replace('/subscription/', '/unsubscribe/'))).status, 404);
});

test('"Delete my data" on the preferences page: a confirmation, then the token is dead', async () => {
  const prefs = await subscribeEmail(w, 'dana@example.test');
  const page = await request(s, 'GET', prefs);
  assert.equal(page.status, 200);
  assert.match(page.text, /<details class="sub-delete">\s*<summary>Delete my data<\/summary>/);
  const form = new RegExp(`<form class="sub-form" method="post" action="${prefs}/delete">\\s*<input type="hidden" name="csrf_token" value="([^"]+)">`).exec(page.text);
  assert.ok(form, 'a POST form with its csrf_token');
  const csrf = form[1];
  const dana = await subscriberOf('dana@example.test');
  // without the csrf_token, or with a forged one: 403 and nothing changes
  assert.equal((await postForm(s, `${prefs}/delete`, {})).status, 403);
  assert.equal((await postForm(s, `${prefs}/delete`, { csrf_token: '1.forged' })).status, 403);
  const wrong = await request(s, 'GET', `${prefs}/delete`);
  assert.equal(wrong.status, 405);
  assert.equal(wrong.headers.allow, 'POST, OPTIONS');
  assert.equal((await subscriberOf('dana@example.test'))?.state, 'active');

  const mark = auditMark(s);
  const r = await postForm(s, `${prefs}/delete`, { csrf_token: csrf });
  assert.equal(r.status, 303, r.text);
  assert.equal(r.headers.location, '/subscribe/deleted');
  const done = await request(s, 'GET', r.headers.location);
  assert.equal(done.status, 200);
  assert.match(done.text, /data-deleted="true">Your data is deleted</);
  assert.deepEqual(auditSince(s, mark), [`subscriber.delete:${dana.id}`]);
  assert.equal(count(`SELECT COUNT(*) FROM audit_log WHERE id > ${mark} AND actor = 'public'`), 1);
  assert.equal(await subscriberOf('dana@example.test'), undefined);
  assert.equal(count("SELECT COUNT(*) FROM deliveries WHERE recipient LIKE '%dana%'"), 0);
  assert.equal(count("SELECT COUNT(*) FROM deliveries WHERE kind = 'confirmation' AND state = 'sent' AND recipient LIKE 'erased:%'"), 2, "Ann's and Dana's");
  const gone = await request(s, 'GET', prefs);
  assert.equal(gone.status, 404);
  assert.match(gone.text, /not valid/);
  assert.equal((await postForm(s, `${prefs}/delete`, { csrf_token: csrf })).status, 404, 'once');
  // they can subscribe again: a new subscriber, a new confirmation
  assert.equal((await postForm(s, '/subscribe', { email: 'dana@example.test' })).status, 200);
  assert.equal((await subscriberOf('dana@example.test')).state, 'pending');
  // attempts are counted per client address like sign-ups: past the limit, 429
  let status = 0;
  for (let i = 0; i <= LIMIT && status !== 429; i++)
    status = (await postForm(s, `${prefs.slice(0, -3)}xyz/delete`, { csrf_token: csrf })).status;
  assert.equal(status, 429);
});

test('three 550s in a row make an e-mail subscriber bounced: no more mail to them, until they confirm again', async () => {
  const who = 'bounce@example.test';
  for (const address of [who, 'fine@example.test'])
    assert.equal((await api(s, 'POST', 'subscribers', { body: { channel: 'email', address, confirmed: true } })).status, 201);
  const b = await subscriberOf(who);
  const bounces = () => count(`SELECT bounces FROM subscribers WHERE id = ${b.id}`);
  const incident = async (title) => {
    const ev = await newIncident(s, { title, services: [svc.id] });
    return { uid: ev.updates[0].id, ds: await settled(s, ev.updates[0].id) };
  };
  const to = (ds, addr) => ds.find((d) => d.recipient === addr);

  w.smtp.rejectRcpt((a) => a === who);
  for (const n of [1, 2]) {
    const { ds } = await incident(`Bounce ${n}`);
    assert.equal(to(ds, who).state, 'failed');
    assert.match(to(ds, who).last_error, /SMTP 550 \(RCPT TO\)/);
    assert.equal(bounces(), n);
  }
  // a message delivered in between: the count starts again
  w.smtp.rejectRcpt(null);
  assert.equal(to((await incident('Delivered')).ds, who).state, 'sent');
  assert.equal(bounces(), 0);
  // the relay refusing the message itself (554 at the end of data) is not the address's
  w.smtp.rejectData((a) => a === who);
  const content = to((await incident('Refused content')).ds, who);
  assert.equal(content.state, 'failed');
  assert.match(content.last_error, /SMTP 554/);
  assert.equal(bounces(), 0);
  w.smtp.rejectData(null);
  // three in a row
  w.smtp.rejectRcpt((a) => a === who);
  for (const n of [1, 2, 3]) await incident(`Bounce again ${n}`);
  assert.equal((await api(s, 'GET', `subscribers/${b.id}`)).json.subscriber.state, 'bounced');
  const list = (await api(s, 'GET', 'subscribers?state=bounced')).json;
  assert.deepEqual(list.subscribers.map((x) => x.address), [who]);
  assert.equal(list.counts.email.bounced, 1);
  assert.equal(count(`SELECT COUNT(*) FROM audit_log WHERE action = 'subscriber.bounced' AND object_id = ${b.id} AND actor = 'system'`), 1);

  // nothing more is tried to them; the others still get theirs
  const tried = w.smtp.refusals[who];
  const fineMails = w.smtp.byRecipient('fine@example.test').length;
  const { uid, ds } = await incident('After the bounce');
  assert.equal(to(ds, who), undefined, 'no delivery for a bounced subscriber');
  assert.equal(to(ds, 'fine@example.test').state, 'sent');
  assert.equal(w.smtp.refusals[who], tried, 'not tried again');
  assert.equal(w.smtp.byRecipient('fine@example.test').length, fineMails + 1);
  assert.equal(count(`SELECT COUNT(*) FROM deliveries WHERE update_id = ${uid} AND subscriber_id = ${b.id}`), 0);

  // subscribing again from the public form sends a new confirmation; confirming reactivates
  w.smtp.rejectRcpt(null);
  assert.equal((await postForm(s, '/subscribe', { email: who })).status, 200);
  assert.equal((await subscriberOf(who)).state, 'pending');
  const mails = await w.smtp.waitFor((m) => m.some((x) => x.to.includes(who) && /Confirm/.test(x.headers.subject)), 20000, 'a new confirmation');
  const confirm = linkIn(mails.find((x) => x.to.includes(who) && /Confirm/.test(x.headers.subject)).text, /http:\/\/\S+\/subscribe\/confirm\/\S+/);
  assert.equal((await request(s, 'GET', confirm)).status, 303);
  assert.equal((await subscriberOf(who)).state, 'active');
  assert.equal(bounces(), 0);
  const back = await incident('Welcome back');
  assert.equal(to(back.ds, who).state, 'sent');
});
