// PostgreSQL stopped under a running node (SPEC §13, "the database down"; issue 12):
// the node keeps serving the last public page, feeds, JSON and badge with their ETags;
// API writes and reads, console screens and sign-in answer 503 "database unavailable: …";
// /healthz answers 503 "degraded". PostgreSQL started again: writes work without a
// restart of pharos, the page shows what is written next, and an e-mail that was queued
// before (its relay down then) goes out. The suite runs its own cluster
// (scripts/pg-cluster.sh init/start/stop), since it stops it; PostgreSQL only.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { ON_PG, cli, tempDir, startServer, request, api } from './lib/harness.mjs';
import { stopClean } from './lib/admin.mjs';
import { until } from './lib/events.mjs';
import { startSmtp } from './fakes/smtp.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const cluster = (...args) => execFileSync(path.join(root, 'scripts/pg-cluster.sh'), args, { encoding: 'utf8' }).trim();
const skip = ON_PG ? false : 'stops its own PostgreSQL cluster (make e2e runs this suite on PostgreSQL)';

let dir, s, smtp;
after(async () => {
  if (s) await stopClean(s);
  if (smtp) await smtp.stop().catch(() => {});
  if (dir) cluster('destroy', dir);
});

function assertUnavailable(r, what) {
  assert.equal(r.status, 503, `${what}: ${r.text.slice(0, 300)}`);
  if (/json/.test(r.headers['content-type'])) {
    assert.equal(r.json.error.code, 'unavailable', r.text);
    assert.match(r.json.error.message, /^database unavailable: /);
  } else {
    assert.match(r.text, /database unavailable/, what);
  }
}

test('the database stopped and started again under a running node', { skip }, async () => {
  dir = mkdtempSync(path.join(tmpdir(), 'pharos-pgdown-'));
  cluster('init', dir);
  const admin = cluster('start', dir);
  assert.equal(spawnSync('psql', [admin, '-qc', 'CREATE DATABASE down']).status, 0);
  const dbUrl = admin.replace('/postgres?', '/down?');
  smtp = await startSmtp();
  const env = { PHAROS_STORAGE_DATABASE: dbUrl, PHAROS_EMAIL_SMTP_URL: smtp.url, PHAROS_EMAIL_FROM: 'status@example.test' };
  const data = tempDir();
  const t = cli(['token', 'create', '--name', 'e2e'], { dataDir: data, env });
  assert.equal(t.code, 0, t.stderr);
  s = await startServer({ dataDir: data, env });
  s.token = t.stdout.trim();

  const svc = (await api(s, 'POST', 'services', { body: { name: 'Checkout' } })).json.service;
  assert.equal(spawnSync('psql', [dbUrl, '-qc', `INSERT INTO subscribers (page_id, channel, address, state, all_services,
    created_at, updated_at, confirmed_at) VALUES (1, 'email', 'waiting@example.test', 'active', 1, 0, 0, 0)`]).status, 0);
  // the relay is down: the incident's e-mail waits in the outbox, retried
  await smtp.stop();
  const inc = await api(s, 'POST', 'incidents', { body: { title: 'Payments failing', message: 'Looking into it.', services: [{ id: svc.id, status: 'major_outage' }] } });
  assert.equal(inc.status, 201, inc.text);
  const paths = ['/', '/api/v2/summary.json', '/api/v2/status.json', '/feed', '/feed.atom', '/badge.svg', '/history'];
  const before = {};
  for (const p of paths) {
    const r = await request(s, 'GET', p);
    assert.equal(r.status, 200, `${p}: ${r.text.slice(0, 200)}`);
    before[p] = r;
  }
  assert.match(before['/'].text, /Payments failing/);

  cluster('stop', dir);
  for (const p of paths) {
    const r = await request(s, 'GET', p);
    assert.equal(r.status, 200, `${p} while the database is down: ${r.text.slice(0, 200)}`);
    assert.equal(r.text, before[p].text, `${p} keeps its content`);
    assert.equal(r.headers.etag, before[p].headers.etag, `${p} keeps its ETag`);
    const again = await request(s, 'GET', p, { headers: { 'If-None-Match': before[p].headers.etag } });
    assert.equal(again.status, 304, `${p} revalidates`);
  }
  assertUnavailable(await api(s, 'POST', 'services', { body: { name: 'Refused' } }), 'an API write');
  assertUnavailable(await api(s, 'PUT', `service/put/${svc.id}/operational/`), 'an eStatus write');
  assertUnavailable(await api(s, 'GET', 'services'), 'an API read');
  const session = { Cookie: `pharos_session=ses_${'a'.repeat(43)}` };
  assertUnavailable(await request(s, 'GET', '/admin', { headers: session }), 'a console screen');
  const login = await request(s, 'GET', '/admin/login');
  const csrf = /name="csrf_token" value="([^"]+)"/.exec(login.text)?.[1];
  assert.ok(csrf, 'the sign-in form needs no database');
  assertUnavailable(await request(s, 'POST', '/admin/login', {
    body: new URLSearchParams({ csrf_token: csrf, email: 'owner@example.com', password: 'owner-password' }).toString(),
    headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
  }), 'signing in');
  const h = await request(s, 'GET', '/healthz');
  assert.equal(h.status, 503, h.text);
  assert.equal(h.json.status, 'degraded');
  assert.equal(h.json.database, 'postgresql');
  assert.match(h.json.error, /^database unavailable: /);

  await smtp.start();
  cluster('start', dir);
  // no restart: the next calls reconnect (each connection at most once per backoff)
  const back = await until(async () => {
    const r = await api(s, 'POST', 'services', { body: { name: 'Back again' } });
    return r.status === 201 && r;
  }, { timeout: 20000, interval: 250, what: 'a write after PostgreSQL came back' });
  assert.equal(back.json.service.name, 'Back again');
  await until(async () => /Back again/.test((await request(s, 'GET', '/')).text), { timeout: 5000, what: 'the page showing the new service' });
  assert.equal((await request(s, 'GET', '/healthz')).status, 200);
  const [mail] = await smtp.waitFor((m) => m.some((x) => x.to.includes('waiting@example.test')), 60000, 'the queued e-mail');
  assert.match(mail.headers.subject, /Payments failing/);
});
