// What other sites' scripts, browsers and feed readers rely on (SPEC §6; issue 11):
// - CORS: /api/v2/*, /feed, /feed.atom, /badge.svg, /calendar.ics
//   carry "Access-Control-Allow-Origin: *" and expose ETag, errors included; OPTIONS on
//   them is a preflight answer (204, Allow-Methods, Allow-Headers, Max-Age). Nothing else
//   carries a CORS header: not the public HTML, not the console, not the admin API.
// - Allow: on every registered route OPTIONS answers 204 and a method the route does not
//   take 405, both with Allow listing the route's real methods. The routes are read from
//   the route tables in src/ (preprocessed by the C compiler, so API_BASE and the
//   resource macros expand as they do for the server) and checked over HTTP one by one.
// - Atom: the page's rel="alternate" link comes before rel="self" (a reader that takes
//   the first link as the site went to the feed itself); ids are unique, per page and
//   across pages.
// - /api/v2 component positions: unique and in page order at each level.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { cli, tempDir, startServer, request, api } from './lib/harness.mjs';
import { stopClean } from './lib/admin.mjs';
import { xpath } from './lib/xml.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const ORDER = ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS'];
const CORS_ROUTES = ['/api/v2/{*}', '/badge.svg', '/calendar.ics', '/feed', '/feed.atom'];
const B_HOST = 'b.test';

let s;
let routes;
const tokens = {};
const ids = {};

// Every {methods, pattern, cors} of the route tables of src/, as the compiler sees them.
function routeTables() {
  const pc = spawnSync('pkg-config', ['--cflags', 'jansson', 'libevent'], { encoding: 'utf8' });
  assert.equal(pc.status, 0, pc.stderr);
  const files = readdirSync(path.join(root, 'src'), { recursive: true })
    .filter((f) => f.endsWith('.c'))
    .map((f) => path.join('src', f))
    .filter((f) => readFileSync(path.join(root, f), 'utf8').includes('const struct route '));
  const out = [];
  for (const f of files) {
    const r = spawnSync(process.env.CC || 'cc', ['-E', '-P', '-std=c11', '-D_GNU_SOURCE', '-Isrc',
      ...pc.stdout.trim().split(/\s+/).filter(Boolean), f], { cwd: root, encoding: 'utf8' });
    assert.equal(r.status, 0, `cc -E ${f}: ${r.stderr}`);
    for (const t of r.stdout.matchAll(/const struct route (\w+)\[\] = \{([\s\S]*?)\};/g)) {
      for (const e of t[2].matchAll(/\{\s*(M_[A-Z]+(?:\s*\|\s*M_[A-Z]+)*)\s*,\s*((?:"[^"]*"\s*)+),([^{}]*)\}/g)) {
        out.push({
          table: t[1],
          methods: e[1].split('|').map((m) => m.trim().slice(2)),
          pattern: [...e[2].matchAll(/"([^"]*)"/g)].map((x) => x[1]).join(''),
          cors: /\bROUTE_CORS\b/.test(e[3]),
        });
      }
    }
  }
  return out;
}

// Does router pattern PATTERN match PATH ("{x}" one segment, a last "{*}" the rest)?
function matches(pattern, p) {
  const ps = pattern.split('/').filter(Boolean);
  const xs = p.split('/').filter(Boolean);
  for (let i = 0; i < ps.length; i++) {
    if (ps[i] === '{*}') return i < xs.length;
    if (i >= xs.length || (!ps[i].startsWith('{') && ps[i] !== xs[i])) return false;
  }
  return ps.length === xs.length;
}

// What the server must say about PATH: the methods of every route matching it.
function expected(p) {
  const ms = new Set(['OPTIONS']);
  let cors = false;
  for (const r of routes.filter((x) => matches(x.pattern, p))) {
    for (const m of r.methods) ms.add(m);
    cors ||= r.cors;
  }
  if (ms.has('GET')) ms.add('HEAD');
  return { allow: ORDER.filter((m) => ms.has(m)).join(', '), methods: ms, cors };
}

const concrete = (pattern) => pattern.replace('{*}', 'summary.json').replace(/\{[^}]+\}/g, '1');
const corsHeaders = (r) => Object.keys(r.headers).filter((h) => h.startsWith('access-control-'));

before(async () => {
  routes = routeTables();
  const dataDir = tempDir();
  const mk = (args) => {
    const r = cli(args, { dataDir });
    if (r.code !== 0) throw new Error(`${args.join(' ')} failed: ${r.stderr}`);
    return r.stdout.trim();
  };
  tokens.default = mk(['token', 'create', '--name', 'e2e']);
  mk(['page', 'add', '--slug', 'b', '--title', 'Bee', '--host', B_HOST]);
  tokens.b = mk(['token', 'create', '--name', 'e2e', '--page', 'b']);
  s = await startServer({ dataDir });
  s.token = tokens.default;
  const post = async (route, body, host) => {
    const r = await api(s, 'POST', route, { body, token: host ? tokens.b : tokens.default, host });
    assert.ok(r.status === 200 || r.status === 201, `${route}: ${r.status} ${r.text}`);
    return r.json;
  };
  const patch = async (route, body) => {
    const r = await api(s, 'PATCH', route, { body });
    assert.equal(r.status, 200, `${route}: ${r.text}`);
  };
  // Default page: two ungrouped services and two groups, each level reordered so that
  // page order differs from creation (and id) order.
  ids.g1 = (await post('groups', { name: 'Core' })).group.id;
  ids.g2 = (await post('groups', { name: 'Edge' })).group.id;
  ids.u1 = (await post('services', { name: 'Website' })).service.id;
  ids.u2 = (await post('services', { name: 'Status mail' })).service.id;
  ids.a = (await post('services', { name: 'API', group_id: ids.g1 })).service.id;
  ids.b = (await post('services', { name: 'Database', group_id: ids.g1 })).service.id;
  ids.c = (await post('services', { name: 'CDN', group_id: ids.g2 })).service.id;
  await patch(`groups/${ids.g1}`, { position: 5 });
  await patch(`groups/${ids.g2}`, { position: 0 });
  await patch(`services/${ids.u1}`, { position: 3 });
  await patch(`services/${ids.u2}`, { position: 1 });
  await patch(`services/${ids.a}`, { position: 9 });
  await patch(`services/${ids.b}`, { position: 2 });
  ids.inc = (await post('incidents', { title: 'Slow API', message: 'Looking.',
    services: [{ id: ids.a, status: 'degraded_performance' }, ids.u1] })).incident.id;
  await post(`incidents/${ids.inc}/updates`, { stage: 'identified', message: 'Found it.' });
  ids.incB = (await post('incidents', { title: 'Bee down', message: 'Looking.' }, B_HOST)).incident.id;
  await post(`incidents/${ids.incB}/updates`, { stage: 'monitoring', message: 'Fixed.' }, B_HOST);
});
after(async () => { await stopClean(s); });

test('the route tables are read: public, API and console routes, the CORS ones exactly', () => {
  assert.ok(routes.length > 80, `${routes.length} routes`);
  for (const p of ['/', '/feed.atom', '/api/v2/{*}', '/admin/api/v1/services/{id}', '/admin/incidents/{id}',
    '/subscribe', '/static/{*}', '/healthz'])
    assert.ok(routes.some((r) => r.pattern === p), `route ${p} found`);
  const cors = [...new Set(routes.filter((r) => r.cors).map((r) => r.pattern))].sort();
  assert.deepEqual(cors, CORS_ROUTES);
});

test('every route: OPTIONS answers 204 and a method it does not take 405, with its real methods in Allow', async () => {
  const paths = [...new Set(routes.map((r) => concrete(r.pattern)))];
  for (const p of paths) {
    const want = expected(p);
    const o = await request(s, 'OPTIONS', p);
    assert.equal(o.status, 204, `OPTIONS ${p}: ${o.status} ${o.text}`);
    assert.equal(o.headers.allow, want.allow, `OPTIONS ${p}: Allow`);
    assert.equal(o.text, '', `OPTIONS ${p}: no body`);
    assert.equal(o.headers['content-length'], undefined, `OPTIONS ${p}: 204 has no Content-Length`);
    if (want.cors) {
      assert.equal(o.headers['access-control-allow-origin'], '*', `OPTIONS ${p}`);
      assert.equal(o.headers['access-control-allow-methods'], want.allow, `OPTIONS ${p}`);
      assert.match(o.headers['access-control-allow-headers'], /(^|, )If-None-Match(,|$)/, `OPTIONS ${p}`);
      assert.match(o.headers['access-control-max-age'], /^[1-9]\d*$/, `OPTIONS ${p}`);
    } else {
      assert.deepEqual(corsHeaders(o), [], `OPTIONS ${p}: no CORS header`);
    }
    const m = ['DELETE', 'PATCH', 'PUT', 'POST', 'GET'].find((x) => !want.methods.has(x));
    if (!m) continue;
    const r = await request(s, m, p, { headers: { Accept: 'application/json' } });
    assert.equal(r.status, 405, `${m} ${p}: ${r.status} ${r.text}`);
    assert.equal(r.headers.allow, want.allow, `${m} ${p}: Allow`);
    assert.equal(r.json?.error?.code, 'method_not_allowed', `${m} ${p}`);
    assert.ok(r.json.error.message.includes(`allowed: ${want.allow}`), `${m} ${p}: ${r.json.error.message}`);
    if (want.cors) assert.equal(r.headers['access-control-allow-origin'], '*', `${m} ${p}`);
    else assert.deepEqual(corsHeaders(r), [], `${m} ${p}: no CORS header`);
  }
});

test('Allow: a few routes spelled out; a trailing slash and an unknown method change nothing', async () => {
  const allow = async (m, p) => {
    const r = await request(s, m, p, { headers: { Accept: 'application/json' } });
    return [r.status, r.headers.allow];
  };
  assert.deepEqual(await allow('OPTIONS', '/'), [204, 'GET, HEAD, OPTIONS']);
  assert.deepEqual(await allow('POST', '/'), [405, 'GET, HEAD, OPTIONS']);
  assert.deepEqual(await allow('OPTIONS', '/admin/api/v1/services/1/'), [204, 'GET, HEAD, PATCH, DELETE, OPTIONS']);
  assert.deepEqual(await allow('OPTIONS', '/admin/api/v1/service/put/1/major_outage'), [204, 'POST, PUT, OPTIONS']);
  assert.deepEqual(await allow('OPTIONS', '/admin/login'), [204, 'GET, HEAD, POST, OPTIONS']);
  assert.deepEqual(await allow('OPTIONS', '/hooks/sms/twilio'), [204, 'POST, OPTIONS']);
  assert.deepEqual(await allow('TRACE', '/healthz'), [405, 'GET, HEAD, OPTIONS']);
  assert.deepEqual(await allow('OPTIONS', '/no/such/page'), [404, undefined]);
  // OPTIONS needs no session or token, and changes nothing: the console still wants a sign-in.
  assert.equal((await request(s, 'GET', '/admin/api/v1/services')).status, 401);
});

test('CORS: the feeds, the badge, the calendar and /api/v2 answer any origin and expose ETag, errors and 304s too', async () => {
  const origin = { Origin: 'https://widget.example' };
  for (const p of ['/api/v2/summary.json', '/api/v2/components.json', '/feed', '/feed.atom', '/badge.svg', '/calendar.ics']) {
    for (const host of [undefined, B_HOST]) {
      const r = await request(s, 'GET', p, { headers: origin, host });
      assert.equal(r.status, 200, p);
      assert.equal(r.headers['access-control-allow-origin'], '*', p);
      assert.equal(r.headers['access-control-expose-headers'], 'ETag', p);
      const again = await request(s, 'GET', p, { headers: { ...origin, 'If-None-Match': r.headers.etag }, host });
      assert.equal(again.status, 304, p);
      assert.equal(again.headers['access-control-allow-origin'], '*', `${p} 304`);
      const head = await request(s, 'HEAD', p, { headers: origin, host });
      assert.equal(head.headers['access-control-allow-origin'], '*', `HEAD ${p}`);
    }
  }
  const missing = await request(s, 'GET', '/api/v2/nothing.json', { headers: origin });
  assert.equal(missing.status, 404);
  assert.equal(missing.headers['access-control-allow-origin'], '*', 'a script may read the 404');
  // A browser's preflight for a conditional request is answered in full.
  const pre = await request(s, 'OPTIONS', '/api/v2/summary.json', { headers: { ...origin,
    'Access-Control-Request-Method': 'GET', 'Access-Control-Request-Headers': 'if-none-match' } });
  assert.equal(pre.status, 204);
  assert.equal(pre.headers['access-control-allow-origin'], '*');
  assert.equal(pre.headers['access-control-allow-methods'], 'GET, HEAD, OPTIONS');
  assert.match(pre.headers['access-control-allow-headers'].toLowerCase(), /(^|, )if-none-match(,|$)/);
  assert.equal(pre.headers['access-control-max-age'], '86400');
});

test('CORS: nothing else answers other origins (public HTML, console, admin API)', async () => {
  const origin = { Origin: 'https://evil.example' };
  const gets = [['/', {}], ['/history', {}], [`/incidents/${ids.inc}`, {}], ['/brand.css', {}],
    ['/static/favicon.svg', {}], ['/healthz', {}], ['/subscribe', {}], ['/admin/login', {}],
    ['/admin/api/v1/services', { token: tokens.default }], ['/admin/api/v1/openapi.json', {}],
    ['/admin/api/v1/page', {}]];
  for (const [p, opts] of gets) {
    const r = await request(s, 'GET', p, { ...opts, headers: origin });
    assert.ok(r.status < 500, `${p}: ${r.status}`);
    assert.deepEqual(corsHeaders(r), [], `${p}: no CORS header`);
  }
  const pre = await request(s, 'OPTIONS', '/admin/api/v1/services', { headers: { ...origin,
    'Access-Control-Request-Method': 'POST', 'Access-Control-Request-Headers': 'authorization-token' } });
  assert.equal(pre.status, 204);
  assert.equal(pre.headers.allow, 'GET, HEAD, POST, OPTIONS');
  assert.deepEqual(corsHeaders(pre), [], 'the preflight fails in the browser');
});

const A = (n) => `*[local-name()='${n}']`;

test('Atom: the alternate link first, then self; ids unique per page and across pages', async () => {
  const all = [];
  for (const [host, u] of [[undefined, `http://127.0.0.1:${s.port}`], [B_HOST, `http://${B_HOST}:${s.port}`]]) {
    const atom = (await request(s, 'GET', '/feed.atom', { host })).text;
    // the feed's links, in order: the page first
    const rels = xpath(atom, `/${A('feed')}/${A('link')}/@rel`).match(/rel="[^"]*"/g);
    assert.deepEqual(rels, ['rel="alternate"', 'rel="self"'], host);
    assert.equal(xpath(atom, `string(/${A('feed')}/${A('link')}[1]/@href)`), `${u}/`);
    assert.equal(xpath(atom, `string(/${A('feed')}/${A('link')}[2]/@href)`), `${u}/feed.atom`);
    assert.equal(atom.indexOf('<link'), atom.indexOf('<link rel="alternate" type="text/html"'), 'the first link of the document');
    const ids = [xpath(atom, `string(/${A('feed')}/${A('id')})`),
      ...xpath(atom, `/${A('feed')}/${A('entry')}/${A('id')}/text()`).split('\n').filter(Boolean)];
    assert.ok(ids.length >= 3, `${host}: the feed and its entries: ${ids}`);
    for (const id of ids) assert.ok(id.startsWith(`${u}/`), `${id} is on ${u}`);
    assert.equal(new Set(ids).size, ids.length, `${host}: ids unique: ${ids}`);
    all.push(...ids);
  }
  assert.equal(new Set(all).size, all.length, `no id shared by two pages: ${all}`);
});

test('/api/v2 positions: unique and in page order, at the top level and in each group', async () => {
  const services = (await api(s, 'GET', 'services')).json.services; // the page's order
  const groups = (await api(s, 'GET', 'groups')).json.groups;
  const top = [...services.filter((x) => x.group_id === null).map((x) => String(x.id)),
    ...groups.map((g) => `group-${g.id}`)];
  assert.deepEqual(top, [String(ids.u2), String(ids.u1), `group-${ids.g2}`, `group-${ids.g1}`], 'the setup');
  for (const doc of ['components', 'summary']) {
    const comps = (await request(s, 'GET', `/api/v2/${doc}.json`)).json.components;
    const level = comps.filter((c) => c.group || c.group_id === null);
    assert.deepEqual(level.map((c) => c.id), top, `${doc}: the top level in page order`);
    assert.deepEqual(level.map((c) => c.position), top.map((_, i) => i + 1), `${doc}: top-level positions`);
    for (const g of comps.filter((c) => c.group)) {
      const want = services.filter((x) => `group-${x.group_id}` === g.id).map((x) => String(x.id));
      assert.deepEqual(g.components, want, `${g.name}: its services in page order`);
      const kids = want.map((id) => comps.find((c) => c.id === id));
      assert.deepEqual(kids.map((c) => c.position), want.map((_, i) => i + 1), `${g.name}: positions`);
    }
    // an incident's components carry the same positions
    const inc = (await request(s, 'GET', '/api/v2/incidents.json')).json.incidents.find((i) => i.id === String(ids.inc));
    for (const c of inc.components) assert.equal(c.position, comps.find((x) => x.id === c.id).position, c.name);
  }
});
