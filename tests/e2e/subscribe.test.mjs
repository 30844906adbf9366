// Public subscriptions (SPEC §7) end to end against a real SMTP server: the form,
// e-mail double opt-in, the preferences page and which events reach whom, one-click
// unsubscribe (RFC 8058), the honeypot, the csrf_token, abuse limits, and the
// confirmation an admin triggers by adding an unconfirmed subscriber.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { request, api } from './lib/harness.mjs';
import { stopClean, dbSql } from './lib/admin.mjs';
import { startWorld, stopWorld, postForm, subscribeEmail, newService, newIncident, linkIn, sleep } from './lib/notify.mjs';

let w;
let s;
let svcA;
let svcB;
before(async () => {
  w = await startWorld({ privateTargets: false, env: { PHAROS_LIMITS_SUBSCRIBE_PER_IP_HOUR: '1000' } });
  s = w.s;
  svcA = await newService(s, 'API');
  svcB = await newService(s, 'Web');
});
after(async () => { await stopClean(s); await stopWorld(w); });

const mailsTo = (addr) => w.smtp.byRecipient(addr);

test('the subscribe form renders in the public layout with a honeypot and a csrf_token', async () => {
  const r = await request(s, 'GET', '/subscribe');
  assert.equal(r.status, 200);
  assert.match(r.headers['content-type'], /text\/html/);
  assert.match(r.text, /<header class="site"/, 'public layout');
  assert.match(r.text, /name="email"/);
  assert.match(r.text, /name="phone"/);
  assert.match(r.text, /name="website"/, 'honeypot');
  assert.match(r.text, /name="csrf_token" value="\d+\.[A-Za-z0-9_-]+"/);
});

test('subscribe → confirmation mail → confirm → choose a service: only events on it arrive', async () => {
  const addr = 'Carol@Example.test';
  const r = await postForm(s, '/subscribe', { email: addr });
  assert.equal(r.status, 200, r.text);
  assert.match(r.text, /data-sent="email"/);
  assert.match(r.text, /carol@example\.test/);
  assert.equal(dbSql(s, "SELECT state FROM subscribers WHERE address='carol@example.test'").trim(), 'pending');
  await w.smtp.waitFor(() => mailsTo('carol@example.test').length === 1);
  const mail = mailsTo('carol@example.test')[0];
  assert.equal(mail.headers.subject, '[Status] Confirm your subscription');
  assert.match(mail.text, /^Please confirm your subscription to updates from Status for carol@example\.test:/, 'not "Status status updates"');
  assert.equal(mail.headers['auto-submitted'], 'auto-generated');
  assert.match(mail.headers['message-id'], /^<[^<>\s]+@example\.test>$/);
  assert.ok(mail.headers.date);
  const link = linkIn(mail.text, /http:\/\/\S+\/subscribe\/confirm\/\S+/);
  assert.ok(mail.html.includes(link), 'HTML part has the link too');
  // A forged or altered token is refused and changes nothing.
  assert.equal((await request(s, 'GET', link.slice(0, -2) + 'xx')).status, 404);
  assert.equal((await request(s, 'GET', '/subscribe/confirm/nonsense')).status, 404);
  assert.equal(dbSql(s, "SELECT state FROM subscribers WHERE address='carol@example.test'").trim(), 'pending');
  const c = await request(s, 'GET', link);
  assert.equal(c.status, 303);
  assert.match(c.headers.location, /^\/subscription\/m\d+-[A-Za-z0-9_-]+\?confirmed=1$/);
  assert.equal(dbSql(s, "SELECT state FROM subscribers WHERE address='carol@example.test'").trim(), 'active');
  const prefs = await request(s, 'GET', c.headers.location);
  assert.equal(prefs.status, 200);
  assert.match(prefs.text, /data-confirmed>Your subscription is confirmed\. You get updates about all services/);
  assert.equal(prefs.headers['cache-control'], 'no-store');
  assert.match(prefs.text, new RegExp(`name="services" value="${svcA.id}" checked`), 'all services by default');
  const saved = await postForm(s, c.headers.location, [['services', String(svcB.id)]]);
  assert.equal(saved.status, 200);
  assert.match(saved.text, /data-saved>Saved: you get updates about Web\./);
  assert.match(saved.text, new RegExp(`name="services" value="${svcB.id}" checked`));
  assert.doesNotMatch(saved.text, new RegExp(`name="services" value="${svcA.id}" checked`));

  await newIncident(s, { title: 'API down', services: [svcA.id] });
  const onB = await newIncident(s, { title: 'Web slow', services: [{ id: svcB.id, status: 'degraded_performance' }], message: 'Pages load **slowly**.' });
  await w.smtp.waitFor(() => mailsTo('carol@example.test').length >= 2);
  await sleep(1500); // the API incident must not follow
  const got = mailsTo('carol@example.test').slice(1);
  assert.equal(got.length, 1, got.map((m) => m.headers.subject).join(', '));
  const m = got[0];
  assert.equal(m.headers.subject, '[Status] Investigating: Web slow');
  assert.match(m.text, /Pages load slowly\./);
  assert.match(m.html, /<strong>slowly<\/strong>/);
  assert.match(m.text, /Affected: Web/);
  assert.match(m.text, new RegExp(`/incidents/${onB.id}`));
  const unsub = /^<(http:\/\/[^>]+\/unsubscribe\/m\d+-[^>]+)>$/.exec(m.headers['list-unsubscribe']);
  assert.ok(unsub, m.headers['list-unsubscribe']);
  assert.equal(m.headers['list-unsubscribe-post'], 'List-Unsubscribe=One-Click');
  assert.match(m.text, /\/subscription\/m\d+-/);

  // RFC 8058 one-click: a POST with no cookie, no CSRF token, no redirect.
  const one = await postForm(s, new URL(unsub[1]).pathname, { 'List-Unsubscribe': 'One-Click' });
  assert.equal(one.status, 200, one.text);
  assert.match(one.text, /data-unsubscribed="true"/);
  assert.equal(dbSql(s, "SELECT state FROM subscribers WHERE address='carol@example.test'").trim(), 'unsubscribed');
  await newIncident(s, { title: 'Web down again', services: [svcB.id] });
  await sleep(1500);
  assert.equal(mailsTo('carol@example.test').length, 2, 'nothing after unsubscribing');
});

test('preferences: "all services" and "only these" are two choices, and the page says what it saved', async () => {
  const prefs = await subscribeEmail(w, 'olga@example.test', 'all');
  const stored = () => dbSql(s, `SELECT s.all_services || ':' || COALESCE(GROUP_CONCAT(c.service_id), '') FROM subscribers s
      LEFT JOIN subscriber_services c ON c.subscriber_id = s.id WHERE s.address = 'olga@example.test' GROUP BY s.id`).trim();
  assert.equal(stored(), '1:');
  const page = await request(s, 'GET', prefs);
  assert.match(page.text, /type="radio" name="all" value="1" id="sub-all" checked/);
  assert.match(page.text, /type="radio" name="all" value="0" id="sub-only">/);
  // the attack of the report: "All services" still chosen while Web is unticked
  const mixed = await postForm(s, prefs, [['all', '1'], ['services', String(svcA.id)]]);
  assert.equal(mixed.status, 400);
  assert.match(mixed.text, /“All services” is chosen, but Web is not ticked/);
  assert.doesNotMatch(mixed.text, /data-saved/);
  assert.equal(stored(), '1:', 'nothing saved');
  const only = await postForm(s, prefs, [['all', '0'], ['services', String(svcA.id)]]);
  assert.equal(only.status, 200);
  assert.match(only.text, /data-saved>Saved: you get updates about API\./);
  assert.match(only.text, /id="sub-only" checked/);
  assert.equal(stored(), `0:${svcA.id}`);
  const none = await postForm(s, prefs, [['all', '0']]);
  assert.equal(none.status, 400);
  assert.match(none.text, /tick at least one service/);
  assert.equal(stored(), `0:${svcA.id}`);
  const both = await postForm(s, prefs, [['all', '0'], ['services', String(svcA.id)], ['services', String(svcB.id)]]);
  assert.match(both.text, /Saved: you get updates about API and Web\./);
  const all = await postForm(s, prefs, [['all', '1']]);
  assert.match(all.text, /Saved: you get updates about all services, including ones added later\./);
  assert.equal(stored(), '1:');
});

test('after unsubscribing, the preferences page says so and offers to subscribe again', async () => {
  const prefs = await subscribeEmail(w, 'pete@example.test', 'all');
  const token = prefs.split('/').pop();
  assert.equal((await request(s, 'POST', `/unsubscribe/${token}`)).status, 200);
  const page = await request(s, 'GET', prefs);
  assert.equal(page.status, 200);
  assert.match(page.text, /data-subscription-state="unsubscribed"/);
  assert.match(page.text, /data-state="unsubscribed">You unsubscribed/);
  assert.doesNotMatch(page.text, /name="services"/, 'no form that looks active');
  assert.match(page.text, /<input type="hidden" name="email" value="pete@example.test">/);
  const save = await postForm(s, prefs, [['all', '1']]);
  assert.equal(save.status, 409);
  assert.match(save.text, /this subscription is unsubscribed/);
  assert.equal(dbSql(s, "SELECT state FROM subscribers WHERE address='pete@example.test'").trim(), 'unsubscribed');
  // "Subscribe again" is the public form, with a new confirmation
  const before = mailsTo('pete@example.test').length;
  const again = await postForm(s, '/subscribe', { email: 'pete@example.test' });
  assert.equal(again.status, 200);
  await w.smtp.waitFor(() => mailsTo('pete@example.test').length === before + 1);
  const link = linkIn(mailsTo('pete@example.test').at(-1).text, /http:\/\/\S+\/subscribe\/confirm\/\S+/);
  assert.equal((await request(s, 'GET', link)).status, 303);
  assert.match((await request(s, 'GET', prefs)).text, /data-subscription-state="active"/);
});

test('the unsubscribe page asks first; GET changes nothing', async () => {
  const prefs = await subscribeEmail(w, 'dave@example.test');
  const token = prefs.split('/').pop();
  const page = await request(s, 'GET', `/unsubscribe/${token}`);
  assert.equal(page.status, 200);
  assert.match(page.text, /<form[^>]+method="post"[^>]+\/unsubscribe\//);
  assert.equal(dbSql(s, "SELECT state FROM subscribers WHERE address='dave@example.test'").trim(), 'active');
  assert.equal((await request(s, 'POST', `/unsubscribe/${token}x`)).status, 404);
  assert.equal((await request(s, 'POST', `/unsubscribe/${token}`)).status, 200);
  assert.equal(dbSql(s, "SELECT state FROM subscribers WHERE address='dave@example.test'").trim(), 'unsubscribed');
});

test('"all services" subscribers hear about services added later; a deleted service keeps other choices', async () => {
  await subscribeEmail(w, 'erin@example.test', 'all');
  const prefsFrank = await subscribeEmail(w, 'frank@example.test', [svcA.id, svcB.id]);
  const later = await newService(s, 'Added later');
  await newIncident(s, { title: 'New thing broken', services: [later.id] });
  await w.smtp.waitFor(() => mailsTo('erin@example.test').some((m) => /New thing broken/.test(m.headers.subject)));
  const tmp = await newService(s, 'Temporary');
  assert.equal((await postForm(s, prefsFrank, [['services', String(svcA.id)], ['services', String(tmp.id)]])).status, 200);
  assert.equal((await api(s, 'DELETE', `services/${tmp.id}`)).status, 204);
  const p = await request(s, 'GET', prefsFrank);
  assert.match(p.text, new RegExp(`name="services" value="${svcA.id}" checked`), 'kept API');
  await newIncident(s, { title: 'API flaky', services: [svcA.id] });
  await w.smtp.waitFor(() => mailsTo('frank@example.test').some((m) => /API flaky/.test(m.headers.subject)));
  assert.ok(!mailsTo('frank@example.test').some((m) => /New thing broken/.test(m.headers.subject)));
});

test('the honeypot: a bot is told to check its inbox and nothing is stored or sent', async () => {
  const r = await postForm(s, '/subscribe', { email: 'bot@example.test', website: 'http://spam.test' });
  assert.equal(r.status, 200);
  assert.equal(dbSql(s, "SELECT COUNT(*) FROM subscribers WHERE address='bot@example.test'").trim(), '0');
});

test('a forged or stale csrf_token is refused; a missing one is allowed', async () => {
  assert.equal((await postForm(s, '/subscribe', { email: 'x1@example.test', csrf_token: '123.abc' })).status, 403);
  const page = await request(s, 'GET', '/subscribe');
  const tok = /name="csrf_token" value="([^"]+)"/.exec(page.text)[1];
  assert.equal((await postForm(s, '/subscribe', { email: 'x2@example.test', csrf_token: tok })).status, 200);
  assert.equal(dbSql(s, "SELECT COUNT(*) FROM subscribers WHERE address='x1@example.test'").trim(), '0');
});

test('bad addresses are a 400 on the form, with the message', async () => {
  const r = await postForm(s, '/subscribe', { email: 'not an address' });
  assert.equal(r.status, 400);
  assert.match(r.text, /sub-error/);
  assert.equal((await postForm(s, '/subscribe', { phone: '12345' })).status, 400);
  assert.equal((await postForm(s, '/subscribe', {})).status, 400);
});

test('at most 3 confirmation messages per address per day, then 429', async () => {
  for (let i = 0; i < 3; i++) assert.equal((await postForm(s, '/subscribe', { email: 'gina@example.test' })).status, 200);
  const r = await postForm(s, '/subscribe', { email: 'gina@example.test' });
  assert.equal(r.status, 429);
  await w.smtp.waitFor(() => mailsTo('gina@example.test').length === 3);
  await sleep(500);
  assert.equal(mailsTo('gina@example.test').length, 3);
});

test('an admin adding an unconfirmed subscriber sends the usual confirmation; a confirmed one gets none', async () => {
  const r = await api(s, 'POST', 'subscribers', { body: { channel: 'email', address: 'hank@example.test', confirmed: false } });
  assert.equal(r.status, 201);
  await w.smtp.waitFor(() => mailsTo('hank@example.test').length === 1);
  assert.match(mailsTo('hank@example.test')[0].headers.subject, /Confirm your subscription/);
  await api(s, 'POST', 'subscribers', { body: { channel: 'email', address: 'ivy@example.test', confirmed: true } });
  await sleep(1000);
  assert.equal(mailsTo('ivy@example.test').length, 0);
});
