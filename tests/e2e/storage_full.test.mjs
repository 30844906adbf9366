// A full disk (audit issue 9, finding 10): the database lives on a small tmpfs, filled
// through the API until the database cannot commit. Writes then answer 507
// {"error":{"code":"storage_full","message":"storage is full: …"}}, reads keep working,
// the log says so once (not once per request, nor per background checkpoint), a write
// that got 507 is not applied at all, and every write that got 2xx survives kill -9 and
// a restart once space is free again. Needs root for mount(8), as `make test` has.
// SQLite: the data directory is the tmpfs. PostgreSQL: the test database's tablespace
// is a directory on it (its WAL stays on the cluster's disk, as a full data volume of
// a real server would leave it), so the server's writes fail with 53100 disk_full.
// Template messages are random text, which neither engine can compress away.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { chownSync, mkdirSync, rmSync, statfsSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { cli, tempDir, startServer, api, dbSql, ON_PG, pgName, pgAdmin, dropDb } from './lib/harness.mjs';

const FULL_LINE = /storage is full/g;

function mountTmpfs(dir, size) {
  const r = spawnSync('mount', ['-t', 'tmpfs', '-o', `size=${size}`, 'tmpfs', dir], { encoding: 'utf8' });
  return r.status === 0 ? null : (r.stderr || `mount exited ${r.status}`);
}

function umount(dir) {
  if (spawnSync('umount', [dir]).status !== 0) spawnSync('umount', ['-l', dir]);
}

const freeBytes = (dir) => { const f = statfsSync(dir); return f.bavail * f.bsize; };

// On PostgreSQL: a tablespace in DIR (owned by the cluster's user) holds DIR's database.
function tablespaceIn(dir) {
  const where = path.join(dir, 'tablespace');
  mkdirSync(where);
  const owner = process.env.PHAROS_TEST_PG_OWNER;
  if (process.getuid() === 0 && owner && owner !== 'root') {
    const id = spawnSync('id', ['-u', owner], { encoding: 'utf8' }).stdout.trim();
    const gid = spawnSync('id', ['-g', owner], { encoding: 'utf8' }).stdout.trim();
    chownSync(where, Number(id), Number(gid));
  }
  const name = `full_${path.basename(dir).replace(/[^A-Za-z0-9]/g, '_').toLowerCase()}`;
  pgAdmin(`CREATE TABLESPACE ${name} LOCATION '${where}'`);
  pgName(dir, { tablespace: name });
  return name;
}

test('a full disk answers 507 storage_full and loses nothing acknowledged', async () => {
  const dir = tempDir('pharos-full-');
  // PostgreSQL's new database (a copy of template1, some 8 MiB) must fit first
  const why = mountTmpfs(dir, ON_PG ? '24m' : '4m');
  assert.equal(why, null, `mounting a tmpfs on ${dir} (the test needs root): ${why}`);
  let s, again, tablespace;
  try {
    if (ON_PG) tablespace = tablespaceIn(dir);
    const t = cli(['token', 'create', '--name', 'e2e'], { dataDir: dir });
    assert.equal(t.code, 0, t.stderr);
    s = await startServer({ dataDir: dir });
    s.token = t.stdout.trim();
    // PostgreSQL's autovacuum writes each new table's free-space and visibility maps in
    // the tablespace when it gets to them, sooner or later: done now, before the space is
    // measured, it cannot eat the room left for the templates.
    if (ON_PG) dbSql(s, 'VACUUM ANALYZE;');
    // Leave about 600 KiB: some thirty templates of 20,000 characters fill it. The server
    // may still be writing as it starts (PostgreSQL's tablespace shares the tmpfs): a
    // ballast that no longer fits is measured again.
    const ballast = `${dir}/ballast`;
    for (let tries = 0; ; tries++) {
      try {
        writeFileSync(ballast, Buffer.alloc(Math.max(0, freeBytes(dir) - 600 * 1024)));
        break;
      } catch (err) {
        if (err.code !== 'ENOSPC' || tries === 5) throw err;
        rmSync(ballast, { force: true });
        await sleep(200);
      }
    }

    const acked = [], refused = [];
    let full = null;
    const noise = () => randomBytes(15000).toString('base64'); // 20,000 characters
    const template = (name) => api(s, 'POST', 'templates', { body: { kind: 'incident', name, title: name, message: `${name} ${noise()}`.slice(0, 20000) } });
    for (let i = 0; i < 200 && refused.length < 6; i++) {
      const name = `Fill ${i}`;
      const r = await template(name);
      if (r.status === 201) {
        acked.push(name);
      } else {
        assert.equal(r.status, 507, r.text);
        full ??= r;
        refused.push(name);
      }
    }
    assert.ok(full, 'the disk never filled');
    assert.ok(acked.length > 0, 'nothing fitted before the disk was full');
    assert.match(full.headers['content-type'], /application\/json/);
    assert.equal(full.json.error.code, 'storage_full', full.text);
    assert.match(full.json.error.message, /^storage is full: /);
    // Other writes are refused the same way; reads and the public page keep working.
    const svc = await api(s, 'POST', 'services', { body: { name: 'Refused service', description: noise().slice(0, 400) } });
    if (svc.status !== 201) assert.equal(svc.status, 507, svc.text);
    const list = await api(s, 'GET', 'templates?limit=500');
    assert.equal(list.status, 200, list.text);
    assert.deepEqual(list.json.templates.map((x) => x.name).sort(), [...acked].sort(), 'a 507 write left nothing behind');
    assert.equal((await api(s, 'GET', 'page')).status, 200);
    await new Promise((r) => setTimeout(r, 1500)); // a full second of background checkpoints
    const lines = s.log.match(FULL_LINE) || [];
    assert.ok(lines.length >= 1 && lines.length <= 2, `the log says "storage is full" once, not ${lines.length} times:\n${s.log.slice(-3000)}`);

    // Space comes back: writes work again without a restart, and everything acknowledged survives kill -9.
    rmSync(ballast);
    const after = await template('After');
    assert.equal(after.status, 201, after.text);
    acked.push('After');
    await s.kill9();
    s = null;
    again = await startServer({ dataDir: dir });
    again.token = t.stdout.trim();
    const names = (await api(again, 'GET', 'templates?limit=500')).json.templates.map((x) => x.name);
    assert.deepEqual(names.sort(), [...acked].sort());
    const services = (await api(again, 'GET', 'services')).json.services.map((x) => x.name);
    assert.deepEqual(services, svc.status === 201 ? ['Refused service'] : []);
    const { code } = await again.stop();
    again = null;
    assert.equal(code, 0);
  } finally {
    if (s) await s.kill9();
    if (again) await again.kill9();
    if (tablespace) {
      dropDb(dir);
      pgAdmin(`DROP TABLESPACE IF EXISTS ${tablespace}`);
    }
    umount(dir);
    rmSync(dir, { recursive: true, force: true });
  }
});
