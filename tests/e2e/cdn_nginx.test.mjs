// nginx as a caching proxy in front of pharos (issue 11, docs/deployment.md "Caching in
// front"): the two nginx blocks of that section, as written, on loopback ports of our
// own. Through nginx: a page is stored, then revalidated (pharos sees If-None-Match and
// answers 304); console, subscription and API answers are never stored; with pharos
// stopped the page is still served (stale); once pharos is back a change shows.
// nginx runs as our own process (daemon off) with its prefix, pid, logs, temp and cache
// directories in a temporary directory; as root its workers run as nobody.
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import net from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { gunzipSync } from 'node:zlib';
import { cli, tempDir, startServer, api, request } from './lib/harness.mjs';
import { stopClean } from './lib/admin.mjs';

const here = path.dirname(fileURLToPath(import.meta.url));
const NGINX = ['/usr/sbin/nginx', '/usr/bin/nginx'].find((p) => existsSync(p));
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

// The ```nginx blocks of the deployment guide's caching section: [http part, server part].
function docBlocks() {
  const md = readFileSync(path.join(here, '../../docs/deployment.md'), 'utf8');
  const at = md.indexOf('\n## Caching in front');
  assert.ok(at > 0, 'docs/deployment.md has a "Caching in front" section');
  const section = md.slice(at + 1, md.indexOf('\n## ', at + 1));
  const blocks = [...section.matchAll(/```nginx\n([\s\S]*?)```/g)].map((m) => m[1]);
  assert.equal(blocks.length, 2, 'the section has an http block and a server block');
  return blocks;
}

function freePort() {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => { const { port } = srv.address(); srv.close(() => resolve(port)); });
  });
}

function get(port, urlPath, headers = {}) {
  return new Promise((resolve, reject) => {
    const req = http.request({ host: '127.0.0.1', port, path: urlPath, headers, agent: false }, (res) => {
      const chunks = [];
      res.on('data', (c) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode, headers: res.headers, body: Buffer.concat(chunks) }));
    });
    req.on('error', reject);
    req.end();
  });
}

// Requests PATH through nginx until PRED(answer) holds, at most MS; returns every answer.
async function until(port, urlPath, pred, { ms = 4000, headers } = {}) {
  const seen = [];
  for (const end = Date.now() + ms; ;) {
    const r = await get(port, urlPath, headers);
    seen.push(r);
    if (pred(r)) return seen;
    if (Date.now() > end) assert.fail(`${urlPath}: never as expected; X-Cache was ${seen.map((a) => a.headers['x-cache']).join(', ')}`);
    await sleep(250);
  }
}

describe('nginx caching proxy in front of pharos (docs/deployment.md)', () => {
  let s; // pharos, the first run
  let s2; // pharos, started again on the same port
  let tmp;
  let nginx;
  let nport;
  let svc;
  const via = (p, headers) => get(nport, p, headers);
  // pharos's access log lines "GET PATH STATUS" (flushed every 250 ms).
  const logged = (srv, p, status) => srv.log.split('\n').filter((l) => l.includes(` GET ${p} ${status} `)).length;

  before(async () => {
    assert.ok(NGINX, 'nginx is missing: scripts/deps.sh test installs it (nginx-light)');
    const dataDir = tempDir();
    const t = cli(['token', 'create', '--name', 'e2e'], { dataDir });
    assert.equal(t.code, 0, t.stderr);
    s = await startServer({ dataDir });
    s.token = t.stdout.trim();
    svc = (await api(s, 'POST', 'services', { body: { name: 'Website' } })).json.service;

    tmp = tempDir('pharos-nginx-');
    chmodSync(tmp, 0o755); // as root, nginx's workers run as nobody and must reach the cache
    for (const d of ['logs', 'temp']) mkdirSync(path.join(tmp, d));
    const [httpPart, serverPart] = docBlocks();
    nport = await freePort();
    const conf = `daemon off;
worker_processes 1;
pid ${tmp}/nginx.pid;
error_log ${tmp}/logs/error.log info;
events { worker_connections 64; }
http {
  access_log ${tmp}/logs/access.log;
  client_body_temp_path ${tmp}/temp/body;
  proxy_temp_path ${tmp}/temp/proxy;
  fastcgi_temp_path ${tmp}/temp/fastcgi;
  uwsgi_temp_path ${tmp}/temp/uwsgi;
  scgi_temp_path ${tmp}/temp/scgi;
  upstream pharos { server 127.0.0.1:${s.port}; keepalive 8; }
${httpPart.replaceAll('/var/cache/nginx/pharos', `${tmp}/cache`)}
  server {
    listen 127.0.0.1:${nport};
    server_name status.test;
${serverPart}
    location @static { default_type text/plain; return 503 "static export\\n"; }
  }
}
`;
    writeFileSync(path.join(tmp, 'nginx.conf'), conf);
    let nlog = '';
    nginx = spawn(NGINX, ['-p', `${tmp}/`, '-c', `${tmp}/nginx.conf`, '-e', `${tmp}/logs/error.log`],
      { stdio: ['ignore', 'pipe', 'pipe'] });
    nginx.stderr.on('data', (d) => { nlog += d; });
    nginx.exited = new Promise((resolve) => nginx.on('exit', resolve));
    process.on('exit', () => { try { nginx.kill('SIGTERM'); } catch { /* gone */ } });
    for (let i = 0; ; i++) {
      try { await get(nport, '/healthz'); break; } catch (err) {
        if (i === 50 || nginx.exitCode !== null) {
          const elog = existsSync(`${tmp}/logs/error.log`) ? readFileSync(`${tmp}/logs/error.log`, 'utf8') : '';
          assert.fail(`nginx did not start: ${err.message}\n${nlog}\n${elog}`);
        }
        await sleep(100);
      }
    }
  });

  after(async () => {
    if (nginx && nginx.exitCode === null) { nginx.kill('SIGQUIT'); await nginx.exited; }
    if (s2) await stopClean(s2);
    if (s) await stopClean(s);
    if (tmp) rmSync(tmp, { recursive: true, force: true });
  });

  test('GET / is stored, then revalidated: pharos gets a conditional request and answers 304', async () => {
    const first = await via('/');
    assert.equal(first.status, 200);
    assert.equal(first.headers['x-cache'], 'MISS');
    assert.equal(first.headers['cache-control'], 'public, no-cache, stale-if-error=86400', 'passed through');
    assert.match(first.body.toString(), /data-overall-status="operational"/);
    const gz = await via('/', { 'Accept-Encoding': 'gzip' });
    assert.equal(gz.headers['content-encoding'], 'gzip');
    assert.ok(gunzipSync(gz.body).equals(first.body), 'the gzip variant is the same page');
    const before304 = logged(s, '/', 304);
    // Within the second it is kept nginx answers alone (HIT); then it asks pharos again.
    const seen = await until(nport, '/', (r) => r.headers['x-cache'] === 'REVALIDATED');
    for (const r of seen) {
      assert.equal(r.status, 200);
      assert.ok(['HIT', 'REVALIDATED'].includes(r.headers['x-cache']), r.headers['x-cache']);
      assert.ok(r.body.equals(first.body));
    }
    await until(nport, '/', (r) => r.headers['x-cache'] === 'REVALIDATED', { headers: { 'Accept-Encoding': 'gzip' } });
    for (let i = 0; i < 20 && logged(s, '/', 304) < before304 + 2; i++) await sleep(100);
    assert.ok(logged(s, '/', 304) >= before304 + 2, `pharos answered 304 to nginx:\n${s.log.slice(-2000)}`);
    // The JSON too, for the stale check below.
    assert.equal((await via('/api/v2/status.json')).status, 200);
  });

  test('console, subscription and error answers are never stored', async () => {
    const token = { 'Authorization-Token': s.token };
    for (const [p, headers] of [['/subscribe'], ['/admin/login'], ['/admin/api/v1/services', token], ['/nope']]) {
      const a = await via(p, headers);
      const b = await via(p, headers);
      assert.notEqual(a.headers['x-cache'], 'HIT', p);
      assert.notEqual(b.headers['x-cache'], 'HIT', `${p} was stored`);
    }
    assert.match((await via('/subscribe')).headers['cache-control'], /no-store/);
    assert.equal((await via('/admin/api/v1/services', token)).status, 200);
  });

  test('hashed static files are kept (immutable), plain names are not', async () => {
    const html = (await via('/')).body.toString();
    const css = /href="(\/static\/public\.[0-9a-f]{8}\.css)"/.exec(html)[1];
    await via(css);
    const again = await via(css);
    assert.equal(again.headers['x-cache'], 'HIT');
    assert.equal(again.headers['cache-control'], 'public, max-age=31536000, immutable');
    await via('/static/public.css');
    assert.notEqual((await via('/static/public.css')).headers['x-cache'], 'HIT');
  });

  test('pharos stopped: nginx still serves the page (stale); paths never cached fall to the export', async () => {
    const page = (await via('/')).body;
    const { code } = await s.stop();
    assert.equal(code, 0);
    const seen = await until(nport, '/', (r) => r.headers['x-cache'] === 'STALE');
    for (const r of seen) {
      assert.equal(r.status, 200);
      assert.ok(r.body.equals(page), 'the same page');
    }
    const gz = await until(nport, '/', (r) => r.headers['x-cache'] === 'STALE', { headers: { 'Accept-Encoding': 'gzip' } });
    assert.ok(gunzipSync(gz.at(-1).body).equals(page));
    const json = await until(nport, '/api/v2/status.json', (r) => r.headers['x-cache'] === 'STALE');
    assert.equal(JSON.parse(json.at(-1).body).status.indicator, 'none');
    const never = await via('/feed');
    assert.equal(never.status, 503);
    assert.equal(never.body.toString(), 'static export\n');
  });

  test('pharos back on its port: a change shows through nginx', async () => {
    s2 = await startServer({ dataDir: s.dataDir, args: ['--listen', `127.0.0.1:${s.port}`] });
    s2.token = s.token;
    assert.equal(s2.port, s.port);
    const r = await api(s2, 'PUT', `service/put/${svc.id}/major_outage/`);
    assert.equal(r.status, 200, r.text);
    const t0 = Date.now();
    const seen = await until(nport, '/', (a) => /data-overall-status="major_outage"/.test(a.body.toString()));
    assert.ok(Date.now() - t0 < 3000, `shown after ${Date.now() - t0} ms`);
    assert.ok(['EXPIRED', 'MISS'].includes(seen.at(-1).headers['x-cache']), seen.at(-1).headers['x-cache']);
    assert.equal((await request(s2, 'GET', '/')).status, 200);
  });
});
