// Moving a whole database (SPEC §13; issue 12): `pharos db copy` from a populated SQLite
// install to PostgreSQL and back to a new SQLite file keeps every row (the two SQLite
// files dump the same, table by table), a server on the PostgreSQL copy serves the same
// page and API, and a target that is not empty is refused with nothing changed.
// `pharos backup` while writes run gives a file that passes PRAGMA integrity_check and
// holds every write acknowledged before it started; on PostgreSQL it points to pg_dump.
// Needs a PostgreSQL cluster: `make e2e` runs it in its PostgreSQL pass.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { ON_PG, BIN, cli, tempDir, startServer, api, request, pgName } from './lib/harness.mjs';
import { stopClean } from './lib/admin.mjs';
import { until } from './lib/events.mjs';
import { startSmtp } from './fakes/smtp.mjs';

const skip = ON_PG ? false : 'needs the PostgreSQL cluster of make e2e\'s second pass';

const sqlite3 = (file, sql) => {
  const r = spawnSync('sqlite3', [file, sql], { encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  return r.stdout;
};
// Every table's rows, in key order, as text: what must survive the round trip
// (page_changes only tells running nodes what to rebuild: it is not copied).
function rowsOf(file) {
  const tables = sqlite3(file, "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT IN ('sqlite_sequence', 'schema_migrations', 'page_changes') ORDER BY name").trim().split('\n');
  return Object.fromEntries(tables.map((t) => [t, sqlite3(file, `SELECT * FROM "${t}" ORDER BY 1, 2`)]));
}

test('SQLite → PostgreSQL → SQLite keeps every row; a non-empty target is refused', { skip }, async (t) => {
  const smtp = await startSmtp();
  t.after(() => smtp.stop().catch(() => {}));
  const home = tempDir('pharos-copy-');
  const file = path.join(home, 'pharos.db');
  const env = { PHAROS_STORAGE_DATABASE: `sqlite:${file}`, PHAROS_EMAIL_SMTP_URL: smtp.url, PHAROS_EMAIL_FROM: 'status@example.test' };
  const tok = cli(['token', 'create', '--name', 'copy'], { dataDir: home, env });
  assert.equal(tok.code, 0, tok.stderr);
  assert.equal(cli(['user', 'add', '--email', 'ops@example.com', '--role', 'owner'], { dataDir: home, env, input: 'ops-password\n' }).code, 0);
  assert.equal(cli(['page', 'add', '--slug', 'eu', '--title', 'Europe', '--host', 'eu.example.test'], { dataDir: home, env }).code, 0);
  let s = await startServer({ dataDir: home, env });
  s.token = tok.stdout.trim();
  const g = (await api(s, 'POST', 'groups', { body: { name: 'Core' } })).json.group;
  const svc = (await api(s, 'POST', 'services', { body: { name: 'API', group_id: g.id, description: 'ünïcode — ok' } })).json.service;
  await api(s, 'POST', 'services', { body: { name: 'Web' } });
  await api(s, 'POST', 'templates', { body: { kind: 'incident', name: 'Outage', title: 'Outage', message: '**down**' } });
  sqlite3(file, "INSERT INTO subscribers (page_id, channel, address, state, all_services, created_at, updated_at, confirmed_at, bounces, language) VALUES (1, 'email', 'a@example.test', 'active', 1, 1, 1, 1, 2, 'de'), (1, 'sms', '+14155550100', 'pending', 0, 2, 2, NULL, 0, 'ja')");
  assert.equal((await api(s, 'PATCH', 'page', { body: { languages: ['en', 'de'], custom_css: 'h1{color:#123456}', footer_markdown: '**Ops** team' } })).status, 200);
  const inc = (await api(s, 'POST', 'incidents', { body: { title: 'Errors', message: 'Looking.', services: [{ id: svc.id, status: 'major_outage' }] } })).json.incident;
  await api(s, 'POST', `incidents/${inc.id}/updates`, { body: { stage: 'resolved', message: 'Fixed.' } });
  const mt = await api(s, 'POST', 'maintenance', { body: { title: 'Upgrade', message: 'Later.', scheduled_start: '2030-01-01T10:00:00Z', scheduled_end: '2030-01-01T11:00:00Z',
    translations: { de: { title: 'Aufrüstung', message: 'Später.' } } } });
  assert.equal(mt.status, 201, mt.text);
  await smtp.waitFor((m) => m.length >= 2, 20000, 'the incident e-mails');
  const page = (await request(s, 'GET', '/api/v2/summary.json')).json;
  // the page becomes private: a copy must keep its door (one once dropped it, and the page
  // it made was public)
  assert.equal((await api(s, 'PATCH', 'page', { body: { visibility: 'password', password: 'door-password-1' } })).status, 200);
  const readKey = (await api(s, 'GET', 'page')).json.page.read_key;
  assert.ok(readKey);
  assert.equal((await request(s, 'GET', '/')).status, 401);
  assert.equal((await s.stop()).code, 0); // the install stops; its data stays
  await smtp.stop();

  const pg = `postgresql:///${pgName(tempDir('pharos-copy-pg-'))}`;
  const there = cli(['db', 'copy', '--from', `sqlite:${file}`, '--to', pg]);
  assert.equal(there.code, 0, there.stderr);
  assert.match(there.stdout, /^services +2$/m);
  assert.match(there.stdout, /^copied \d+ rows from sqlite to postgresql$/m);
  const back = path.join(tempDir('pharos-copy-back-'), 'pharos.db');
  const home2 = cli(['db', 'copy', '--from', pg, '--to', `sqlite:${back}`]);
  assert.equal(home2.code, 0, home2.stderr);
  assert.equal(home2.stdout.replace(/from \w+ to \w+/, ''), there.stdout.replace(/from \w+ to \w+/, ''), 'the same counts both ways');
  assert.deepEqual(rowsOf(back), rowsOf(file));

  // a server on the PostgreSQL copy serves the same page, and its next ids follow
  const pgHome = tempDir('pharos-copy-srv-');
  spawnSync('cp', [path.join(home, 'secret.key'), pgHome]);
  s = await startServer({ dataDir: pgHome, env: { PHAROS_STORAGE_DATABASE: pg } });
  s.token = tok.stdout.trim();
  assert.equal((await request(s, 'GET', '/')).status, 401, 'still private');
  assert.equal((await request(s, 'GET', '/api/v2/summary.json')).status, 401, 'its JSON too');
  const copied = (await request(s, 'GET', `/api/v2/summary.json?key=${readKey}`)).json;
  assert.equal((await request(s, 'GET', `/feed?lang=de&key=${readKey}`)).text.includes('Aufrüstung'), true, 'the translation');
  assert.deepEqual(copied.components, page.components);
  assert.deepEqual(copied.incidents, page.incidents);
  const next = await api(s, 'POST', 'services', { body: { name: 'After the copy' } });
  assert.equal(next.status, 201, next.text);
  assert.ok(next.json.service.id > svc.id);
  await stopClean(s);

  // a target that holds rows is refused, and keeps them
  const again = cli(['db', 'copy', '--from', `sqlite:${file}`, '--to', pg]);
  assert.equal(again.code, 1);
  assert.match(again.stderr, /the target database is not empty \(table pages has \d+ rows\)/);
  const same = cli(['db', 'copy', '--from', pg, '--to', pg]);
  assert.equal(same.code, 2);
});

test('pharos backup while writes run: a sound file with every write acknowledged before it', { skip }, async () => {
  const home = tempDir('pharos-backup-');
  const env = { PHAROS_STORAGE_DATABASE: `sqlite:${path.join(home, 'pharos.db')}` };
  const tok = cli(['token', 'create', '--name', 'b'], { dataDir: home, env });
  const s = await startServer({ dataDir: home, env });
  s.token = tok.stdout.trim();
  const acked = [];
  let stop = false;
  const writer = (async () => {
    for (let i = 0; !stop; i++) {
      const r = await api(s, 'POST', 'templates', { body: { kind: 'incident', name: `t${i}`, title: `T ${i}` } });
      if (r.status === 201) acked.push(r.json.template.name);
    }
  })();
  await until(() => acked.length >= 50, { timeout: 20000, what: '50 writes' });
  const before = [...acked];
  const out = path.join(tempDir('pharos-backup-out-'), 'copy.db');
  const b = spawnSync(BIN, ['backup', '--out', out, '--data', home], { env: { ...process.env, ...env }, encoding: 'utf8' });
  await until(() => acked.length >= before.length + 20, { timeout: 20000, what: 'writes after the backup' });
  stop = true;
  await writer;
  assert.equal(b.status, 0, b.stderr);
  assert.match(b.stdout, /^backup of sqlite written to .*copy\.db \(\d+ bytes\)$/m);
  assert.equal(sqlite3(out, 'PRAGMA integrity_check').trim(), 'ok');
  const names = new Set(sqlite3(out, 'SELECT name FROM templates').trim().split('\n'));
  for (const n of before) assert.ok(names.has(n), `${n}, acknowledged before the backup, is in it`);
  const exists = spawnSync(BIN, ['backup', '--out', out, '--data', home], { env: { ...process.env, ...env }, encoding: 'utf8' });
  assert.equal(exists.status, 2);
  assert.match(exists.stderr, /exists/);
  await stopClean(s);

  // PostgreSQL: pg_dump's job
  const pgHome = tempDir('pharos-backup-pg-');
  const p = cli(['backup', '--out', path.join(pgHome, 'x.db')], { dataDir: pgHome });
  assert.equal(p.code, 1);
  assert.match(p.stderr, /pg_dump/);
  assert.ok(!existsSync(path.join(pgHome, 'x.db')));
});
