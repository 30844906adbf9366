// Compression and caching (SPEC §6, issue 11): static assets and console HTML in gzip
// when accepted (the same bytes once decompressed, Vary: Accept-Encoding), static assets
// under content-hashed URLs that every page links (immutable for a year), an old hash
// and the plain name still answered, and the Cache-Control of every public route.
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { gunzipSync } from 'node:zlib';
import { cli, tempDir, startServer, request, api } from './lib/harness.mjs';
import { stopClean } from './lib/admin.mjs';
import { Console } from './admin_console.mjs';

const PUBLIC_CC = 'public, no-cache, stale-if-error=86400';
const IMMUTABLE = 'public, max-age=31536000, immutable';
const ASSETS = ['public.css', 'public.js', 'admin.css', 'admin.js', 'subscribe.css', 'favicon.svg'];
const HASHED = /(?:^|\/)static\/([a-z_-]+)\.([0-9a-f]{8})\.([a-z0-9]+)$/;
const OWNER = { email: 'owner@example.com', password: 'correct horse 1' };

// The /static/ URLs an HTML page links (href and src).
const staticLinks = (html) => [...html.matchAll(/(?:href|src)="([^"]*static\/[^"]+)"/g)].map((m) => m[1]);

describe('compression and caching', () => {
  let s;
  const ids = {};
  const get = (p, opts = {}) => request(s, 'GET', p, opts);

  before(async () => {
    const dataDir = tempDir();
    const t = cli(['token', 'create', '--name', 'e2e'], { dataDir });
    assert.equal(t.code, 0, t.stderr);
    const u = cli(['user', 'add', '--email', OWNER.email, '--role', 'owner'], { dataDir, input: OWNER.password + '\n' });
    assert.equal(u.code, 0, u.stderr);
    s = await startServer({ dataDir });
    s.token = t.stdout.trim();
    const svc = (await api(s, 'POST', 'services', { body: { name: 'Website' } })).json.service;
    ids.inc = (await api(s, 'POST', 'incidents', { body: { title: 'Slow pages', message: 'Looking.',
      services: [{ id: svc.id, status: 'degraded_performance' }] } })).json.incident.id;
    const start = new Date(Date.now() + 86400e3).toISOString().replace(/\.\d+Z/, 'Z');
    const end = new Date(Date.now() + 90000e3).toISOString().replace(/\.\d+Z/, 'Z');
    ids.mnt = (await api(s, 'POST', 'maintenance', { body: { title: 'DB upgrade', message: 'Soon.',
      scheduled_start: start, scheduled_end: end, services: [svc.id] } })).json.maintenance.id;
  });
  after(async () => { await stopClean(s); });

  test('static assets: gzip when accepted, the same bytes, Vary; identity otherwise', async () => {
    for (const name of ASSETS) {
      const plain = await get(`/static/${name}`, { raw: true });
      assert.equal(plain.status, 200, name);
      assert.equal(plain.headers['content-encoding'], undefined, name);
      const gz = await get(`/static/${name}`, { raw: true, headers: { 'Accept-Encoding': 'gzip, deflate, br' } });
      assert.equal(gz.status, 200, name);
      assert.equal(gz.headers['content-encoding'], 'gzip', name);
      assert.match(gz.headers.vary || '', /Accept-Encoding/, name);
      assert.match(plain.headers.vary || '', /Accept-Encoding/, `${name}: Vary on the identity answer too`);
      assert.equal(gz.headers['content-type'], plain.headers['content-type'], name);
      assert.ok(gunzipSync(gz.body).equals(plain.body), `${name}: gzip decompresses to the same bytes`);
      assert.ok(gz.body.length < plain.body.length, `${name}: ${gz.body.length} < ${plain.body.length}`);
      assert.notEqual(gz.headers.etag, plain.headers.etag, `${name}: each encoding its own ETag`);
      const again = await get(`/static/${name}`, { headers: { 'Accept-Encoding': 'gzip', 'If-None-Match': gz.headers.etag } });
      assert.equal(again.status, 304, name);
      const refused = await get(`/static/${name}`, { raw: true, headers: { 'Accept-Encoding': 'gzip;q=0' } });
      assert.equal(refused.headers['content-encoding'], undefined, name);
      const head = await request(s, 'HEAD', `/static/${name}`, { raw: true, headers: { 'Accept-Encoding': 'gzip' } });
      assert.equal(Number(head.headers['content-length']), gz.body.length, `${name}: HEAD`);
      assert.equal(head.body.length, 0);
    }
    const css = await get('/static/public.css', { raw: true, headers: { 'Accept-Encoding': 'gzip' } });
    assert.ok(css.body.length < 13000 / 3, `public.css compresses well: ${css.body.length} bytes`);
  });

  test('the OpenAPI document goes in gzip too (compressed at build time)', async () => {
    const p = '/admin/api/v1/openapi.json';
    const plain = await get(p, { raw: true });
    const gz = await get(p, { raw: true, headers: { 'Accept-Encoding': 'gzip' } });
    assert.equal(gz.headers['content-encoding'], 'gzip');
    assert.match(gz.headers.vary || '', /Accept-Encoding/);
    assert.ok(gunzipSync(gz.body).equals(plain.body));
    assert.ok(gz.body.length < plain.body.length / 5, `${gz.body.length} of ${plain.body.length}`);
    assert.notEqual(gz.headers.etag, plain.headers.etag);
    assert.equal((await get(p, { headers: { 'Accept-Encoding': 'gzip', 'If-None-Match': gz.headers.etag } })).status, 304);
  });

  test('every page links content-hashed static URLs; they are immutable for a year', async () => {
    const c = new Console(s);
    assert.equal((await c.login(OWNER.email, OWNER.password)).status, 303);
    const pages = {
      '/': await get('/'),
      '/history': await get('/history'),
      [`/incidents/${ids.inc}`]: await get(`/incidents/${ids.inc}`),
      [`/maintenance/${ids.mnt}`]: await get(`/maintenance/${ids.mnt}`),
      '/subscribe': await get('/subscribe'),
      '/no-such-page (404 in the public layout)': await get('/no-such-page'),
      '/admin/login': await request(s, 'GET', '/admin/login'),
      '/admin': await c.get('/admin'),
      '/admin/services': await c.get('/admin/services'),
    };
    const seen = new Set();
    for (const [p, r] of Object.entries(pages)) {
      // the page's own brand stylesheet has its own rules: branding.test.mjs
      const links = staticLinks(r.text).filter((l) => !/\/static\/brand\.[0-9a-f]{16}\.css$/.test(l));
      assert.ok(links.length >= 1, `${p} links static assets`);
      for (const l of links) {
        assert.match(l, HASHED, `${p}: ${l} is content-hashed`);
        seen.add(l);
      }
    }
    for (const want of ['public.css', 'public.js', 'admin.css', 'admin.js', 'subscribe.css', 'favicon.svg']) {
      const [stem, ext] = want.split('.');
      assert.ok([...seen].some((l) => l.endsWith(`/${stem}.${l.match(HASHED)[2]}.${ext}`)), `some page links ${want}`);
    }
    for (const l of seen) {
      const [, stem, hash, ext] = l.match(HASHED);
      const r = await get(l, { raw: true });
      assert.equal(r.status, 200, l);
      assert.equal(r.headers['cache-control'], IMMUTABLE, l);
      const plain = await get(`/static/${stem}.${ext}`, { raw: true });
      assert.ok(r.body.equals(plain.body), `${l} is ${stem}.${ext}`);
      assert.equal(r.headers['content-type'], plain.headers['content-type']);
      // The hash is the content's: the first 8 hex digits of its strong ETag (BLAKE2b).
      assert.equal(plain.headers.etag.slice(1, 9), hash, l);
      const gz = await get(l, { raw: true, headers: { 'Accept-Encoding': 'gzip' } });
      assert.equal(gz.headers['content-encoding'], 'gzip', l);
      assert.equal(gz.headers['cache-control'], IMMUTABLE, l);
      assert.ok(gunzipSync(gz.body).equals(plain.body), l);
    }
    // Different files, different hashes; the same file, the same link on every page.
    const hashes = [...seen].map((l) => l.match(HASHED)[2]);
    assert.equal(new Set(hashes).size, new Set([...seen].map((l) => l.replace(/^.*\/static\//, ''))).size);
  });

  test('an old hash and the plain name still answer, with the current bytes, revalidated', async () => {
    const current = (await get('/static/public.css', { raw: true })).body;
    for (const p of ['/static/public.00000000.css', '/static/public.css']) {
      const r = await get(p, { raw: true });
      assert.equal(r.status, 200, p);
      assert.ok(r.body.equals(current), p);
      assert.equal(r.headers['cache-control'], 'public, no-cache', p);
      assert.match(r.headers['content-type'], /^text\/css/);
      const again = await get(p, { headers: { 'If-None-Match': r.headers.etag } });
      assert.equal(again.status, 304, p);
      const gz = await get(p, { raw: true, headers: { 'Accept-Encoding': 'gzip' } });
      assert.ok(gunzipSync(gz.body).equals(current), p);
    }
    for (const p of ['/static/public.0000000.css', '/static/public.0000000g.css', '/static/publik.00000000.css',
      '/static/nope.00000000.css', '/static/public.00000000', '/static/.00000000.css'])
      assert.equal((await get(p)).status, 404, p);
  });

  test('Cache-Control: public routes revalidate and may be served stale; token and console pages are never stored', async () => {
    const routes = ['/', '/history', '/history?page=1', `/incidents/${ids.inc}`, `/maintenance/${ids.mnt}`, '/feed',
      '/feed.atom', '/badge.svg', '/brand.css', '/api/v2/summary.json', '/api/v2/status.json', '/api/v2/components.json',
      '/api/v2/incidents.json', '/api/v2/incidents/unresolved.json', '/api/v2/scheduled-maintenances.json',
      '/api/v2/scheduled-maintenances/upcoming.json', '/api/v2/scheduled-maintenances/active.json'];
    for (const p of routes) {
      const r = await get(p);
      assert.equal(r.status, 200, p);
      assert.equal(r.headers['cache-control'], PUBLIC_CC, p);
      assert.ok(r.headers.etag, p);
      const nm = await get(p, { headers: { 'If-None-Match': r.headers.etag } });
      assert.equal(nm.status, 304, p);
      assert.equal(nm.headers['cache-control'], PUBLIC_CC, `${p}: 304`);
    }
    assert.equal((await get('/subscribe')).headers['cache-control'], 'no-store');
    assert.equal((await request(s, 'GET', '/admin/login')).headers['cache-control'], 'no-store');
    const c = new Console(s);
    await c.login(OWNER.email, OWNER.password);
    assert.equal((await c.get('/admin')).headers['cache-control'], 'no-store');
  });

  test('console and subscription HTML: gzip when accepted, the same page, Vary', async () => {
    const c = new Console(s);
    assert.equal((await c.login(OWNER.email, OWNER.password)).status, 303);
    for (const p of ['/admin', '/admin/services', `/admin/incidents/${ids.inc}`]) {
      const plain = await request(s, 'GET', p, { raw: true, headers: { Cookie: c.cookie } });
      assert.equal(plain.status, 200, p);
      assert.ok(plain.body.length > 1024, `${p} is over 1 KB`);
      assert.equal(plain.headers['content-encoding'], undefined, p);
      assert.match(plain.headers.vary || '', /Accept-Encoding/, p);
      const gz = await request(s, 'GET', p, { raw: true, headers: { Cookie: c.cookie, 'Accept-Encoding': 'gzip' } });
      assert.equal(gz.status, 200, p);
      assert.equal(gz.headers['content-encoding'], 'gzip', p);
      assert.match(gz.headers.vary || '', /Accept-Encoding/, p);
      assert.equal(gz.headers['cache-control'], 'no-store', p);
      assert.equal(Number(gz.headers['content-length']), gz.body.length, p);
      assert.ok(gz.body.length < plain.body.length / 2, `${p}: ${gz.body.length} of ${plain.body.length}`);
      assert.equal(gunzipSync(gz.body).toString('utf8'), plain.body.toString('utf8'), `${p}: the same page`);
    }
    // The door pages (no session) too; a redirect has no body to compress.
    const door = await request(s, 'GET', '/admin/login', { raw: true });
    const login = await request(s, 'GET', '/admin/login', { raw: true, headers: { 'Accept-Encoding': 'gzip' } });
    assert.equal(login.status, 200);
    assert.equal(login.headers['content-encoding'], door.body.length >= 1024 ? 'gzip' : undefined, `${door.body.length} bytes`);
    assert.match((login.headers['content-encoding'] ? gunzipSync(login.body) : login.body).toString('utf8'), /name="password"/);
    // The subscription pages are made per request too (each with its own csrf_token).
    const noToken = (b) => b.toString('utf8').replace(/name="csrf_token" value="[^"]+"/, '');
    const sub = await request(s, 'GET', '/subscribe', { raw: true });
    const subGz = await request(s, 'GET', '/subscribe', { raw: true, headers: { 'Accept-Encoding': 'gzip' } });
    assert.equal(subGz.headers['content-encoding'], 'gzip');
    assert.match(subGz.headers.vary || '', /Accept-Encoding/);
    assert.equal(subGz.headers['cache-control'], 'no-store');
    assert.equal(noToken(gunzipSync(subGz.body)), noToken(sub.body));
    const out = await request(s, 'GET', '/admin', { raw: true, headers: { 'Accept-Encoding': 'gzip' } });
    assert.equal(out.status, 303);
    assert.equal(out.headers['content-encoding'], undefined);
  });

  test('pharos export links the hashed files and writes them, and the plain names', async () => {
    const out = mkdtempSync(path.join(tmpdir(), 'pharos-export-'));
    try {
      const r = cli(['export', '--out', out], { dataDir: s.dataDir });
      assert.equal(r.code, 0, r.stderr);
      const files = readdirSync(path.join(out, 'static'));
      for (const name of ASSETS) assert.ok(files.includes(name), `static/${name}`);
      for (const page of ['index.html', `incidents/${ids.inc}/index.html`, 'history/1/index.html']) {
        const html = readFileSync(path.join(out, page), 'utf8');
        const links = staticLinks(html);
        assert.ok(links.length >= 3, page);
        for (const l of links) {
          assert.ok(!l.startsWith('/'), `${page}: relative ${l}`);
          assert.match(l, HASHED, `${page}: ${l}`);
          const [, stem, , ext] = l.match(HASHED);
          const file = path.resolve(path.dirname(path.join(out, page)), l);
          assert.ok(readFileSync(file).equals(readFileSync(path.join(out, 'static', `${stem}.${ext}`))), `${page}: ${l}`);
        }
      }
    } finally {
      rmSync(out, { recursive: true, force: true });
    }
  });
});
