// The server's basic contract: health, request ids, security headers, 404/405, shutdown.
import { test, before, after } from 'node:test';
import net from 'node:net';
import assert from 'node:assert/strict';
import { hostname } from 'node:os';
import { spawn } from 'node:child_process';
import { startServer, startWithToken, request, api, cli, tempDir, pgName, BACKEND, ON_PG } from './lib/harness.mjs';

let server;
before(async () => { server = await startServer(); });
after(async () => { await server.stop(); server.cleanup(); });

test('GET /healthz answers ok, with the backend and the node (HOSTNAME:PORT by default)', async () => {
  const r = await request(server, 'GET', '/healthz');
  assert.equal(r.status, 200);
  assert.deepEqual(r.json, { status: 'ok', database: BACKEND, node: `${hostname()}:${server.port}` });
  const named = await startServer({ env: { PHAROS_SERVER_NODE_ID: 'node-a' } });
  try {
    assert.equal((await request(named, 'GET', '/healthz')).json.node, 'node-a');
  } finally {
    await named.stop();
    named.cleanup();
  }
});

test('every response carries a request id and security headers', async () => {
  const r = await request(server, 'GET', '/healthz');
  assert.match(r.headers['x-request-id'], /^[0-9a-f]+-[0-9a-f]+$/);
  assert.equal(r.headers['x-content-type-options'], 'nosniff');
  assert.equal(r.headers['x-frame-options'], 'DENY');
  assert.ok(r.headers['content-security-policy'].includes("default-src 'self'"));
});

test('unknown paths answer 404 and wrong methods 405 with Allow', async () => {
  const a = await request(server, 'GET', '/admin/api/v1/nope');
  assert.equal(a.status, 404);
  assert.equal(a.json.error.code, 'not_found');
  const b = await request(server, 'DELETE', '/healthz', { headers: { Accept: 'application/json' } });
  assert.equal(b.status, 405);
  assert.match(b.headers.allow, /GET/);
  assert.equal(b.json.error.code, 'method_not_allowed');
  // Outside the APIs, people get an HTML page.
  const c = await request(server, 'GET', '/no/such/page');
  assert.equal(c.status, 404);
  assert.match(c.headers['content-type'], /^text\/html/);
});

test('SIGTERM shuts the server down cleanly', async () => {
  const s = await startServer();
  const { code } = await s.stop();
  assert.equal(code, 0);
  assert.match(s.log, /shutting down/);
  s.cleanup();
});

test('GET /metrics serves Prometheus text to loopback clients', async () => {
  await request(server, 'GET', '/healthz');
  const r = await request(server, 'GET', '/metrics');
  assert.equal(r.status, 200);
  assert.match(r.headers['content-type'], /^text\/plain; version=0\.0\.4/);
  assert.match(r.text, /# TYPE pharos_http_requests_total counter/);
  assert.match(r.text, /pharos_http_requests_total\{code="2xx"\} [1-9]\d*/);
  assert.match(r.text, /pharos_http_request_duration_seconds_bucket\{le="\+Inf"\} [1-9]/);
});

test('static assets are served from the binary with an ETag and 304', async () => {
  const r = await request(server, 'GET', '/static/favicon.svg');
  assert.equal(r.status, 200);
  assert.equal(r.headers['content-type'], 'image/svg+xml');
  assert.match(r.text, /^<svg /);
  const etag = r.headers.etag;
  assert.match(etag, /^"[0-9a-f]{32}"$/);
  const again = await request(server, 'GET', '/static/favicon.svg', { headers: { 'If-None-Match': etag } });
  assert.equal(again.status, 304);
  assert.equal(again.text, '');
  for (const p of ['/static/nope.css', '/static/../src/main.c', '/static/%2e%2e/Makefile'])
    assert.equal((await request(server, 'GET', p)).status, 404, p);
});

test('a second server on the same address refuses to start instead of sharing it', async () => {
  const r = cli(['serve', '--listen', `127.0.0.1:${server.port}`], { dataDir: tempDir() });
  assert.equal(r.code, 1);
  assert.match(r.stderr, new RegExp(`cannot listen on 127\\.0\\.0\\.1:${server.port}: Address already in use`));
  assert.equal((await request(server, 'GET', '/healthz')).status, 200);
});

test('connections are spread over the worker threads', async () => {
  // Request ids start with the worker index: 40 fresh connections reach both workers.
  const seen = new Set();
  await Promise.all(Array.from({ length: 40 }, async () => {
    const r = await request(server, 'GET', '/healthz');
    seen.add(r.headers['x-request-id'].split('-')[0]);
  }));
  assert.deepEqual([...seen].sort(), ['0', '1']);
});

test('open connections stay even across the workers (pharos_http_connections)', async () => {
  // The kernel spreads connections at random; a worker with more than another hands
  // new ones over, so 40 kept-alive connections end up 20/20 (±2: two workers accepting
  // at once may both hand one to the same). A server of its own: connections left by
  // other tests would close meanwhile and skew it.
  const server = await startServer();
  const socks = await Promise.all(Array.from({ length: 40 }, () => new Promise((resolve, reject) => {
    const sock = net.connect(server.port, '127.0.0.1', () =>
      sock.write('GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n'));
    sock.once('data', () => resolve(sock));
    sock.once('error', reject);
  })));
  try {
    await new Promise((r) => setTimeout(r, 1500)); // the gauges are set once a second
    const r = await request(server, 'GET', '/metrics');
    const counts = [...r.text.matchAll(/^pharos_http_connections\{worker="(\d+)"\} (\d+)$/gm)]
      .map((m) => Number(m[2]));
    assert.equal(counts.length, 2, r.text);
    assert.ok(counts[0] + counts[1] >= 40, `all 40 are counted: ${counts}`);
    assert.ok(Math.abs(counts[0] - counts[1]) <= 2, `even: ${counts}`);
  } finally {
    for (const s of socks) s.destroy();
    await server.stop();
    server.cleanup();
  }
});

test('connections opened one after another are dealt evenly: 8 on 4 workers, 2 each', async () => {
  // bench/10's c=8 run on PostgreSQL: handing a new connection over only to a worker
  // with two fewer left them 3/2/2/1, and the requests queued behind the 3 set the p99.
  const server = await startServer({ threads: 4 });
  const socks = [];
  try {
    for (let i = 0; i < 8; i++) {
      socks.push(await new Promise((resolve, reject) => {
        const sock = net.connect(server.port, '127.0.0.1', () =>
          sock.write('GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n'));
        sock.once('data', () => resolve(sock));
        sock.once('error', reject);
      }));
    }
    await new Promise((r) => setTimeout(r, 1500)); // the gauges are set once a second
    const r = await request(server, 'GET', '/metrics');
    const counts = [...r.text.matchAll(/^pharos_http_connections\{worker="(\d+)"\} (\d+)$/gm)]
      .map((m) => Number(m[2]));
    assert.deepEqual(counts, [2, 2, 2, 2], r.text);
  } finally {
    for (const s of socks) s.destroy();
    await server.stop();
    server.cleanup();
  }
});

// Holds a row lock on the PostgreSQL database of server S from another session until
// release() (psql reads its input as it comes).
async function lockRow(s, sql) {
  const p = spawn('psql', ['-X', '-q', '-v', 'ON_ERROR_STOP=1', '-d', pgName(s.dataDir), '-f', '-'], { stdio: ['pipe', 'pipe', 'pipe'] });
  let out = '';
  p.stdout.on('data', (d) => { out += d; });
  p.stderr.on('data', (d) => { out += d; });
  const exited = new Promise((resolve) => p.on('exit', resolve));
  p.stdin.write(`BEGIN;\n${sql};\n\\echo locked\n`);
  for (let i = 0; i < 100 && !/locked/.test(out); i++) await new Promise((r) => setTimeout(r, 50));
  assert.match(out, /locked/, out);
  return { release: async () => { p.stdin.end('COMMIT;\n'); await exited; } };
}

test('a write waiting on the database holds up no other request of its worker (PostgreSQL)',
  { skip: ON_PG ? false : 'SQLite writes are not offloaded: its round trips are calls' }, async () => {
    // One HTTP worker: before writes went to the offload threads (http/defer.h), the worker
    // waited with the write for the database, and every other connection waited with it.
    const s = await startWithToken({ threads: 1 });
    const lock = { release: async () => {} };
    try {
      const a = (await api(s, 'POST', 'services', { body: { name: 'Locked' } })).json.service;
      const b = (await api(s, 'POST', 'services', { body: { name: 'Free' } })).json.service;
      await request(s, 'GET', '/api/v2/components.json'); // the page is read: changes rebuild it
      Object.assign(lock, await lockRow(s, `SELECT id FROM services WHERE id = ${a.id} FOR UPDATE`));
      let answered = null;
      const put = api(s, 'PUT', `service/put/${a.id}/major/`).then((r) => { answered = r; return r; });
      await new Promise((r) => setTimeout(r, 300));
      assert.equal(answered, null, 'the write waits for the row lock');
      // meanwhile the worker serves a page, an API read and another write
      const meanwhile = (async () => {
        assert.equal((await request(s, 'GET', '/api/v2/status.json')).status, 200);
        assert.equal((await api(s, 'GET', `services/${b.id}`)).status, 200);
        const other = await api(s, 'PUT', `service/put/${b.id}/degraded/`);
        assert.equal(other.status, 200, other.text);
      })();
      let timer;
      await Promise.race([meanwhile, new Promise((_, reject) => {
        timer = setTimeout(() => reject(new Error('the other requests waited for the locked write')), 3000);
      })]).finally(() => clearTimeout(timer));
      assert.equal(answered, null, 'the first write still waits');
      await lock.release();
      const r = await put;
      assert.equal(r.status, 200, r.text);
      // answered once the public page shows it (the hold goes with the deferred answer)
      const comps = (await request(s, 'GET', '/api/v2/components.json')).json.components;
      assert.equal(comps.find((c) => c.name === 'Locked').status, 'major_outage');
      assert.equal(comps.find((c) => c.name === 'Free').status, 'degraded_performance');
    } finally {
      await lock.release();
      await s.stop();
      s.cleanup();
    }
  });
