// SMTP credentials never cross the network in clear (audit issue 9, item 5): with
// email.username/password and a relay that offers no STARTTLS (the smtp-server fake
// with AUTH but no TLS), pharos sends no AUTH and retries the delivery, naming
// email.allow_plaintext_auth in the reason; with that key true it authenticates and
// delivers. Without credentials nothing changes (every other suite). A bad
// email.smtp_url scheme stops the server at start.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { rmSync } from 'node:fs';
import { api, cli, startWithToken, tempDir } from './lib/harness.mjs';
import { stopClean, dbSql } from './lib/admin.mjs';
import { startSmtp } from './fakes/smtp.mjs';
import { settled, newService, newIncident, sleep } from './lib/notify.mjs';

const USER = 'relay-user';
const PASS = 'relay-secret-pw';
const REASON = /the relay offers no TLS and email\.allow_plaintext_auth is false: credentials are not sent in clear/;

let smtp;
let s;
after(async () => { if (s) await stopClean(s); await smtp?.stop(); });

const env = (extra = {}) => ({
  PHAROS_SECURITY_ALLOW_PRIVATE_TARGETS: 'false',
  PHAROS_EMAIL_SMTP_URL: smtp.url,
  PHAROS_EMAIL_FROM: 'status@example.test',
  PHAROS_EMAIL_USERNAME: USER,
  PHAROS_EMAIL_PASSWORD: PASS,
  ...extra,
});

test('credentials and a relay without TLS: no AUTH is sent, the delivery is retried with the reason', async () => {
  smtp = await startSmtp({ auth: { user: USER, pass: PASS } });
  s = await startWithToken({ env: env() });
  const svc = await newService(s, 'API');
  assert.equal((await api(s, 'POST', 'subscribers', { body: { channel: 'email', address: 'tls@example.test', confirmed: true } })).status, 201);
  const ev = await newIncident(s, { title: 'Relay without TLS', services: [svc.id] });
  const uid = ev.updates[0].id;
  // the first outcome, read at once with its error (a retry may claim it again right after)
  const end = Date.now() + 20000;
  let state, error;
  for (;;) {
    [state, error] = dbSql(s, `SELECT state, COALESCE(last_error, '') FROM deliveries WHERE update_id=${uid} AND (state IN ('sent', 'failed', 'dead') OR (state = 'pending' AND attempts >= 1))`).trim().split('|');
    if (state) break;
    assert.ok(Date.now() < end, 'the delivery was attempted');
    await sleep(100);
  }
  assert.deepEqual(smtp.auths, [], 'no AUTH reached the relay');
  assert.equal(state, 'pending', 'retried (the operator may fix the relay or the setting)');
  assert.match(error, REASON);
  const log = await api(s, 'GET', 'deliveries?channel=email');
  assert.match(log.json.deliveries[0].last_error, REASON, 'the notification log names the key');
  assert.ok(smtp.connections >= 1, 'pharos did reach the relay');
  assert.equal(smtp.messages.length, 0);
  assert.ok(!s.log.includes(PASS), 'the password is not logged');
});

test('with email.allow_plaintext_auth = true the same delivery authenticates and is sent', async () => {
  assert.equal((await s.stop()).code, 0);
  assert.doesNotMatch(s.log, /AddressSanitizer|LeakSanitizer|runtime error:/);
  const token = s.token;
  s = await startWithToken({ dataDir: s.dataDir, env: env({ PHAROS_EMAIL_ALLOW_PLAINTEXT_AUTH: 'true' }) });
  s.token = token;
  const uid = Number(dbSql(s, 'SELECT MAX(update_id) FROM deliveries').trim());
  const ds = await settled(s, uid, 60000);
  assert.equal(ds.length, 1);
  assert.equal(ds[0].state, 'sent', ds[0].last_error);
  assert.equal(smtp.byRecipient('tls@example.test').length, 1);
  assert.ok(smtp.auths.length >= 1);
  assert.deepEqual(smtp.auths.at(-1), { method: smtp.auths.at(-1).method, username: USER, password: PASS, tls: false });
});

test('email.smtp_url must be smtp:// or smtps://, allow_plaintext_auth a boolean: else nothing starts', async () => {
  const dir = tempDir();
  // without a scheme curl would guess one (http:// for most host names)
  const bad = cli(['migrate'], { dataDir: dir, env: { PHAROS_EMAIL_SMTP_URL: 'mail.example.com:587' } });
  assert.equal(bad.code, 2, bad.stderr);
  assert.match(bad.stderr, /\[email\] smtp_url must be smtp:\/\/HOST\[:PORT\] or smtps:\/\/HOST\[:PORT\], not "mail\.example\.com:587"/);
  const flag = cli(['migrate'], { dataDir: dir, env: { PHAROS_EMAIL_ALLOW_PLAINTEXT_AUTH: 'maybe' } });
  assert.equal(flag.code, 2, flag.stderr);
  assert.match(flag.stderr, /PHAROS_EMAIL_ALLOW_PLAINTEXT_AUTH: \[email\] allow_plaintext_auth must be true or false/);
  rmSync(dir, { recursive: true, force: true });
});
