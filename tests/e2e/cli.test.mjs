// The command line of SPEC §2 and the configuration of SPEC §3: exit codes
// (0 ok, 2 bad usage naming the argument, 1 other failure) and outputs.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { cli, tempDir, startServer, request } from './lib/harness.mjs';

test('version and help', () => {
  for (const args of [['version'], ['--version']]) {
    const r = cli(args);
    assert.equal(r.code, 0);
    assert.match(r.stdout, /^pharos \d+\.\d+\.\d+\n$/);
  }
  const h = cli(['--help']);
  assert.equal(h.code, 0);
  for (const cmd of ['serve', 'migrate', 'page add', 'page list', 'user add', 'token create', 'export'])
    assert.ok(h.stdout.includes(`pharos ${cmd}`), cmd);
});

test('bad usage exits 2 and names the bad argument', () => {
  const cases = [
    [['frobnicate'], /unknown command "frobnicate"/],
    [['page'], /expected "add" or "list"/],
    [['page', 'add', '--title', 'T'], /--slug is required/],
    [['page', 'add', '--slug', 'x', '--colour', 'red'], /unknown option --colour/],
    [['page', 'add', '--slug', 'Bad Slug', '--title', 'T'], /slug may hold only/],
    [['token', 'create'], /--name is required/],
    [['serve', '--listen', 'nowhere'], /listen must be HOST:PORT/],
  ];
  for (const [args, re] of cases) {
    const r = cli(args, { dataDir: tempDir() });
    assert.equal(r.code, 2, `${args.join(' ')}: ${r.stderr}`);
    assert.match(r.stderr, re);
  }
  const novalue = cli(['serve', '--listen']);
  assert.equal(novalue.code, 2);
  assert.match(novalue.stderr, /--listen needs a value/);
});

test('migrate, page add and page list', () => {
  const dataDir = tempDir();
  const m = cli(['migrate'], { dataDir });
  assert.equal(m.code, 0);
  assert.match(m.stdout, /^schema version \d+/);
  const a = cli(['page', 'add', '--slug', 'acme', '--title', 'Acme Status', '--host', 'status.acme.test', '--host', 'Acme.Example'], { dataDir });
  assert.equal(a.code, 0, a.stderr);
  assert.match(a.stdout, /^\d+\n$/);
  const l = cli(['page', 'list'], { dataDir });
  assert.equal(l.code, 0);
  assert.match(l.stdout, /default\s+Status/);
  assert.match(l.stdout, new RegExp(`^${a.stdout.trim()}\\s+acme\\s+Acme Status\\s+acme.example,status.acme.test$`, 'm'));
  const dup = cli(['page', 'add', '--slug', 'acme', '--title', 'Again'], { dataDir });
  assert.equal(dup.code, 1);
  assert.match(dup.stderr, /slug "acme" exists already/);
  const host = cli(['page', 'add', '--slug', 'other', '--title', 'O', '--host', 'status.acme.test'], { dataDir });
  assert.equal(host.code, 1);
  assert.match(host.stderr, /host status.acme.test already belongs/);
});

test('user add reads the password from stdin', () => {
  const dataDir = tempDir();
  const ok = cli(['user', 'add', '--email', 'Ops@Example.com', '--name', 'Ops'], { dataDir, input: 'correct horse battery\n' });
  assert.equal(ok.code, 0, ok.stderr);
  assert.match(ok.stdout, /^\d+\n$/);
  const short = cli(['user', 'add', '--email', 'b@example.com'], { dataDir, input: 'short\n' });
  assert.equal(short.code, 2);
  assert.match(short.stderr, /password must be 8 to 200/);
  const none = cli(['user', 'add', '--email', 'c@example.com'], { dataDir, input: '' });
  assert.equal(none.code, 2);
  assert.match(none.stderr, /password on standard input/);
  const bad = cli(['user', 'add', '--email', 'not-an-address'], { dataDir, input: 'long enough pw\n' });
  assert.equal(bad.code, 2);
  assert.match(bad.stderr, /not an e-mail address/);
  const role = cli(['user', 'add', '--email', 'd@example.com', '--role', 'god'], { dataDir, input: 'long enough pw\n' });
  assert.equal(role.code, 2);
  assert.match(role.stderr, /unknown role "god"/);
  const page = cli(['user', 'add', '--email', 'e@example.com', '--page', 'nope'], { dataDir, input: 'long enough pw\n' });
  assert.equal(page.code, 1);
  assert.match(page.stderr, /no page with slug "nope"/);
  // an existing account keeps its password only by refusing: never silently
  const again = cli(['user', 'add', '--email', 'ops@example.com', '--role', 'viewer'], { dataDir, input: 'another password\n' });
  assert.equal(again.code, 1);
  assert.match(again.stderr, /ops@example.com exists: use --reset-password/);
  assert.equal((again.stderr.match(/exists/g) || []).length, 1, 'said once');
  const reset = cli(['user', 'add', '--email', 'ops@example.com', '--role', 'viewer', '--reset-password'], { dataDir, input: 'another password\n' });
  assert.equal(reset.code, 0, reset.stderr);
  assert.equal(reset.stdout, ok.stdout, 'the same account');
});

test('token create prints the token alone, and it works on the API', async () => {
  const dataDir = tempDir();
  const t = cli(['token', 'create', '--name', 'deploy bot'], { dataDir });
  assert.equal(t.code, 0, t.stderr);
  assert.match(t.stdout, /^phr_[A-Za-z0-9_-]{43}\n$/);
  const s = await startServer({ dataDir });
  const r = await request(s, 'GET', '/admin/api/v1/services', { token: t.stdout.trim() });
  assert.equal(r.status, 200);
  await s.stop();
  s.cleanup();
});

test('serve creates the data directory, the database and a 0600 secret key', async () => {
  const dataDir = path.join(tempDir(), 'fresh', 'data');
  const parent = path.dirname(dataDir);
  // Only the last level is created by serve; make the parent like an operator would.
  cli(['migrate'], { dataDir: parent });
  const s = await startServer({ dataDir });
  assert.match(s.log, /applied migration migrations\/(sqlite\/0001|postgresql\/0006)/);
  assert.equal(statSync(path.join(dataDir, 'secret.key')).mode & 0o777, 0o600);
  assert.equal(statSync(path.join(dataDir, 'secret.key')).size, 32);
  for (let i = 0; i < 100 && !/status page:/.test(s.log); i++) await new Promise((r) => setTimeout(r, 20));
  assert.ok(s.log.includes(`status page: http://127.0.0.1:${s.port}/`), s.log);
  await s.stop();
});

test('a bad config file names the file, line and key, and nothing starts', () => {
  const dir = tempDir();
  const file = path.join(dir, 'pharos.ini');
  writeFileSync(file, '[server]\nlisten = 127.0.0.1:0\n\n[server]\nthreads = lots\n');
  const r = cli(['serve', '--config', file], { dataDir: dir });
  assert.equal(r.code, 2);
  assert.ok(r.stderr.includes(`${file}:5: [server] threads must be a whole number from 1 to 256, not "lots"`), r.stderr);
  writeFileSync(file, '[server]\nlisten = 127.0.0.1:0\nlisen = 1\n');
  const u = cli(['serve', '--config', file], { dataDir: dir });
  assert.equal(u.code, 2);
  assert.ok(u.stderr.includes(`${file}:3: unknown key [server] lisen`), u.stderr);
  const missing = cli(['serve', '--config', path.join(dir, 'nope.ini')], { dataDir: dir });
  assert.equal(missing.code, 2);
  assert.match(missing.stderr, /nope\.ini: cannot open config file/);
});

test('precedence: flag over environment over file', async () => {
  const dir = tempDir();
  const file = path.join(dir, 'pharos.ini');
  writeFileSync(file, '[server]\nbase_url = https://file.example\nthreads = 1\n');
  // Environment beats the file: base_url comes from PHAROS_SERVER_BASE_URL.
  const s = await startServer({ dataDir: dir, args: ['--config', file], env: { PHAROS_SERVER_BASE_URL: 'https://env.example/' } });
  assert.match(s.log, /pharos serving https:\/\/env\.example \(/);
  await s.stop();
  // The flag beats the environment.
  const f = await startServer({ dataDir: dir, args: ['--config', file, '--base-url', 'https://flag.example'], env: { PHAROS_SERVER_BASE_URL: 'https://env.example' } });
  assert.match(f.log, /pharos serving https:\/\/flag\.example \(/);
  await f.stop();
  const bad = cli(['serve', '--listen', '127.0.0.1:0'], { dataDir: dir, env: { PHAROS_SECURITY_ALLOW_PRIVATE_TARGETS: 'maybe' } });
  assert.equal(bad.code, 2);
  assert.match(bad.stderr, /PHAROS_SECURITY_ALLOW_PRIVATE_TARGETS: \[security\] allow_private_targets must be true or false/);
});

test('a PostgreSQL server that cannot be reached is an error that says so', () => {
  // port 1 on loopback: nothing listens there
  const r = cli(['migrate', '--database', 'postgresql://127.0.0.1:1/pharos'], { dataDir: tempDir() });
  assert.equal(r.code, 1);
  assert.match(r.stderr, /database unavailable: .*127\.0\.0\.1/);
  const u = cli(['migrate', '--database', 'mysql://localhost/pharos'], { dataDir: tempDir() });
  assert.notEqual(u.code, 0);
  assert.match(u.stderr, /unknown database URL "mysql:\/\/localhost\/pharos"/);
});
