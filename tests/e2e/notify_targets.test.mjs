// Which outbound targets the private-address guard applies to (SPEC §10, audit issue 9):
// the addresses the operator configured (email.smtp_url, sms.api_base, twitter.api_base)
// are trusted, so the operator's own relay on 127.0.0.1 works without
// security.allow_private_targets; the URLs page admins supply (Slack webhook_url, the
// webhook url) are refused on loopback and private addresses, when they are set and
// again when a message is sent (after DNS: "localhost" too).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { api, startWithToken } from './lib/harness.mjs';
import { stopClean, assertError } from './lib/admin.mjs';
import { startWorld, stopWorld, settled, newService, newIncident, connectTwitter } from './lib/notify.mjs';

let w;
let s;
let svc;
before(async () => {
  // Slack and webhook URLs on loopback can only be stored while private targets are
  // allowed: stored first, then the server runs with allow_private_targets false.
  w = await startWorld();
  s = w.s;
  svc = await newService(s, 'API');
  const slackUrl = `http://localhost:${w.slack.port}/services/T000/B000/XXXX`;
  assert.equal((await api(s, 'PUT', 'integrations/slack', { body: { enabled: true, webhook_url: slackUrl } })).status, 200);
  assert.equal((await api(s, 'PUT', 'integrations/webhook', { body: { enabled: true, url: w.webhook.url, secret: w.webhook.secret } })).status, 200);
  for (const [channel, address] of [['email', 'ops@example.test'], ['sms', '+14155550123']]) {
    assert.equal((await api(s, 'POST', 'subscribers', { body: { channel, address, confirmed: true } })).status, 201);
  }
  assert.equal((await s.stop()).code, 0);
  w.env = { ...w.env, PHAROS_SECURITY_ALLOW_PRIVATE_TARGETS: 'false' };
  s = w.s = await startWithToken({ dataDir: s.dataDir, env: w.env });
});
after(async () => { await stopClean(s); await stopWorld(w); });

test('with allow_private_targets false, loopback Slack and webhook URLs are refused when set', async () => {
  assertError(await api(s, 'PUT', 'integrations/slack', { body: { enabled: true, webhook_url: w.slack.url } }), 400, 'invalid_input',
    /webhook_url points to a loopback, private or link-local address .*allow_private_targets/);
  assertError(await api(s, 'PUT', 'integrations/webhook', { body: { enabled: true, url: `http://localhost:${w.webhook.port}/hook` } }), 400, 'invalid_input',
    /url points to a loopback, private or link-local address .*allow_private_targets/);
});

test('the operator\'s relays on loopback deliver e-mail, SMS and tweets; Slack and the webhook are refused when sent', async () => {
  await connectTwitter(w); // the sign-in's OAuth calls go to twitter.api_base on 127.0.0.1
  const ev = await newIncident(s, { title: 'Relay on loopback', services: [svc.id] });
  const ds = await settled(s, ev.updates[0].id);
  const by = Object.fromEntries(ds.map((d) => [d.channel, d]));
  assert.deepEqual(Object.keys(by).sort(), ['email', 'slack', 'sms', 'twitter', 'webhook']);
  for (const c of ['email', 'sms', 'twitter']) assert.equal(by[c].state, 'sent', `${c}: ${by[c].last_error}`);
  assert.equal(w.smtp.byRecipient('ops@example.test').length, 1);
  assert.equal(w.twilio.messages.filter((m) => m.to === '+14155550123').length, 1);
  assert.equal(w.twitter.tweets.length, 1);
  for (const c of ['slack', 'webhook']) {
    assert.equal(by[c].state, 'failed', c);
    assert.equal(by[c].attempts, 1, `${c}: not retried`);
    assert.match(by[c].last_error, /loopback or private address.*security\.allow_private_targets is false/, c);
  }
  assert.equal(w.slack.requests.length, 0, 'nothing reached Slack (its URL names localhost)');
  assert.equal(w.webhook.requests.length, 0, 'nothing reached the webhook (127.0.0.1)');
});
