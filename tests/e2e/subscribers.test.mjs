// Subscribers as the team manages them through the REST API (SPEC §7, §9): adding
// confirmed or pending e-mail and SMS subscribers, address normalisation, duplicates,
// chosen services, state changes, filters, counts, pagination, bad input, page isolation.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { api } from './lib/harness.mjs';
import {
  startTwoPages, stopClean, otherApi, dbSql, auditMark, auditSince, assertError, unchangedBy,
  assertBadBodies, assertBadPaging, walk, RFC3339,
} from './lib/admin.mjs';

let s;
let svcA;
let svcB;
let otherSvc;
before(async () => {
  // channels configured (nothing listens: these tests read what is stored, not what is sent)
  s = await startTwoPages({ env: { PHAROS_EMAIL_SMTP_URL: 'smtp://127.0.0.1:9', PHAROS_SMS_API_BASE: 'http://127.0.0.1:9',
    PHAROS_SMS_ACCOUNT_SID: 'AC0', PHAROS_SMS_AUTH_TOKEN: 'token', PHAROS_SMS_FROM: '+15005550006' } });
  svcA = (await api(s, 'POST', 'services', { body: { name: 'API' } })).json.service;
  svcB = (await api(s, 'POST', 'services', { body: { name: 'Web' } })).json.service;
  otherSvc = (await otherApi(s, 'POST', 'services', { body: { name: 'Theirs' } })).json.service;
});
after(() => stopClean(s));

const KEYS = ['id', 'channel', 'address', 'state', 'services', 'language', 'created_at', 'confirmed_at', 'failures'];
const everything = async () => (await api(s, 'GET', 'subscribers?limit=500')).json;
const add = async (body) => {
  const r = await api(s, 'POST', 'subscribers', { body });
  assert.equal(r.status, 201, r.text);
  return r.json.subscriber;
};
const removeAll = async () => {
  for (const x of (await everything()).subscribers) await api(s, 'DELETE', `subscribers/${x.id}`);
};

test('an admin adds a confirmed e-mail subscriber: active at once, address lower-cased', async () => {
  const mark = auditMark(s);
  const sub = await add({ channel: 'email', address: 'Alice@Example.COM', confirmed: true });
  assert.deepEqual(Object.keys(sub).sort(), [...KEYS].sort(), 'no token or code hashes');
  assert.equal(sub.channel, 'email');
  assert.equal(sub.address, 'alice@example.com');
  assert.equal(sub.state, 'active');
  assert.equal(sub.services, 'all');
  assert.match(sub.created_at, RFC3339);
  assert.match(sub.confirmed_at, RFC3339);
  assert.deepEqual((await api(s, 'GET', `subscribers/${sub.id}/`)).json.subscriber, sub);
  assert.deepEqual(auditSince(s, mark), [`subscriber.create:${sub.id}`]);
  // No confirmation is faked: nothing else is queued.
  assert.equal(dbSql(s, 'SELECT COUNT(*) FROM deliveries').trim(), '0');
  await removeAll();
});

test('an unconfirmed subscriber is stored pending; SMS numbers are normalised to E.164', async () => {
  const sub = await add({ channel: 'sms', address: '+1 (415) 555-0100', services: [svcB.id, svcA.id, svcB.id], confirmed: false });
  assert.equal(sub.address, '+14155550100');
  assert.equal(sub.state, 'pending');
  assert.equal(sub.confirmed_at, null);
  assert.deepEqual(sub.services, [svcA.id, svcB.id].sort((a, b) => a - b), 'distinct ids');
  const def = await add({ channel: 'email', address: 'bob@example.com' });
  assert.equal(def.state, 'pending', 'confirmed defaults to false');
  assert.equal(def.services, 'all', 'services default to all');
  await removeAll();
});

test('duplicates on one page are a 409; the same address on another page is fine', async () => {
  const a = await add({ channel: 'email', address: 'carol@example.com', confirmed: true });
  await unchangedBy(s, everything, async () => {
    assertError(await api(s, 'POST', 'subscribers', { body: { channel: 'email', address: 'CAROL@example.com' } }),
      409, 'conflict', /carol@example\.com is already a subscriber/);
  });
  const sms = await add({ channel: 'sms', address: '+447700900123' });
  assertError(await api(s, 'POST', 'subscribers', { body: { channel: 'sms', address: '+44 7700 900123' } }), 409, 'conflict');
  const o = await otherApi(s, 'POST', 'subscribers', { body: { channel: 'email', address: 'carol@example.com' } });
  assert.equal(o.status, 201, o.text);
  assert.equal((await api(s, 'GET', `subscribers/${a.id}`)).json.subscriber.address, 'carol@example.com');
  await api(s, 'DELETE', `subscribers/${sms.id}`);
  await otherApi(s, 'DELETE', `subscribers/${o.json.subscriber.id}`);
  await removeAll();
});

test('PATCH changes services and state; becoming active records confirmed_at', async () => {
  const sub = await add({ channel: 'email', address: 'dave@example.com' });
  const mark = auditMark(s);
  const p1 = await api(s, 'PATCH', `subscribers/${sub.id}`, { body: { services: [svcA.id] } });
  assert.equal(p1.status, 200, p1.text);
  assert.deepEqual(p1.json.subscriber.services, [svcA.id]);
  assert.equal(p1.json.subscriber.state, 'pending');
  const p2 = await api(s, 'PATCH', `subscribers/${sub.id}`, { body: { state: 'active' } });
  assert.equal(p2.json.subscriber.state, 'active');
  assert.match(p2.json.subscriber.confirmed_at, RFC3339);
  assert.deepEqual(p2.json.subscriber.services, [svcA.id], 'services kept');
  const p3 = await api(s, 'PATCH', `subscribers/${sub.id}/`, { body: { state: 'stopped', services: 'all' } });
  assert.equal(p3.json.subscriber.state, 'stopped');
  assert.equal(p3.json.subscriber.services, 'all');
  assert.equal(p3.json.subscriber.confirmed_at, p2.json.subscriber.confirmed_at);
  const p4 = await api(s, 'PATCH', `subscribers/${sub.id}`, { body: { state: 'unsubscribed' } });
  assert.equal(p4.json.subscriber.state, 'unsubscribed');
  assert.equal(dbSql(s, `SELECT COUNT(*) FROM subscriber_services WHERE subscriber_id = ${sub.id}`).trim(), '0');
  assert.deepEqual(auditSince(s, mark), Array(4).fill(`subscriber.update:${sub.id}`));

  assert.equal((await api(s, 'DELETE', `subscribers/${sub.id}`)).status, 204);
  assertError(await api(s, 'GET', `subscribers/${sub.id}`), 404, 'not_found', new RegExp(`no subscriber with id ${sub.id}`));
  assertError(await api(s, 'PATCH', `subscribers/${sub.id}`, { body: { state: 'active' } }), 404, 'not_found');
  assertError(await api(s, 'DELETE', `subscribers/${sub.id}`), 404, 'not_found');
});

test('a deleted service leaves the subscribers who chose it', async () => {
  const svc = (await api(s, 'POST', 'services', { body: { name: 'Temp' } })).json.service;
  const sub = await add({ channel: 'email', address: 'erin@example.com', services: [svc.id, svcA.id] });
  await api(s, 'DELETE', `services/${svc.id}`);
  assert.deepEqual((await api(s, 'GET', `subscribers/${sub.id}`)).json.subscriber.services, [svcA.id]);
  await removeAll();
});

test('the list filters by channel and state, pages by id and carries the counts', async () => {
  await removeAll();
  const made = [];
  made.push(await add({ channel: 'email', address: 'e1@example.com', confirmed: true }));
  made.push(await add({ channel: 'email', address: 'e2@example.com' }));
  made.push(await add({ channel: 'sms', address: '+14155550101', confirmed: true, services: [svcA.id] }));
  made.push(await add({ channel: 'sms', address: '+14155550102' }));
  made.push(await add({ channel: 'email', address: 'e3@example.com', confirmed: true }));
  await api(s, 'PATCH', `subscribers/${made[4].id}`, { body: { state: 'unsubscribed' } });
  await api(s, 'PATCH', `subscribers/${made[2].id}`, { body: { state: 'stopped' } });

  const l = await api(s, 'GET', 'subscribers');
  assert.equal(l.status, 200);
  assert.deepEqual(l.json.subscribers.map((x) => x.id), made.map((x) => x.id));
  assert.equal(l.json.next_cursor, null);
  const none = { pending: 0, active: 0, stopped: 0, unsubscribed: 0, bounced: 0, quarantined: 0 };
  assert.deepEqual(l.json.counts, {
    email: { ...none, pending: 1, active: 1, unsubscribed: 1 },
    sms: { ...none, pending: 1, stopped: 1 },
    webhook: none, slack: none, teams: none, discord: none, googlechat: none,
  });
  assert.deepEqual(l.json.subscribers[2].services, [svcA.id]);

  const ids = async (q) => (await api(s, 'GET', `subscribers?${q}`)).json.subscribers.map((x) => x.id);
  assert.deepEqual(await ids('channel=email'), [made[0].id, made[1].id, made[4].id]);
  assert.deepEqual(await ids('channel=sms&state=pending'), [made[3].id]);
  assert.deepEqual(await ids('state=active'), [made[0].id]);
  assert.deepEqual(await ids('state=unsubscribed&channel=sms'), []);
  assert.deepEqual(await ids('state=bounced'), []);
  assert.deepEqual(await ids('channel=&state='), made.map((x) => x.id), 'empty filters are no filters');
  const filtered = await api(s, 'GET', 'subscribers?channel=sms');
  assert.deepEqual(filtered.json.counts, l.json.counts, 'counts cover the whole page');

  const walked = await walk(s, 'subscribers', 'subscribers', 2);
  assert.deepEqual(walked.map((x) => x.id), made.map((x) => x.id));
  const walkedEmail = await walk(s, 'subscribers', 'subscribers', 1, '&channel=email');
  assert.deepEqual(walkedEmail.map((x) => x.address), ['e1@example.com', 'e2@example.com', 'e3@example.com']);

  assertError(await api(s, 'GET', 'subscribers?state=confirmed'), 400, 'invalid_input',
    /unknown state "confirmed"; accepted: pending, active, stopped, unsubscribed, bounced, quarantined/);
  assertError(await api(s, 'GET', 'subscribers?channel=fax'), 400, 'invalid_input', /unknown channel "fax"; accepted: email, sms, webhook, slack, teams, discord, googlechat/);
  assert.deepEqual(await ids('channel=slack'), []);
  await assertBadPaging(s, 'subscribers');
  assert.deepEqual((await otherApi(s, 'GET', 'subscribers')).json.counts.email.active, 0);
  await removeAll();
});

test('bad input is refused with a message naming the field, and changes nothing', async () => {
  const keep = await add({ channel: 'email', address: 'keep@example.com', confirmed: true, services: [svcA.id] });
  const ok = { channel: 'email', address: 'new@example.com' };
  const bad = (body, pattern) => api(s, 'POST', 'subscribers', { body }).then((r) => assertError(r, 400, 'invalid_input', pattern));
  const badPatch = (body, pattern) => api(s, 'PATCH', `subscribers/${keep.id}`, { body }).then((r) => assertError(r, 400, 'invalid_input', pattern));
  await unchangedBy(s, everything, async () => {
    await assertBadBodies(s, 'POST', 'subscribers');
    await assertBadBodies(s, 'PATCH', `subscribers/${keep.id}`);
    await bad({ address: 'x@example.com' }, /channel is required/);
    await bad({ ...ok, channel: 'fax' }, /unknown channel "fax"; accepted: email, sms, webhook, slack, teams, discord, googlechat/);
    await bad({ ...ok, channel: 'slack' }, /address must be a URL/);
    await bad({ channel: 'slack' }, /address is required/);
    await bad({ channel: 'webhook', address: 'https://example.com/x', confirmed: true }, /confirmed/);
    await bad({ ...ok, channel: ['email'] }, /channel must be a string/);
    await bad({ channel: 'email' }, /address is required/);
    await bad({ ...ok, address: '' }, /address is required/);
    await bad({ ...ok, address: 42 }, /address must be a string/);
    for (const a of ['not-an-address', 'a@b', '@example.com', 'a b@example.com', 'a@example.com.', 'a@@example.com'])
      await bad({ ...ok, address: a }, /is not an e-mail address|may not contain spaces/);
    await bad({ ...ok, address: `${'a'.repeat(250)}@example.com` }, /address is 262 characters long; at most 254/);
    for (const a of ['14155550100', '+1415', '+1234567', '+0123456789', '+1415555010012345', '+1-415-CALL-NOW', 'hello'])
      await bad({ channel: 'sms', address: a }, /is not a phone number in E\.164 form: \+ and 8 to 15 digits/);
    await bad({ ...ok, confirmed: 'yes' }, /confirmed must be true or false/);
    await bad({ ...ok, services: [] }, /services must be "all" or an array of 1 to 1000 service ids/);
    await bad({ ...ok, services: 'some' }, /services must be "all" or an array/);
    await bad({ ...ok, services: 3 }, /services must be "all" or an array/);
    await bad({ ...ok, services: [0] }, /service ids \(positive whole numbers\)/);
    await bad({ ...ok, services: ['1'] }, /service ids/);
    await bad({ ...ok, services: [svcA.id, 999999] }, /services: 999999 is not a service of this page/);
    await bad({ ...ok, services: [otherSvc.id] }, new RegExp(`services: ${otherSvc.id} is not a service of this page`));
    await badPatch({ state: 'pending' }, /unknown state "pending"; accepted: active, stopped, unsubscribed/);
    await badPatch({ state: 'gone' }, /unknown state "gone"/);
    await badPatch({ state: null }, /state is required/);
    await badPatch({ services: [] }, /services must be "all"/);
    await badPatch({ state: 'stopped', services: [999999] }, /999999 is not a service of this page/);
    await badPatch({ address: 'x@example.com' }, /unknown field "address"; accepted fields: services, state/);
  });
  await removeAll();
});

test("another page's subscribers are invisible and untouchable", async () => {
  const sub = await add({ channel: 'email', address: 'frank@example.com' });
  await unchangedBy(s, everything, async () => {
    assertError(await otherApi(s, 'GET', `subscribers/${sub.id}`), 404, 'not_found');
    assertError(await otherApi(s, 'PATCH', `subscribers/${sub.id}`, { body: { state: 'active' } }), 404, 'not_found');
    assertError(await otherApi(s, 'DELETE', `subscribers/${sub.id}`), 404, 'not_found');
    assert.deepEqual((await otherApi(s, 'GET', 'subscribers')).json.subscribers, []);
  });
  await removeAll();
});
