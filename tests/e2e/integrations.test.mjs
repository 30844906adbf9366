// Slack, Twitter, webhook, Teams, Discord and Google Chat integrations through the REST API (SPEC §9, §10, §11):
// settings round-trip, secrets never returned and stored encrypted, URLs checked,
// private targets refused unless security.allow_private_targets, bad input changes nothing.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import path from 'node:path';
import { api, startServer } from './lib/harness.mjs';
import {
  startTwoPages, stopClean, otherApi, dbSql, auditMark, auditSince, assertError, unchangedBy,
  assertBadBodies, RFC3339,
} from './lib/admin.mjs';

const SLACK_URL = 'https://hooks.slack.com/services/T0000/B0000/VerySecretSlackToken123';
const HOOK_SECRET = 'whsec-never-show-me-4242';
const PRIVATE_URLS = [
  'http://127.0.0.1:9000/hook', 'http://localhost/hook', 'http://LOCALHOST.:8080/', 'http://api.localhost/',
  'http://10.1.2.3/', 'http://172.16.0.1/', 'http://172.31.255.255/', 'http://192.168.1.10/',
  'http://169.254.169.254/latest/meta-data', 'http://0.0.0.0/', 'http://[::1]:9000/', 'http://[fe80::1]/',
  'http://[fd00::1]/', 'http://[::ffff:127.0.0.1]/', 'http://2130706433/', 'http://127.1/', 'http://0x7f.1/',
];
const MALFORMED_URLS = [
  'ftp://example.com/hook', 'javascript:alert(1)', 'hooks.slack.com/services/x', 'https://', 'https:///x',
  'https://user:pw@example.com/hook', 'https://exa mple.com/', 'https://example.com:99999/', 'https://[::1/',
];

let s;
before(async () => { s = await startTwoPages(); });
after(() => stopClean(s));

const rows = () => dbSql(s, 'SELECT page_id, kind, enabled, config, secret, updated_at FROM integrations ORDER BY page_id, kind');
const snapshot = async () => ({ list: (await api(s, 'GET', 'integrations')).json, rows: rows() });

test('every kind starts unconfigured and disabled', async () => {
  const l = await api(s, 'GET', 'integrations');
  assert.equal(l.status, 200);
  assert.deepEqual(l.json.integrations, [
    { kind: 'slack', enabled: false, configured: false, webhook_url_set: false, updated_at: null },
    { kind: 'twitter', enabled: false, configured: false, screen_name: null, updated_at: null },
    { kind: 'webhook', enabled: false, configured: false, url: null, secret_set: false, updated_at: null },
    { kind: 'teams', enabled: false, configured: false, webhook_url_set: false, updated_at: null },
    { kind: 'discord', enabled: false, configured: false, webhook_url_set: false, updated_at: null },
    { kind: 'googlechat', enabled: false, configured: false, webhook_url_set: false, updated_at: null },
  ]);
  for (const one of l.json.integrations) {
    const g = await api(s, 'GET', `integrations/${one.kind}/`);
    assert.equal(g.status, 200);
    assert.deepEqual(g.json.integration, one);
  }
});

test('Slack: the webhook URL is a secret, sealed in the database and never returned', async () => {
  const mark = auditMark(s);
  const p = await api(s, 'PUT', 'integrations/slack', { body: { enabled: true, webhook_url: SLACK_URL } });
  assert.equal(p.status, 200, p.text);
  assert.equal(p.json.integration.kind, 'slack');
  assert.equal(p.json.integration.enabled, true);
  assert.equal(p.json.integration.configured, true);
  assert.equal(p.json.integration.webhook_url_set, true);
  assert.match(p.json.integration.updated_at, RFC3339);
  assert.ok(!p.text.includes('VerySecret'), 'PUT reply carries no secret');
  const g = await api(s, 'GET', 'integrations/slack');
  assert.deepEqual(g.json.integration, p.json.integration);
  assert.ok(!g.text.includes('VerySecret') && !g.text.includes('hooks.slack.com'), 'GET carries no secret');
  assert.ok(!(await api(s, 'GET', 'integrations')).text.includes('VerySecret'));
  assert.deepEqual(auditSince(s, mark), ['integration.update:']);

  const [config, secret] = dbSql(s, "SELECT config, secret FROM integrations WHERE kind = 'slack' AND page_id = 1").trim().split('|');
  assert.equal(config, '{}');
  assert.match(secret, /^[A-Za-z0-9+/]+=*$/, 'sealed, base64');
  assert.ok(!secret.includes('VerySecret') && !secret.includes('hooks.slack'));
  assert.ok(!Buffer.from(secret, 'base64').toString('latin1').includes('VerySecret'), 'not merely base64-encoded');
  const whole = dbSql(s, '.dump');
  assert.ok(!whole.includes('VerySecretSlackToken123'), 'the plaintext is nowhere in the database');

  // Absent fields keep their value: disabling keeps the URL; sealing again uses a new nonce.
  const off = await api(s, 'PUT', 'integrations/slack', { body: { enabled: false } });
  assert.equal(off.json.integration.enabled, false);
  assert.equal(off.json.integration.webhook_url_set, true);
  const on = await api(s, 'PUT', 'integrations/slack', { body: { enabled: true } });
  assert.equal(on.status, 200, on.text);
  const secret2 = dbSql(s, "SELECT secret FROM integrations WHERE kind = 'slack' AND page_id = 1").trim();
  assert.notEqual(secret2, secret);

  // null clears the URL, which needs disabling first.
  assertError(await api(s, 'PUT', 'integrations/slack', { body: { webhook_url: null } }), 400, 'invalid_input',
    /webhook_url is required while the slack integration is enabled/);
  const cleared = await api(s, 'PUT', 'integrations/slack', { body: { enabled: false, webhook_url: null } });
  assert.equal(cleared.json.integration.webhook_url_set, false);
  assert.equal(cleared.json.integration.configured, false);
  assert.equal(dbSql(s, "SELECT CASE WHEN secret IS NULL THEN 1 ELSE 0 END FROM integrations WHERE kind = 'slack' AND page_id = 1").trim(), '1');
});

test('webhook: the URL is shown, the signing secret is sealed and never returned', async () => {
  const p = await api(s, 'PUT', 'integrations/webhook', { body: { enabled: true, url: 'https://example.com/pharos-hook', secret: HOOK_SECRET } });
  assert.equal(p.status, 200, p.text);
  assert.deepEqual({ ...p.json.integration, updated_at: 'x' },
    { kind: 'webhook', enabled: true, configured: true, url: 'https://example.com/pharos-hook', secret_set: true, updated_at: 'x' });
  const g = await api(s, 'GET', 'integrations/webhook');
  assert.deepEqual(g.json.integration, p.json.integration);
  assert.ok(!g.text.includes(HOOK_SECRET) && !p.text.includes(HOOK_SECRET));
  const [config, secret] = dbSql(s, "SELECT config, secret FROM integrations WHERE kind = 'webhook' AND page_id = 1").trim().split('|');
  assert.deepEqual(JSON.parse(config), { url: 'https://example.com/pharos-hook' });
  assert.ok(secret.length > 0 && !secret.includes(HOOK_SECRET));
  assert.ok(!dbSql(s, '.dump').includes(HOOK_SECRET));

  const u = await api(s, 'PUT', 'integrations/webhook', { body: { url: 'https://hooks.example.org:8443/in?x=1' } });
  assert.equal(u.json.integration.url, 'https://hooks.example.org:8443/in?x=1');
  assert.equal(u.json.integration.secret_set, true, 'the secret is kept');
  const noSecret = await api(s, 'PUT', 'integrations/webhook', { body: { secret: '' } });
  assert.equal(noSecret.json.integration.secret_set, false);
  assertError(await api(s, 'PUT', 'integrations/webhook', { body: { url: null } }), 400, 'invalid_input',
    /url is required while the webhook integration is enabled/);
  assertError(await api(s, 'PUT', 'integrations/webhook', { body: { enabled: true, url: '' } }), 400, 'invalid_input', /url is required/);
  await api(s, 'PUT', 'integrations/webhook', { body: { enabled: false, url: null } });
});

test('Twitter: only enabled is set through the API; the account is connected from the console', async () => {
  const p = await api(s, 'PUT', 'integrations/twitter', { body: { enabled: true } });
  assert.equal(p.status, 200, p.text);
  assert.equal(p.json.integration.enabled, true);
  assert.equal(p.json.integration.configured, false, 'no account connected yet');
  assertError(await api(s, 'PUT', 'integrations/twitter', { body: { access_token: 'x' } }), 400, 'invalid_input',
    /unknown field "access_token"; accepted fields: enabled$/);
  await api(s, 'PUT', 'integrations/twitter', { body: { enabled: false } });
});

test('private and malformed targets are refused by default, and change nothing', async () => {
  await api(s, 'PUT', 'integrations/webhook', { body: { enabled: true, url: 'https://example.com/keep', secret: 'k' } });
  await unchangedBy(s, snapshot, async () => {
    for (const url of PRIVATE_URLS) {
      assertError(await api(s, 'PUT', 'integrations/webhook', { body: { enabled: true, url } }), 400, 'invalid_input',
        /url points to a loopback, private or link-local address .*allow_private_targets/);
      for (const kind of ['slack', 'teams', 'discord', 'googlechat']) {
        assertError(await api(s, 'PUT', `integrations/${kind}`, { body: { enabled: true, webhook_url: url } }), 400, 'invalid_input',
          /webhook_url points to a loopback, private or link-local address .*allow_private_targets/);
      }
    }
    for (const url of MALFORMED_URLS) {
      const r = await api(s, 'PUT', 'integrations/webhook', { body: { url } });
      assertError(r, 400, 'invalid_input', /^url /);
      assert.ok(!r.json.error.message.includes('pw@'), 'credentials are not echoed');
    }
    assertError(await api(s, 'PUT', 'integrations/slack', { body: { webhook_url: `https://example.com/${'x'.repeat(2100)}` } }),
      400, 'invalid_input', /webhook_url is \d+ characters long; at most 2048/);
  });
  await api(s, 'PUT', 'integrations/webhook', { body: { enabled: false, url: null, secret: null } });
});

test('bad bodies, wrong types, unknown fields and unknown kinds', async () => {
  await unchangedBy(s, snapshot, async () => {
    await assertBadBodies(s, 'PUT', 'integrations/slack');
    assertError(await api(s, 'PUT', 'integrations/slack', { body: { enabled: 'yes' } }), 400, 'invalid_input', /enabled must be true or false/);
    assertError(await api(s, 'PUT', 'integrations/slack', { body: { enabled: true } }), 400, 'invalid_input',
      /webhook_url is required while the slack integration is enabled/);
    assertError(await api(s, 'PUT', 'integrations/slack', { body: { webhook_url: 5 } }), 400, 'invalid_input', /webhook_url must be a string/);
    assertError(await api(s, 'PUT', 'integrations/slack', { body: { url: SLACK_URL } }), 400, 'invalid_input',
      /unknown field "url"; accepted fields: enabled, webhook_url/);
    assertError(await api(s, 'PUT', 'integrations/webhook', { body: { secret: 'a\nb' } }), 400, 'invalid_input', /secret contains a control character/);
    assertError(await api(s, 'PUT', 'integrations/webhook', { body: { secret: 's'.repeat(201) } }), 400, 'invalid_input', /secret is 201 characters/);
    assertError(await api(s, 'PUT', 'integrations/webhook', { body: { url: 'https://example.com/', secret: 'x', bogus: 1 } }),
      400, 'invalid_input', /unknown field "bogus"; accepted fields: enabled, url, secret/);
    assertError(await api(s, 'GET', 'integrations/email'), 404, 'not_found', /no integration "email"; the integrations are slack, twitter, webhook, teams, discord and googlechat/);
    assertError(await api(s, 'PUT', 'integrations/email', { body: { enabled: true } }), 404, 'not_found');
    assertError(await api(s, 'GET', 'integrations/%FF'), 404, 'not_found');
    assertError(await api(s, 'POST', 'integrations/slack', { body: { enabled: true } }), 405, 'method_not_allowed');
    assertError(await api(s, 'GET', 'integrations', { token: '' }), 401, 'unauthorized');
  });
});

test("each page has its own integrations", async () => {
  await api(s, 'PUT', 'integrations/slack', { body: { enabled: true, webhook_url: SLACK_URL } });
  const o = await otherApi(s, 'GET', 'integrations/slack');
  assert.equal(o.json.integration.configured, false);
  const op = await otherApi(s, 'PUT', 'integrations/webhook', { body: { enabled: true, url: 'https://other.example.com/h' } });
  assert.equal(op.status, 200, op.text);
  assert.equal((await api(s, 'GET', 'integrations/webhook')).json.integration.url, null);
  await api(s, 'PUT', 'integrations/slack', { body: { enabled: false, webhook_url: null } });
});

test('with security.allow_private_targets, loopback and private targets are accepted', async () => {
  const p = await startTwoPages({ env: { PHAROS_SECURITY_ALLOW_PRIVATE_TARGETS: 'true' } });
  try {
    for (const url of ['http://127.0.0.1:9000/hook', 'http://localhost:8080/x', 'http://[::1]/', 'http://10.0.0.2/']) {
      const r = await api(p, 'PUT', 'integrations/webhook', { body: { enabled: true, url, secret: HOOK_SECRET } });
      assert.equal(r.status, 200, r.text);
      assert.equal(r.json.integration.url, url);
    }
    const sl = await api(p, 'PUT', 'integrations/slack', { body: { enabled: true, webhook_url: 'http://127.0.0.1:9/slack' } });
    assert.equal(sl.status, 200, sl.text);
    assertError(await api(p, 'PUT', 'integrations/webhook', { body: { url: 'ftp://127.0.0.1/' } }), 400, 'invalid_input', /must be a URL that starts with https:\/\/ \(or http:\/\/\)/);
  } finally {
    await stopClean(p);
  }
});

test('sealed settings survive a restart with the same key; another key is refused at start', async () => {
  const p = await startTwoPages();
  await api(p, 'PUT', 'integrations/webhook', { body: { enabled: true, url: 'https://example.com/h', secret: HOOK_SECRET } });
  const before = (await api(p, 'GET', 'integrations/webhook')).json.integration;
  await p.stop();
  const restart = async () => Object.assign(await startServer({ dataDir: p.dataDir }), { token: p.token });

  const again = await restart();
  assert.deepEqual((await api(again, 'GET', 'integrations/webhook')).json.integration, before, 'the secret still opens');
  assert.doesNotMatch(again.log, /do not open/);
  await again.stop();

  // SPEC §13: the database keeps a check value of the key
  const keyFile = path.join(p.dataDir, 'secret.key');
  const key = readFileSync(keyFile);
  writeFileSync(keyFile, randomBytes(32), { mode: 0o600 });
  await assert.rejects(restart(), /is not the one this database was set up with: every node of a database must use the same key file/);
  rmSync(keyFile);
  await assert.rejects(restart(), /secret_key_file .* does not exist, but this database was set up with a secret key/);
  assert.ok(!existsSync(keyFile), 'no new key was made');
  writeFileSync(keyFile, key, { mode: 0o600 });
  const back = await restart();
  try {
    assert.deepEqual((await api(back, 'GET', 'integrations/webhook')).json.integration, before, 'the right key opens it again');
  } finally {
    await stopClean(back);
  }
});
