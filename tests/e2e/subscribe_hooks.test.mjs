// Visitors' subscriptions on URL channels (SPEC §15): the public form subscribes a Slack
// webhook or a signed webhook; a test message is posted and its 2xx makes the subscription
// active; a webhook's own secret is shown once and signs what it gets (the HMAC is checked
// here); an incident reaches a URL subscribed to its service and not one subscribed to
// another; ten deliveries in a row refused make it quarantined (the console lists it,
// nothing more is sent); the console, the API and the subscriber reactivate it (a new test
// message first); a private address is refused when security.allow_private_targets is
// off; bad input is a 400 that changes nothing.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { api, request } from './lib/harness.mjs';
import { stopClean, dbSql } from './lib/admin.mjs';
import { startWorld, stopWorld, postForm, newService, newIncident, settled, sleep } from './lib/notify.mjs';
import { startHttpFake } from './fakes/http.mjs';
import { startTeams } from './fakes/teams.mjs';
import { startDiscord } from './fakes/discord.mjs';
import { startGoogleChat } from './fakes/googlechat.mjs';
import { Console } from './admin_console.mjs';

let w;
let s;
let svcA;
let svcB;
let hook; // a raw receiver: the secret is only known once shown
let hookSecret;
let hookPrefs;
let slackPrefs;
let slackId;
const refuse = []; // statuses the receiver answers next
const pages = new Map(); // name → HTML of this file's page states, for the Nu checker

before(async () => {
  w = await startWorld();
  s = w.s;
  hook = await startHttpFake((r) => {
    const next = refuse.shift();
    return next ? { status: next, body: { error: 'refused' } } : { status: 204, body: '' };
  });
  hook.url = `${hook.base}/receiver`;
  svcA = await newService(s, 'API');
  svcB = await newService(s, 'Dashboard');
});
after(async () => {
  await stopClean(s);
  await Promise.all([stopWorld(w), hook.close()]);
});

const count = () => dbSql(s, 'SELECT COUNT(*) FROM subscribers').trim();
const stateOf = async (id) => (await api(s, 'GET', `subscribers/${id}`)).json.subscriber.state;
async function waitState(id, want, ms = 20000) {
  const end = Date.now() + ms;
  for (;;) {
    const st = await stateOf(id);
    if (st === want) return;
    if (Date.now() > end) throw new Error(`subscriber ${id} is ${st}, not ${want}`);
    await sleep(100);
  }
}
// What pharos stores and shows of URL instead of it (migration 0026): its scheme and host and
// 8 hex digits of HMAC-SHA256("hook-address:" + URL) under the server's secret key.
const addressOf = (url) => {
  const key = readFileSync(path.join(s.dataDir, 'secret.key'));
  const mac = crypto.createHmac('sha256', key).update(`hook-address:${url}`).digest('hex').slice(0, 8);
  return `${new URL(url).origin}/…#${mac}`;
};
const idOf = (channel, url) =>
  Number(dbSql(s, `SELECT id FROM subscribers WHERE channel='${channel}' AND address='${addressOf(url)}'`).trim());
const decode = (t) => t.replace(/&amp;/g, '&').replace(/&#x2F;/g, '/').replace(/&#x3D;/g, '=').replace(/&#39;/g, "'").replace(/&quot;/g, '"');
const signed = (secret, body) => 'sha256=' + crypto.createHmac('sha256', secret).update(body).digest('hex');

test('bad input is a 400 that stores nothing', async () => {
  const before = count();
  for (const [pairs, re] of [
    [{ channel: 'slack' }, /url: enter the URL/],
    [{ channel: 'slack', url: 'not a url' }, /url/],
    [{ channel: 'slack', url: 'ftp://example.com/x' }, /url/],
    [{ channel: 'fax', url: w.slack.url }, /channel: must be one of/],
    [{ url: w.slack.url }, /channel: must be one of/],
  ]) {
    const r = await postForm(s, '/subscribe', pairs);
    assert.equal(r.status, 400, JSON.stringify(pairs));
    assert.match(decode(r.text), re);
  }
  for (const body of [{ channel: 'slack' }, { channel: 'slack', address: 'nope' }, { channel: 'fax', address: w.slack.url },
    { channel: 'webhook', address: hook.url, confirmed: true }]) {
    const r = await api(s, 'POST', 'subscribers', { body });
    assert.equal(r.status, 400, `${JSON.stringify(body)}: ${r.text}`);
  }
  assert.equal(count(), before);
  assert.equal(w.slack.messages.length, 0);
});

test('a Slack URL subscribes: a test message is posted and its 2xx makes it active', async () => {
  const r = await postForm(s, '/subscribe', { channel: 'slack', url: w.slack.url });
  assert.equal(r.status, 200, r.text);
  assert.match(r.text, /data-sent="hook" data-channel="slack"/);
  assert.doesNotMatch(r.text, /data-secret/, 'no secret for a chat URL');
  slackPrefs = /href="[^"]*(\/subscription\/[^"]+)" data-manage/.exec(r.text)[1];
  slackId = idOf('slack', w.slack.url);
  await w.slack.waitFor(() => w.slack.messages.length === 1, 20000, 'the test message');
  assert.match(w.slack.messages[0].text, /Test message/);
  assert.ok(JSON.stringify(w.slack.messages[0]).includes(slackPrefs), 'it links the preferences page');
  await waitState(slackId, 'active');
  // the same URL again, active: 409, no second secret or message
  const again = await postForm(s, '/subscribe', { channel: 'slack', url: w.slack.url });
  assert.equal(again.status, 409);
  // only service A
  const p = await postForm(s, slackPrefs, [['all', '0'], ['services', String(svcA.id)]]);
  assert.equal(p.status, 200, p.text);
  const page = await request(s, 'GET', slackPrefs);
  assert.match(page.text, /data-subscription-state="active"/);
  assert.match(page.text, /\(Slack\)/);
  // the URL is a credential: stored sealed, shown and logged as its address only
  assert.ok(page.text.includes(`<strong>${addressOf(w.slack.url)}</strong>`) && !page.text.includes('/services/T000'));
  for (const sql of ["SELECT COUNT(*) FROM subscribers WHERE address LIKE '%T000%' OR target LIKE '%T000%'",
    "SELECT COUNT(*) FROM deliveries WHERE recipient LIKE '%T000%'",
    "SELECT COUNT(*) FROM rate_limits WHERE bucket LIKE '%T000%'"])
    assert.equal(dbSql(s, sql).trim(), '0', sql);
  assert.ok(dbSql(s, `SELECT target FROM subscribers WHERE id=${slackId}`).trim().length > 40, 'sealed');
  const listed = (await api(s, 'GET', `subscribers/${slackId}`)).json.subscriber;
  assert.equal(listed.address, addressOf(w.slack.url));
  assert.equal(listed.target, undefined, 'the API shows no seal either');
});

test('a webhook subscribes with its own secret, shown once, which signs its test message', async () => {
  const r = await postForm(s, '/subscribe', { channel: 'webhook', url: hook.url });
  assert.equal(r.status, 200, r.text);
  pages.set('signed-up-webhook', r.text);
  hookSecret = /<code data-secret>([^<]+)<\/code>/.exec(r.text)[1];
  assert.match(hookSecret, /^whsec_[A-Za-z0-9_-]{43}$/);
  hookPrefs = /href="[^"]*(\/subscription\/[^"]+)" data-manage/.exec(r.text)[1];
  const id = idOf('webhook', hook.url);
  await hook.waitFor(() => hook.requests.length === 1, 20000, 'the test message');
  const t = hook.requests[0];
  assert.equal(t.headers['x-pharos-signature'], signed(hookSecret, t.raw));
  assert.notEqual(t.headers['x-pharos-signature'], signed('hook-secret', t.raw));
  const body = JSON.parse(t.body);
  assert.equal(body.type, 'test');
  assert.equal(body.subscription.id, id);
  await waitState(id, 'active');
  const stored = dbSql(s, `SELECT secret FROM subscribers WHERE id=${id}`).trim();
  assert.ok(stored && !stored.includes(hookSecret), 'the secret is stored sealed');
  const prefs = await request(s, 'GET', hookPrefs);
  assert.ok(!prefs.text.includes(hookSecret), 'never shown again');
  // the API's POST subscribers shows a new webhook's secret once too
  const a = await api(s, 'POST', 'subscribers', { body: { channel: 'webhook', address: `${hook.url}/api` } });
  assert.equal(a.status, 201, a.text);
  assert.match(a.json.subscriber.secret, /^whsec_/);
  assert.equal(a.json.subscriber.state, 'pending');
  const g = await api(s, 'GET', `subscribers/${a.json.subscriber.id}`);
  assert.equal(g.json.subscriber.secret, undefined);
  await waitState(a.json.subscriber.id, 'active');
  await api(s, 'DELETE', `subscribers/${a.json.subscriber.id}`);
});

test('an incident reaches the URLs of its service, signed, and not those of another service', async () => {
  const n = hook.requests.length;
  const evA = await newIncident(s, { title: 'API down', impact: 'major', services: [svcA.id] });
  let ds = await settled(s, evA.updates[0].id);
  assert.deepEqual(ds.map((d) => [d.channel, d.recipient, d.state]).sort(),
    [['slack', addressOf(w.slack.url), 'sent'], ['webhook', addressOf(hook.url), 'sent']]);
  assert.match(w.slack.messages.at(-1).text, /API down/);
  const got = hook.requests.at(-1);
  assert.equal(got.headers['x-pharos-signature'], signed(hookSecret, got.raw));
  assert.equal(JSON.parse(got.body).event.title, 'API down');
  const slackN = w.slack.messages.length;
  const evB = await newIncident(s, { title: 'Dashboard slow', impact: 'minor', services: [svcB.id] });
  ds = await settled(s, evB.updates[0].id);
  assert.deepEqual(ds.map((d) => d.channel), ['webhook'], 'the Slack subscriber chose API only');
  assert.equal(w.slack.messages.length, slackN);
  assert.equal(hook.requests.length, n + 2);
});

// Ten incidents of service A whose Slack delivery is refused (a permanent 404).
async function quarantineSlack() {
  for (let i = 0; i < 10; i++) w.slack.answerNext(404, {}, 'no_service');
  for (let i = 0; i < 10; i++) {
    const ev = await newIncident(s, { title: `Outage ${i}`, services: [svcA.id] });
    await settled(s, ev.updates[0].id);
  }
  await waitState(slackId, 'quarantined');
}

test('ten refused deliveries in a row quarantine it: shown in the console, sent nothing more', async () => {
  await quarantineSlack();
  const n = w.slack.messages.length + w.slack.refused.length;
  const ev = await newIncident(s, { title: 'After the quarantine', services: [svcA.id] });
  const ds = await settled(s, ev.updates[0].id);
  assert.deepEqual(ds.map((d) => d.channel), ['webhook']);
  assert.equal(w.slack.messages.length + w.slack.refused.length, n, 'nothing more posted');
  const list = await api(s, 'GET', 'subscribers?state=quarantined');
  assert.deepEqual(list.json.subscribers.map((x) => x.id), [slackId]);
  const page = await request(s, 'GET', slackPrefs);
  assert.match(page.text, /data-state="quarantined"/);
  pages.set('preferences-quarantined', page.text);
  assert.match(page.text, /data-reactivate/);
});

test('the console reactivates it: a test message, then updates again', async () => {
  const con = new Console(s);
  await con.setup('owner@example.test', 'correct horse battery');
  const screen = await con.get('/admin/subscribers?state=quarantined');
  assert.equal(screen.status, 200);
  assert.match(screen.text, new RegExp(`data-subscriber-id="${slackId}"`));
  assert.match(screen.text, /data-reactivate/);
  pages.set('console-quarantined', screen.text);
  const forged = await con.post(`/admin/subscribers/${slackId}/reactivate`, {}, { csrf: 'forged' });
  assert.equal(forged.status, 403);
  assert.equal(await stateOf(slackId), 'quarantined');
  const n = w.slack.messages.length;
  const r = await con.post(`/admin/subscribers/${slackId}/reactivate`);
  assert.equal(r.status, 303, r.text);
  await w.slack.waitFor(() => w.slack.messages.length === n + 1, 20000, 'a new test message');
  assert.match(w.slack.messages.at(-1).text, /Test message/);
  await waitState(slackId, 'active');
  const ev = await newIncident(s, { title: 'Back again', services: [svcA.id] });
  const ds = await settled(s, ev.updates[0].id);
  assert.ok(ds.some((d) => d.channel === 'slack' && d.state === 'sent'));
});

test('the API and the subscriber reactivate it too', async () => {
  await quarantineSlack();
  assert.equal((await api(s, 'PATCH', `subscribers/${slackId}`, { body: { state: 'active' } })).status, 409);
  const r = await api(s, 'POST', `subscribers/${slackId}/reactivate`);
  assert.equal(r.status, 200, r.text);
  assert.equal(r.json.subscriber.state, 'pending');
  await waitState(slackId, 'active');
  await quarantineSlack();
  const page = await request(s, 'GET', slackPrefs);
  const csrf = /name="csrf_token" value="([^"]+)"/.exec(page.text)[1];
  const p = await postForm(s, `${slackPrefs}/reactivate`, { csrf_token: csrf });
  assert.equal(p.status, 303, p.text);
  await waitState(slackId, 'active');
  assert.equal((await postForm(s, '/subscription/m.1.forged/reactivate', {})).status, 404);
});

test('a test message refused keeps it pending, with the reason on its page', async () => {
  refuse.push(410);
  const r = await postForm(s, '/subscribe', { channel: 'webhook', url: `${hook.url}/gone` });
  assert.equal(r.status, 200);
  const prefs = /href="[^"]*(\/subscription\/[^"]+)" data-manage/.exec(r.text)[1];
  const id = idOf('webhook', `${hook.url}/gone`);
  const end = Date.now() + 20000;
  let page;
  for (;;) {
    page = await request(s, 'GET', prefs);
    if (/HTTP 410/.test(page.text) || Date.now() > end) break;
    await sleep(100);
  }
  assert.match(page.text, /The test message to this URL failed \(HTTP 410/);
  pages.set('preferences-test-failed', page.text);
  assert.equal(await stateOf(id), 'pending');
  const csrf = /name="csrf_token" value="([^"]+)"/.exec(page.text)[1];
  assert.equal((await postForm(s, `${prefs}/reactivate`, { csrf_token: csrf })).status, 303);
  await waitState(id, 'active');
});

test('Teams, Discord and Google Chat URLs subscribe too: payloads each service accepts', async () => {
  const fakes = { teams: await startTeams(), discord: await startDiscord(), googlechat: await startGoogleChat() };
  try {
    const ids = {};
    for (const [channel, fake] of Object.entries(fakes)) {
      const r = await postForm(s, '/subscribe', { channel, url: fake.url });
      assert.equal(r.status, 200, `${channel}: ${r.text.slice(0, 300)}`);
      ids[channel] = idOf(channel, fake.url);
    }
    for (const [channel, fake] of Object.entries(fakes)) {
      await waitState(ids[channel], 'active');
      assert.equal(fake.messages.length, 1, channel);
      assert.match(JSON.stringify(fake.messages[0]), /Test message/, channel);
    }
    const ev = await newIncident(s, { title: 'Chat outage', impact: 'critical', services: [svcB.id] });
    const ds = await settled(s, ev.updates[0].id);
    for (const [channel, fake] of Object.entries(fakes)) {
      assert.ok(ds.some((d) => d.channel === channel && d.recipient === addressOf(fake.url) && d.state === 'sent'), channel);
      assert.match(JSON.stringify(fake.messages.at(-1)), /Chat outage/, channel);
      assert.deepEqual(fake.invalid, [], `${channel} accepted every payload`);
    }
    for (const id of Object.values(ids)) assert.equal((await api(s, 'DELETE', `subscribers/${id}`)).status, 204);
  } finally {
    await Promise.all(Object.values(fakes).map((f) => f.close()));
  }
});

test('a private address is refused when security.allow_private_targets is off', async () => {
  const w2 = await startWorld({ privateTargets: false });
  try {
    for (const url of ['http://127.0.0.1:9/hook', 'http://10.0.0.1/hook', 'http://[::1]/x']) {
      const r = await postForm(w2.s, '/subscribe', { channel: 'webhook', url });
      assert.equal(r.status, 400, url);
      assert.match(decode(r.text), /private|loopback/);
    }
    assert.equal(dbSql(w2.s, 'SELECT COUNT(*) FROM subscribers').trim(), '0');
  } finally {
    await stopClean(w2.s);
    await stopWorld(w2);
  }
});

test('the Nu checker finds no error on these pages', () => {
  assert.deepEqual([...pages.keys()].sort(),
    ['console-quarantined', 'preferences-quarantined', 'preferences-test-failed', 'signed-up-webhook']);
  const dir = mkdtempSync(path.join(tmpdir(), 'pharos-vnu-'));
  try {
    const files = [...pages].map(([name, text]) => {
      const f = path.join(dir, `${name}.html`);
      writeFileSync(f, text);
      return f;
    });
    const vnu = createRequire(import.meta.url).resolve('vnu-jar/build/dist/vnu.jar');
    const r = spawnSync('java', ['-jar', vnu, '--format', 'json', '--errors-only', '--stdout', ...files],
      { encoding: 'utf8', maxBuffer: 16 << 20, timeout: 150000 });
    assert.ok(!r.error, String(r.error));
    const errors = JSON.parse(r.stdout).messages.filter((m) => m.type === 'error' || m.subType === 'fatal');
    assert.deepEqual(errors.map((m) => `${path.basename(m.url || '')}:${m.lastLine}: ${m.message}`), []);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
