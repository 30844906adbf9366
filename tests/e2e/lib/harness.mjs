// Shared helpers for the end-to-end suites: run the real pharos binary on a free
// loopback port with a temporary data directory, call its CLI and its HTTP API, and
// read its database.
// The binary is $PHAROS_BIN (make e2e sets it to the ASan build) or build/pharos.
//
// The backend: SQLite in the data directory, or, when PHAROS_E2E_BACKEND=postgresql
// (`make e2e` runs every suite a second time so, under scripts/pg-cluster.sh), a
// PostgreSQL database of its own for each data directory, made on first use on the
// cluster libpq's environment names and passed as PHAROS_STORAGE_DATABASE to every
// command and server of that directory (a test's own env or flags still win).
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import http from 'node:http';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
export const BIN = process.env.PHAROS_BIN || path.join(root, 'build/pharos');

// Every server started by this test file. A started server does not keep the test
// process alive (it is unref'd while idle, and ref'd again while we wait on it), and
// whatever is still running when the process exits is killed: a failed assertion that
// skips a stop() can never leave a server running or hang the run.
const live = new Set();
process.on('exit', () => { for (const p of live) { try { p.kill('SIGKILL'); } catch { /* gone */ } } });
function hold(proc, on) {
  for (const h of [proc, proc.stdout, proc.stderr]) (on ? h.ref : h.unref)?.call(h);
}

export function tempDir(prefix = 'pharos-e2e-') {
  return mkdtempSync(path.join(tmpdir(), prefix));
}

export const BACKEND = process.env.PHAROS_E2E_BACKEND === 'postgresql' ? 'postgresql' : 'sqlite';
export const ON_PG = BACKEND === 'postgresql';

// psql on the test cluster (libpq's environment): {code, stdout, stderr}.
function psql(args, input) {
  return spawnSync('psql', ['-X', '-v', 'ON_ERROR_STOP=1', ...args], { input, encoding: 'utf8', timeout: 30000 });
}

// What the suites' own SQL (dbSql) needs on PostgreSQL and SQLite has built in, in a
// schema of its own that only dbSql's sessions search (pharos never sees it):
// GROUP_CONCAT, and resync() — an id the SQL inserted itself moves the identity on,
// as SQLite's AUTOINCREMENT does, so the server's next insert does not take it.
const SHIM = `CREATE SCHEMA e2e_shim;
CREATE FUNCTION e2e_shim.gc(acc text, v anyelement, sep text) RETURNS text LANGUAGE sql IMMUTABLE AS
  $$ SELECT CASE WHEN v IS NULL THEN acc WHEN acc IS NULL THEN v::text ELSE acc || sep || v::text END $$;
CREATE FUNCTION e2e_shim.gc(acc text, v anyelement) RETURNS text LANGUAGE sql IMMUTABLE AS
  $$ SELECT e2e_shim.gc(acc, v, ',') $$;
CREATE AGGREGATE e2e_shim.group_concat(anyelement, text) (SFUNC = e2e_shim.gc, STYPE = text);
CREATE AGGREGATE e2e_shim.group_concat(anyelement) (SFUNC = e2e_shim.gc, STYPE = text);
CREATE FUNCTION e2e_shim.resync() RETURNS void LANGUAGE plpgsql AS $$
DECLARE t record; m bigint;
BEGIN
  FOR t IN SELECT table_name FROM information_schema.columns
           WHERE table_schema = 'public' AND column_name = 'id' AND is_identity = 'YES' LOOP
    EXECUTE format('SELECT MAX(id) FROM %I', t.table_name) INTO m;
    IF m IS NOT NULL THEN
      PERFORM setval(pg_get_serial_sequence(t.table_name, 'id'), m);
    END IF;
  END LOOP;
END $$;`;

const made = new Set();
// The PostgreSQL database of DATADIR (made on first use, in TABLESPACE when given), or
// null on SQLite.
export function pgName(dataDir, { tablespace } = {}) {
  if (!ON_PG || !dataDir) return null;
  const name = 'e2e_' + path.basename(dataDir).replace(/[^A-Za-z0-9]/g, '_').toLowerCase();
  if (!made.has(name)) {
    const r = psql(['-d', 'postgres', '-qc', `CREATE DATABASE ${name}${tablespace ? ` TABLESPACE ${tablespace}` : ''}`]);
    if (r.status === 0) {
      const sh = psql(['-d', name, '-q', '-f', '-'], SHIM);
      if (sh.status !== 0) throw new Error(`e2e shim in ${name}: ${sh.stderr}`);
    } else if (!/already exists/.test(r.stderr)) {
      throw new Error(`createdb ${name}: ${r.stderr}`);
    }
    made.add(name);
  }
  return name;
}

// Runs SQL on the cluster's maintenance database (CREATE TABLESPACE …); throws on an error.
export function pgAdmin(sql) {
  const r = psql(['-d', 'postgres', '-qc', sql]);
  if (r.status !== 0) throw new Error(`psql: ${sql}: ${r.stderr}`);
}

// The environment that points pharos at DATADIR's database (nothing on SQLite).
export function dbEnv(dataDir) {
  const name = pgName(dataDir);
  return name ? { PHAROS_STORAGE_DATABASE: `postgresql:///${name}` } : {};
}

// Drops DATADIR's PostgreSQL database (nothing on SQLite).
export function dropDb(dataDir) {
  const name = ON_PG && dataDir ? pgName(dataDir) : null;
  if (name) psql(['-d', 'postgres', '-qc', `DROP DATABASE IF EXISTS ${name} WITH (FORCE)`]);
}

// Runs SQL on the database of server S (or {dataDir}): sqlite3, or psql on PostgreSQL,
// both printing rows as lines of columns joined by "|" (select flags as integers, not
// as comparisons: psql prints booleans t/f). ".dump" dumps the whole database
// (pg_dump). Returns the output; throws on an error.
export function dbSql(s, sql) {
  let r;
  if (ON_PG && sql === '.dump') {
    r = spawnSync('pg_dump', ['-d', pgName(s.dataDir)], { encoding: 'utf8', timeout: 30000 });
  } else if (ON_PG) {
    const run = (text) => spawnSync('psql', ['-X', '-q', '-v', 'ON_ERROR_STOP=1', '-d', pgName(s.dataDir), '-At', '-F', '|', '-f', '-'],
      { input: `SET search_path TO public, e2e_shim;\n${text}`, encoding: 'utf8', timeout: 30000 });
    r = run(sql);
    if (r.status === 0 && /\binsert\b/i.test(sql)) {
      const x = run('SELECT e2e_shim.resync();');
      if (x.status !== 0) r = x;
    }
  } else {
    // The server may be committing: wait for its write lock rather than fail at once.
    r = spawnSync('sqlite3', ['-cmd', '.timeout 5000', path.join(s.dataDir, 'pharos.db'), sql], { encoding: 'utf8' });
  }
  if (r.status !== 0) throw new Error(`${ON_PG ? 'psql' : 'sqlite3'} failed: ${r.stderr}`);
  return r.stdout;
}

// Runs `pharos ARGS…` synchronously; returns {code, stdout, stderr}.
export function cli(args, { dataDir, input = '', env = {} } = {}) {
  const full = dataDir ? [...args, '--data', dataDir] : args;
  const r = spawnSync(BIN, full, { input, env: { ...process.env, ...dbEnv(dataDir), ...env }, encoding: 'utf8', timeout: 30000 });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

// Starts `pharos serve` on 127.0.0.1 with a free port. Resolves once it listens.
// NOFILE: run it under `ulimit -n NOFILE` (through sh, which execs it: same pid).
export async function startServer({ dataDir = tempDir(), env = {}, args = [], threads = 2, nofile } = {}) {
  const argv = ['serve', '--data', dataDir, '--listen', '127.0.0.1:0', ...args];
  const [cmd, cmdArgs] = nofile
    ? ['/bin/sh', ['-c', `ulimit -n ${Number(nofile)} && exec "$0" "$@"`, BIN, ...argv]]
    : [BIN, argv];
  const proc = spawn(cmd, cmdArgs, {
    // e-mail is not coalesced (notify.coalesce_s, default 30) unless a suite asks: the
    // suites time and count one message per update (storm.test.mjs tests coalescing)
    env: { ...process.env, PHAROS_SERVER_THREADS: String(threads), PHAROS_NOTIFY_COALESCE_S: '0', ...dbEnv(dataDir), ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let log = '';
  const port = await new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('pharos did not start:\n' + log)), 15000);
    proc.stderr.on('data', (d) => {
      log += d;
      const m = /listening on [^ ]+:(\d+)/.exec(log);
      if (m) { clearTimeout(timer); resolve(Number(m[1])); }
    });
    proc.on('exit', (code) => { clearTimeout(timer); reject(new Error(`pharos exited ${code}:\n${log}`)); });
  });
  proc.stdout.resume();
  live.add(proc);
  hold(proc, false);
  const exited = new Promise((resolve) => proc.on('exit', (code, signal) => { live.delete(proc); resolve({ code, signal }); }));
  const server = {
    proc, port, dataDir, url: `http://127.0.0.1:${port}`,
    get log() { return log; },
    exited,
    // Graceful stop (SIGTERM); resolves with the exit status.
    async stop() {
      hold(proc, true);
      if (proc.exitCode === null && proc.signalCode === null) proc.kill('SIGTERM');
      return exited;
    },
    // Crash stop (SIGKILL).
    async kill9() { hold(proc, true); proc.kill('SIGKILL'); return exited; },
    cleanup() { dropDb(dataDir); rmSync(dataDir, { recursive: true, force: true }); },
  };
  return server;
}

// Starts a server with a fresh data dir and an API token of the default page.
export async function startWithToken(opts = {}) {
  const dataDir = opts.dataDir || tempDir();
  const t = cli(['token', 'create', '--name', 'e2e'], { dataDir });
  if (t.code !== 0) throw new Error('token create failed: ' + t.stderr);
  const server = await startServer({ ...opts, dataDir });
  server.token = t.stdout.trim();
  return server;
}

// One HTTP request. BODY: an object (sent as JSON), a string or Buffer (sent as is).
// Returns {status, headers, text, json}.
export function request(server, method, urlPath, { token, body, headers = {}, host, raw = false } = {}) {
  return new Promise((resolve, reject) => {
    const h = { ...headers };
    let payload;
    if (body !== undefined) {
      if (typeof body === 'string' || Buffer.isBuffer(body)) payload = body;
      else { payload = JSON.stringify(body); h['Content-Type'] ??= 'application/json'; }
      h['Content-Length'] = Buffer.byteLength(payload);
    }
    if (token) h['Authorization-Token'] = token;
    if (host) h['Host'] = host;
    const req = http.request({ host: '127.0.0.1', port: server.port, method, path: urlPath, headers: h, agent: false }, (res) => {
      const chunks = [];
      res.on('data', (c) => chunks.push(c));
      res.on('end', () => {
        const buf = Buffer.concat(chunks);
        const text = buf.toString('utf8');
        let json;
        try { json = JSON.parse(text); } catch { json = undefined; }
        resolve({ status: res.statusCode, headers: res.headers, text, json, body: raw ? buf : undefined });
      });
    });
    req.on('error', reject);
    if (payload !== undefined) req.write(payload);
    req.end();
  });
}

// Shorthand for the admin API: api(server, 'POST', 'services', {body}) → /admin/api/v1/services.
export function api(server, method, route, opts = {}) {
  return request(server, method, '/admin/api/v1/' + route, { token: server.token, ...opts });
}
