// E-mail over TLS with pharos's own SMTP client (notify/smtp_conn.c): a relay (the
// smtp-server fake) with a certificate made here by openssl for 127.0.0.1, trusted by
// pharos through SSL_CERT_FILE (OpenSSL's default CA file).
//  - smtp:// and a relay offering STARTTLS: the message goes over TLS, and the
//    credentials too, with email.allow_plaintext_auth at its default (false);
//  - smtps://: TLS from the first byte;
//  - a certificate pharos does not trust: nothing is sent, no AUTH reaches the relay, the
//    delivery is retried with the reason.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync, rmSync } from 'node:fs';
import path from 'node:path';
import { api, startWithToken, tempDir } from './lib/harness.mjs';
import { stopClean, dbSql } from './lib/admin.mjs';
import { startSmtp } from './fakes/smtp.mjs';
import { settled, newService, newIncident, sleep } from './lib/notify.mjs';

const USER = 'tls-user';
const PASS = 'tls-secret-pw';
const dir = tempDir('pharos-e2e-tls-');

// A self-signed certificate for 127.0.0.1 (and a second one, trusted by nobody).
function makeCert(name) {
  const key = path.join(dir, `${name}.key`), cert = path.join(dir, `${name}.crt`);
  const r = spawnSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '2',
    '-subj', '/CN=127.0.0.1', '-addext', 'subjectAltName=IP:127.0.0.1',
    '-keyout', key, '-out', cert], { encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  return { key: readFileSync(key), cert: readFileSync(cert), certFile: cert };
}
const trusted = makeCert('trusted');
const stranger = makeCert('stranger');

const relays = [];
let s;
after(async () => {
  if (s) await stopClean(s);
  for (const r of relays) await r.stop();
  rmSync(dir, { recursive: true, force: true });
});

async function relay(opts) {
  const r = await startSmtp(opts);
  relays.push(r);
  return r;
}

async function server(smtp, extra = {}) {
  if (s) await stopClean(s);
  s = await startWithToken({
    env: {
      PHAROS_SECURITY_ALLOW_PRIVATE_TARGETS: 'false',
      PHAROS_EMAIL_SMTP_URL: smtp.url,
      PHAROS_EMAIL_FROM: 'status@example.test',
      PHAROS_EMAIL_USERNAME: USER,
      PHAROS_EMAIL_PASSWORD: PASS,
      SSL_CERT_FILE: trusted.certFile,
      ...extra,
    },
  });
  return s;
}

// Subscribes PEOPLE and publishes an incident; returns the update id.
async function publish(people, title) {
  const svc = await newService(s, 'API');
  for (const address of people)
    assert.equal((await api(s, 'POST', 'subscribers', { body: { channel: 'email', address, confirmed: true } })).status, 201);
  const ev = await newIncident(s, { title, services: [svc.id] });
  return ev.updates[0].id;
}

test('STARTTLS: the messages and the credentials go over TLS, allow_plaintext_auth left false', async () => {
  const smtp = await relay({ auth: { user: USER, pass: PASS }, tls: trusted });
  await server(smtp);
  const people = Array.from({ length: 12 }, (_, i) => `starttls${i}@example.test`);
  const uid = await publish(people, 'Over STARTTLS');
  const ds = await settled(s, uid, 30000);
  assert.equal(ds.length, people.length);
  for (const d of ds) assert.equal(d.state, 'sent', d.last_error);
  for (const p of people) {
    const got = smtp.byRecipient(p);
    assert.equal(got.length, 1, p);
    assert.equal(got[0].secure, true, 'delivered over TLS');
    assert.match(got[0].headers.subject, /Over STARTTLS/);
  }
  assert.ok(smtp.auths.length >= 1);
  for (const a of smtp.auths) assert.deepEqual(a, { method: a.method, username: USER, password: PASS, tls: true });
});

test('smtps://: TLS from the first byte', async () => {
  const smtp = await relay({ auth: { user: USER, pass: PASS }, tls: { ...trusted, implicit: true } });
  assert.match(smtp.url, /^smtps:\/\//);
  await server(smtp);
  const uid = await publish(['implicit@example.test'], 'Over smtps');
  const ds = await settled(s, uid, 30000);
  assert.equal(ds[0].state, 'sent', ds[0].last_error);
  const got = smtp.byRecipient('implicit@example.test');
  assert.equal(got.length, 1);
  assert.equal(got[0].secure, true);
});

test('a relay certificate pharos does not trust: nothing sent, no AUTH, retried with the reason', async () => {
  const smtp = await relay({ auth: { user: USER, pass: PASS }, tls: stranger });
  await server(smtp);
  const uid = await publish(['untrusted@example.test'], 'Untrusted relay');
  // the first outcome's error, read with it (a retry may claim the row again right after)
  const end = Date.now() + 20000;
  let error;
  while (!(error = dbSql(s, `SELECT last_error FROM deliveries WHERE update_id=${uid} AND state = 'pending' AND attempts >= 1 AND last_error IS NOT NULL`).trim())) {
    assert.ok(Date.now() < end, 'the delivery was attempted');
    await sleep(100);
  }
  assert.match(error, /^SMTP: TLS with 127\.0\.0\.1: the certificate is refused: self[- ]signed certificate/);
  assert.deepEqual(smtp.auths, [], 'the credentials never reached the relay');
  assert.equal(smtp.messages.length, 0);
  assert.ok(smtp.connections >= 1, 'pharos did reach the relay');
});
